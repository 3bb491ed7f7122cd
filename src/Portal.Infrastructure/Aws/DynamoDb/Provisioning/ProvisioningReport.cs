namespace Portal.Infrastructure.Aws.DynamoDb.Provisioning;

/// <summary>What provisioning did (or, in a dry run, would do) to one table.</summary>
public enum ProvisioningActionKind
{
    /// <summary>The table was created with its keys, GSIs and billing mode.</summary>
    CreatedTable,

    /// <summary>A GSI missing from an existing table was added (and is ACTIVE).</summary>
    AddedIndex,

    /// <summary>TTL was enabled on the spec's attribute.</summary>
    EnabledTimeToLive,

    /// <summary>Nothing to change.</summary>
    UpToDate,

    /// <summary>Something could not be done by this endpoint; reported, not a failure (e.g. dynalite has no UpdateTimeToLive).</summary>
    Warning,

    /// <summary>Dry run: what would be ensured, computed from the spec alone.</summary>
    Planned,
}

public sealed record ProvisioningAction(string Table, ProvisioningActionKind Kind, string Detail)
{
    /// <summary>The one line printed for the action.</summary>
    public override string ToString() => $"{Table}: {Label} {Detail}".TrimEnd();

    private string Label => Kind switch
    {
        ProvisioningActionKind.CreatedTable => "created table",
        ProvisioningActionKind.AddedIndex => "added index",
        ProvisioningActionKind.EnabledTimeToLive => "enabled TTL",
        ProvisioningActionKind.UpToDate => "up to date,",
        ProvisioningActionKind.Warning => "warning:",
        ProvisioningActionKind.Planned => "would ensure",
        _ => Kind.ToString(),
    };
}

public sealed record ProvisioningReport(IReadOnlyList<ProvisioningAction> Actions)
{
    /// <summary>True when the run created or changed anything.</summary>
    public bool Changed => Actions.Any(a => a.Kind is ProvisioningActionKind.CreatedTable or ProvisioningActionKind.AddedIndex or ProvisioningActionKind.EnabledTimeToLive);
}
