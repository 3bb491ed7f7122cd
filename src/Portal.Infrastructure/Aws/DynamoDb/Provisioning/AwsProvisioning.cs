using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Aws.DynamoDb.Provisioning;

/// <summary>
/// <c>portal provision aws [--stage S] [--dry-run]</c>: the AWS adapters' table specs from configuration (appsettings and the
/// environment, <c>Aws:*</c>), provisioned one line per action. The dry run resolves only the specs: no client, no credentials.
/// </summary>
public static class AwsProvisioning
{
    /// <summary>Registers the AWS adapters (whatever <c>Portal:Provider</c> says) with <paramref name="stage"/> overriding <c>Aws:Stage</c>.</summary>
    public static IHostApplicationBuilder ConfigureForProvisioning(this IHostApplicationBuilder builder, string? stage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration[PortalOptions.ProviderKey] = PortalOptions.AwsProvider;
        if (stage is not null)
        {
            builder.Configuration[$"{AwsOptions.SectionName}:{nameof(AwsOptions.Stage)}"] = stage;
        }

        return builder.AddAwsAdapters();
    }

    /// <summary>Prints each action to <paramref name="output"/>; 0 on success, 1 with the reason on <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, bool dryRun, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var specs = services.GetServices<IDynamoDbTableSpec>().ToList();
            if (specs.Count == 0)
            {
                await output.WriteLineAsync("No DynamoDB tables are registered: nothing to provision.");
                return 0;
            }

            if (dryRun)
            {
                await output.WriteLineAsync($"Dry run: {specs.Count} table(s), no AWS call made.");
                foreach (var action in DynamoDbTableProvisioner.Plan(specs).Actions)
                {
                    await output.WriteLineAsync(action.ToString());
                }

                return 0;
            }

            var provisioner = services.GetRequiredService<DynamoDbTableProvisioner>();
            var report = await provisioner.ProvisionAsync(action => output.WriteLine(action.ToString()), cancellationToken);
            await output.WriteLineAsync(report.Changed ? "Provisioning done." : "Provisioning done: nothing changed.");
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync($"error: {string.Join(" ", ex.Failures)}");
            return 1;
        }
    }
}
