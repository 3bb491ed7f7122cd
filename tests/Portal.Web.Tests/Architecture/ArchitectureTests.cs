using System.Reflection;
using NetArchTest.Rules;
using Portal.Core.Pricing;
using Portal.Infrastructure;
using Portal.Web;

namespace Portal.Web.Tests.Architecture;

/// <summary>
/// The arrows <c>docs/architecture.md</c> allows, read from the compiled assemblies (every type's signatures and method
/// bodies): the core depends on no adapter library, the providers do not reach into each other, and only the hosts and the
/// wiring itself use <c>Hosting</c>.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Core = typeof(PricingService).Assembly;
    private static readonly Assembly Infrastructure = typeof(PortalOptions).Assembly;
    private static readonly Assembly Web = typeof(WebServiceExtensions).Assembly;

    private const string Aws = "Portal.Infrastructure.Aws";
    private const string Embedded = "Portal.Infrastructure.Embedded";
    private const string Hosting = "Portal.Infrastructure.Hosting";
    private const string Formats = "Portal.Infrastructure.Formats";
    private const string Http = "Portal.Infrastructure.Http";

    [Fact]
    public void TheCoreUsesNoAdapterNoHostAndNoStorageOrCloudLibrary()
    {
        var result = Types.InAssembly(Core).ShouldNot().HaveDependencyOnAny(
            "Portal.Infrastructure", "Portal.Web", "Portal.Worker", "Portal.Cli",
            "Amazon", "Microsoft.Data.Sqlite", "DuckDB", "Parquet", "Npgsql", "SkiaSharp", "Microsoft.ML.OnnxRuntime", "Quartz",
            "Microsoft.AspNetCore", "System.Net.Http").GetResult();

        AssertKept(result, "the core");
    }

    [Theory]
    [InlineData(Aws, Embedded)]
    [InlineData(Embedded, Aws)]
    [InlineData(Formats, Aws)]
    [InlineData(Formats, Embedded)]
    [InlineData(Formats, Hosting)]
    [InlineData(Http, Aws)]
    [InlineData(Http, Embedded)]
    [InlineData(Http, Hosting)]
    public void AnAdapterFolderDoesNotReachInto(string from, string to)
    {
        var result = Types.InAssembly(Infrastructure).That().ResideInNamespace(from).ShouldNot().HaveDependencyOn(to).GetResult();

        AssertKept(result, $"{from} → {to}");
    }

    [Fact]
    public void OnlyTheWiringItselfUsesHosting()
    {
        var result = Types.InAssembly(Infrastructure).That().DoNotResideInNamespace(Hosting).ShouldNot().HaveDependencyOn(Hosting).GetResult();

        AssertKept(result, $"anything → {Hosting}");
    }

    [Fact]
    public void TheSyncPipelineLivesInTheCore()
    {
        // The pipeline, its stages and its classifier are use cases: the adapters keep no sync folder of their own.
        Assert.Empty(Types.InAssembly(Infrastructure).That().ResideInNamespaceStartingWith("Portal.Infrastructure.Sync").GetTypes());
        Assert.NotEmpty(Types.InAssembly(Core).That().HaveName("EventPipeline").GetTypes());
    }

    [Fact]
    public void TheCoreAndTheAdaptersDoNotKnowThePortal()
    {
        var result = Types.InAssemblies([Core, Infrastructure]).ShouldNot().HaveDependencyOn("Portal.Web").GetResult();

        AssertKept(result, "core and adapters → Portal.Web");
    }

    [Fact]
    public void TheRulesSeeTheArrowsTheyForbid()
    {
        // The rules above would pass vacuously if the filters matched nothing: each source namespace holds types, and a
        // known allowed arrow (the wiring uses both providers) is seen.
        Assert.NotEmpty(Types.InAssembly(Infrastructure).That().ResideInNamespace(Aws).GetTypes());
        Assert.NotEmpty(Types.InAssembly(Infrastructure).That().ResideInNamespace(Embedded).GetTypes());
        Assert.NotEmpty(Types.InAssembly(Infrastructure).That().ResideInNamespace(Formats).GetTypes());
        Assert.NotEmpty(Types.InAssembly(Infrastructure).That().ResideInNamespace(Http).GetTypes());
        var wiring = Types.InAssembly(Infrastructure).That().ResideInNamespace(Hosting).ShouldNot().HaveDependencyOn(Aws).GetResult();
        Assert.False(wiring.IsSuccessful);
        Assert.Contains(wiring.FailingTypeNames, name => name.StartsWith(Hosting, StringComparison.Ordinal));
        Assert.False(Types.InAssembly(Web).ShouldNot().HaveDependencyOn("Portal.Core").GetResult().IsSuccessful);
    }

    private static void AssertKept(TestResult result, string arrow) =>
        Assert.True(result.IsSuccessful, $"Arrow not allowed ({arrow}): {string.Join(", ", result.FailingTypeNames ?? [])}");
}
