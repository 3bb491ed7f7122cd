using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Core.Tests.Sync;

/// <summary>The published examples in <c>docs/events/examples</c>, and a clock just after them.</summary>
internal static class EventSamples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 15, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Now);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ExamplesDirectory => Path.Combine(RepoRoot, "docs", "events", "examples");

    public static string ExampleText(string detailType) => File.ReadAllText(Path.Combine(ExamplesDirectory, detailType + ".json"));

    public static JsonObject Example(string detailType) => JsonNode.Parse(ExampleText(detailType))!.AsObject();

    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Portal.sln above {AppContext.BaseDirectory}.");
    }
}
