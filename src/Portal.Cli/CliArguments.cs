namespace Portal.Cli;

/// <summary>Parses <c>command --name value --flag</c>; unknown options are errors, so typos never pass silently.</summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    private CliArguments(string command) => Command = command;

    public string Command { get; }

    public static CliArguments Parse(string[] args, IReadOnlySet<string> flags)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new CliUsageException("No command given.");
        }

        // A command may have one sub-command word (`bench smartgo`); options start after it.
        var hasSubcommand = args.Length > 1 && !args[1].StartsWith('-');
        var parsed = new CliArguments(hasSubcommand ? $"{args[0]} {args[1]}" : args[0]);
        for (var i = hasSubcommand ? 2 : 1; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new CliUsageException($"Unexpected argument '{name}'.");
            }

            name = name[2..];
            if (flags.Contains(name))
            {
                parsed._options[name] = null;
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                parsed._options[name] = args[++i];
            }
            else
            {
                throw new CliUsageException($"Option --{name} needs a value.");
            }
        }

        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var value) ? value : null;

    public string Require(string name) => Get(name) ?? throw new CliUsageException($"Option --{name} is required for '{Command}'.");

    public int GetInt(string name, int fallback) =>
        Get(name) is { } text ? int.TryParse(text, out var value) && value > 0 ? value : throw new CliUsageException($"--{name} must be a positive integer.") : fallback;

    public void AllowOnly(params string[] names)
    {
        var unknown = _options.Keys.Except(names).ToArray();
        if (unknown.Length > 0)
        {
            throw new CliUsageException($"Unknown option(s) for '{Command}': {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }
}

/// <summary>A bad command line: the message names the option and what it takes.</summary>
public sealed class CliUsageException(string message) : Exception(message);
