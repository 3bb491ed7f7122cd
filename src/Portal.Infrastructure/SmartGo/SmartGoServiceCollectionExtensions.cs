using Npgsql;
using Portal.Core.Imports.SmartGo;
using Portal.Core.Jobs;

namespace Portal.Infrastructure.SmartGo;

public static class SmartGoServiceCollectionExtensions
{
    /// <summary>The SmartGo nightly import as the <c>smartgo-import</c> job, with its options validated at start.</summary>
    public static IHostApplicationBuilder AddSmartGoImport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SmartGoOptions>().Bind(builder.Configuration.GetSection(SmartGoOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.CommandTimeout > TimeSpan.Zero, "SmartGo:CommandTimeout must be positive.")
            .Validate(o => o.ImageRetryDelay >= TimeSpan.Zero, "SmartGo:ImageRetryDelay must not be negative.")
            .Validate(o => o.Tenants.All(t => TenantId.TryParse(t, out _)), "SmartGo:Tenants must hold tenant ids (lower-case letters, digits, dashes).")
            .Validate(o => string.IsNullOrWhiteSpace(o.ConnectionString) || IsConnectionString(o.ConnectionString),
                "SmartGo:ConnectionString is not a valid Npgsql connection string.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SmartGoSourceFactory>((connectionString, commandTimeout) => new SmartGoSource(connectionString, commandTimeout));
        builder.Services.AddSingleton<IPortalJob, SmartGoImportJob>();
        return builder;
    }

    private static bool IsConnectionString(string value)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
