using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Testing.Aws;

namespace Portal.EndToEnd.Tests;

/// <summary>
/// axe-core (pinned in <c>tests/tools/package.json</c>) injected into a page and run against WCAG 2.0/2.1 A and AA: the
/// violations it finds, of every impact. Serious and critical ones fail a test through <see cref="Blocking"/>.
/// </summary>
internal static class AxeScan
{
    public static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    public static string ScriptPath { get; } = Path.Combine(NodeTestServer.ToolsDirectory(), "node_modules", "axe-core", "axe.min.js");

    public static string MissingScriptMessage =>
        $"axe-core not found at {ScriptPath}: run `npm ci --prefix tests/tools` (CI does).";

    /// <summary>Injects axe-core (once per document) and returns the violations on the page as it is now.</summary>
    public static async Task<IReadOnlyList<AxeViolation>> RunAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = ScriptPath });
        }

        var json = await page.EvaluateAsync<string>(
            """
            async tags => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
              return JSON.stringify(result.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                targets: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' ')),
              })));
            }
            """,
            Tags);
        return JsonSerializer.Deserialize<AxeViolation[]>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
    }

    /// <summary>The violations that block: impact serious or critical.</summary>
    public static IReadOnlyList<AxeViolation> Blocking(IEnumerable<AxeViolation> violations) =>
        violations.Where(v => v.Impact is "serious" or "critical").ToList();

    /// <summary>One line per violation: rule, impact, help and the selectors of the elements concerned.</summary>
    public static string Describe(IEnumerable<AxeViolation> violations)
    {
        var text = new StringBuilder();
        foreach (var violation in violations)
        {
            text.Append("  ").Append(violation.Id).Append(" (").Append(violation.Impact).Append("): ").AppendLine(violation.Help);
            foreach (var target in violation.Targets.Take(5))
            {
                text.Append("      ").AppendLine(target);
            }

            if (violation.Targets.Count > 5)
            {
                text.Append("      … and ").Append(violation.Targets.Count - 5).AppendLine(" more");
            }
        }

        return text.ToString();
    }
}

/// <summary>One axe rule broken on a page, with the selectors of the elements that break it.</summary>
internal sealed record AxeViolation(string Id, string? Impact, string Help, IReadOnlyList<string> Targets);
