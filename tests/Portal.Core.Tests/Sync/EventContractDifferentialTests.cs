using System.Text;
using System.Text.Json;
using Json.Schema;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Sales;
using Portal.Core.Sync;
using Xunit.Abstractions;

namespace Portal.Core.Tests.Sync;

/// <summary>
/// The published schema and the portal's reader must give the same verdict on every event: several hundred variants of the
/// examples, generated from a fixed seed, each judged by an independent JSON Schema 2020-12 validator (JsonSchema.Net)
/// against <c>docs/events/product-event.schema.json</c> and by <see cref="ProductEventParser"/> with
/// <see cref="ProductEventValidator"/>.
/// </summary>
/// <remarks>
/// Besides the few declared differences (instants near the ends of the calendar, a key of another tenant),
/// two rules depend on the receiver, not the text, and are left out of the comparison by running the validator where they
/// cannot fire: the clock (no more than 5 minutes ahead of now) at the end of time, and the per-currency price limits
/// (<c>Pricing:PriceLimits</c>) at the widest any configuration may set. The schema states exactly that outer bound.
/// </remarks>
public sealed class EventContractDifferentialTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(
        File.ReadAllText(Path.Combine(EventSamples.RepoRoot, "docs", "events", "product-event.schema.json")),
        new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>Where the schema, which sees text, and the portal, which compares instants, may part; each with the side that accepts.</summary>
    private static readonly Dictionary<string, (string Json, bool SchemaAccepts, string Why)> DeclaredDifferences = new()
    {
        ["time written in 2000 but before it in UTC"] = (WithTime("2000-01-01T00:30:00+01:00"), true,
            "the schema reads the year as written (2000 or later); the portal holds the instant to 2000-01-01T00:00Z"),
        ["time written in 1999 but in 2000 in UTC"] = (WithTime("1999-12-31T23:30:00-01:00"), false,
            "the schema reads the year as written (1999); the instant is 2000-01-01T00:30Z, which the portal accepts"),
        ["time past year 9999 in UTC"] = (WithTime("9999-12-31T23:59:59-01:00"), true,
            "a negative offset carries the last day of 9999 past what a timestamp can hold"),
        ["imageKey of another tenant"] = (WithSoldImageKey("other/aa/" + new string('a', 64) + ".jpg"), true,
            "a key must start with the event's own tenantId, a rule between two fields that JSON Schema cannot state"),
    };

    /// <summary>The validator with the receiver's rules out of reach: a clock at the end of time, the widest price limits.</summary>
    private static readonly ProductEventValidator Validator = new(
        new FakeTimeProvider(DateTimeOffset.MaxValue - ProductEventLimits.MaxClockSkew - TimeSpan.FromDays(1)),
        new PriceLimits
        {
            Minimum = 0.0000000000000000000000000001m,
            DefaultMaximum = PriceLimits.Ceiling - 0.0000000000000001m,
            MaximumByCurrency = new(StringComparer.Ordinal),
        });

    [Fact]
    public void ThePublishedExamplesAreValidByTheSchema()
    {
        foreach (var file in Directory.GetFiles(EventSamples.ExamplesDirectory, "*.json"))
        {
            var (valid, reasons) = BySchema(File.ReadAllText(file));

            Assert.True(valid == true, $"{Path.GetFileName(file)}: {reasons}");
        }
    }

    [Fact]
    public void GeneratesSeveralHundredDistinctVariants()
    {
        var variants = EventContractVariants.Generate();

        Assert.True(variants.Count >= 500, $"{variants.Count} variants");
        Assert.Equal(variants.Select(v => v.Json), EventContractVariants.Generate().Select(v => v.Json));
        Assert.True(variants.Select(v => v.Json).Distinct(StringComparer.Ordinal).Count() >= 500);
        // Both verdicts must be well represented, or agreement would prove little.
        Assert.True(variants.Count(v => ByPortal(v.Json).Valid) >= 100);
        Assert.True(variants.Count(v => !ByPortal(v.Json).Valid) >= 300);
    }

    [Fact]
    public void TheSchemaAndThePortalGiveTheSameVerdictOnEveryVariant()
    {
        var variants = EventContractVariants.Generate();
        var mismatches = new List<string>();
        foreach (var variant in variants)
        {
            var schema = BySchema(variant.Json);
            var portal = ByPortal(variant.Json);
            if (schema.Valid != portal.Valid)
            {
                mismatches.Add($"""
                    {variant.Name}
                      event:  {Shorten(variant.Json)}
                      schema: {Verdict(schema.Valid)} {schema.Reasons}
                      portal: {Verdict(portal.Valid)} {portal.Reasons}
                    """);
            }
        }

        output.WriteLine($"{variants.Count} variants (seed {EventContractVariants.Seed}), {variants.Count(v => ByPortal(v.Json).Valid)} valid, {mismatches.Count} verdicts differ.");
        foreach (var mismatch in mismatches)
        {
            output.WriteLine(mismatch);
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {variants.Count} verdicts differ:\n{string.Join("\n", mismatches.Take(40))}");
    }

    public static TheoryData<string> Differences => [.. DeclaredDifferences.Keys];

    [Theory]
    [MemberData(nameof(Differences))]
    public void DiffersOnlyWhereDeclaredAndOnTheDeclaredSide(string name)
    {
        var (json, schemaAccepts, why) = DeclaredDifferences[name];

        var schema = BySchema(json);
        var portal = ByPortal(json);

        Assert.True(schema.Valid == schemaAccepts, $"{name} ({why}): schema {Verdict(schema.Valid)} {schema.Reasons}");
        Assert.True(portal.Valid != schemaAccepts, $"{name} ({why}): portal {Verdict(portal.Valid)} {portal.Reasons}");
    }

    /// <summary>The schema's verdict; null when the validator could not judge the event at all, which counts as a difference.</summary>
    private static (bool? Valid, string Reasons) BySchema(string json)
    {
        using var document = JsonDocument.Parse(json);
        EvaluationResults results;
        try
        {
            results = Schema.Value.Evaluate(document.RootElement, Evaluation);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            return (null, $"the validator failed: {ex.GetType().Name}: {ex.Message}");
        }

        var reasons = results.Details?
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}"))
            .Take(6) ?? [];
        return (results.IsValid, string.Join("; ", reasons));
    }

    private static (bool Valid, string Reasons) ByPortal(string json)
    {
        if (!ProductEventParser.TryParse(Encoding.UTF8.GetBytes(json), out var productEvent, out var errors))
        {
            return (false, string.Join("; ", errors));
        }

        var result = Validator.Validate(productEvent!);
        return (result.IsValid, string.Join("; ", ProductEventValidator.ToEventErrors(result)));
    }

    private static string WithTime(string time)
    {
        var node = EventSamples.Example(ProductEventTypes.Delisted);
        node["time"] = time;
        return node.ToJsonString();
    }

    private static string WithSoldImageKey(string key)
    {
        var node = EventSamples.Example(ProductEventTypes.Sold);
        node["detail"]!["imageKey"] = key;
        return node.ToJsonString();
    }

    private static string Verdict(bool? valid) => valid switch { true => "accepts", false => "rejects", null => "cannot judge" };

    private static string Shorten(string json) => json.Length <= 400 ? json : string.Concat(json.AsSpan(0, 400), $"… ({json.Length} characters)");
}
