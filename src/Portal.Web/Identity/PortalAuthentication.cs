using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Portal.Web.Identity;

/// <summary>Which sign-in the portal uses: <c>Portal:Authentication</c> = <c>EntraId</c> or <c>Development</c>.</summary>
public enum PortalAuthenticationMode
{
    /// <summary>Microsoft.Identity.Web: OpenID Connect + cookie for pages, JWT bearer for <c>/api</c>.</summary>
    EntraId,

    /// <summary>A configured user, role and tenant; refused outside the Development environment.</summary>
    Development,
}

/// <summary>The sign-in chosen at start, for pages and endpoints that differ between the two.</summary>
public sealed record PortalSignIn(PortalAuthenticationMode Mode);

public static class PortalAuthentication
{
    public const string ConfigurationKey = "Portal:Authentication";
    public const string PolicySchemeName = "Portal";
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    public const string AccessDeniedPath = "/account/access-denied";
    public const string NoTenantPath = "/account/no-tenant";
    public const string DevelopmentLoginPath = "/account/dev-login";

    private static readonly string[] RequiredAzureAdKeys = ["Instance", "TenantId", "ClientId"];

    /// <summary>
    /// Registers the configured sign-in and the policies. Throws (the host does not start) when the development sign-in
    /// is asked for outside Development, or when Entra ID is chosen without its <c>AzureAd</c> keys: Microsoft.Identity.Web
    /// handlers are never constructed without configuration (they would fail every request).
    /// </summary>
    public static void AddPortalAuthentication(this WebApplicationBuilder builder)
    {
        var mode = ResolveMode(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(new PortalSignIn(mode));

        if (mode == PortalAuthenticationMode.Development)
        {
            builder.Services.AddOptions<DevelopmentIdentityOptions>()
                .Bind(builder.Configuration.GetSection(DevelopmentIdentityOptions.SectionName))
                .ValidateOnStart();
            builder.Services.AddSingleton<IValidateOptions<DevelopmentIdentityOptions>, DevelopmentIdentityValidator>();
            builder.Services.AddAuthentication(DevelopmentAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, DevelopmentAuthenticationHandler>(DevelopmentAuthenticationHandler.SchemeName, null);
        }
        else
        {
            AddEntraId(builder);
        }

        builder.Services.AddOptions<PlatformAdminOptions>()
            .Bind(builder.Configuration.GetSection(PlatformAdminOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PlatformAdminOptions>, PlatformAdminOptions.Validator>();
        builder.Services.AddTransient<IClaimsTransformation, PortalClaimsTransformation>();
        builder.Services.AddPortalPolicies();
    }

    /// <summary>
    /// The default policy (signed in with a tenant) and the role policies every page and endpoint names: no endpoint relies on
    /// the default (a test enumerates them all), so a new one cannot silently open to every role.
    /// </summary>
    public static IServiceCollection AddPortalPolicies(this IServiceCollection services)
    {
        var tenantUser = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(PortalClaims.Tenant).Build();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(tenantUser)
            .AddPolicy(PortalPolicies.SignedIn, p => p.RequireAuthenticatedUser())
            .AddPolicy(PortalPolicies.TenantUser, tenantUser)
            .AddPolicy(PortalPolicies.Images, p => p.RequireClaim(PortalClaims.Tenant).RequireRole(PortalRoles.Analyst, PortalRoles.Manager, PortalRoles.Ops, PortalRoles.Admin))
            .AddPolicy(PortalPolicies.Pricing, p => p.RequireClaim(PortalClaims.Tenant).RequireRole(PortalRoles.Analyst, PortalRoles.Manager, PortalRoles.Admin))
            .AddPolicy(PortalPolicies.Sales, p => p.RequireClaim(PortalClaims.Tenant).RequireRole(PortalRoles.Analyst, PortalRoles.Manager, PortalRoles.Ops, PortalRoles.Admin))
            .AddPolicy(PortalPolicies.Trends, p => p.RequireClaim(PortalClaims.Tenant).RequireRole(PortalRoles.Manager, PortalRoles.Admin))
            .AddPolicy(PortalPolicies.Operations, p => p.RequireClaim(PortalClaims.Tenant).RequireRole(PortalRoles.Ops, PortalRoles.Admin))
            .AddPolicy(PortalPolicies.EventPublisher, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.IsInRole(PortalRoles.EventPublisher)
                || c.User.HasClaim(claim => claim.Type == PortalClaims.Tenant) && (c.User.IsInRole(PortalRoles.Ops) || c.User.IsInRole(PortalRoles.Admin))));
        return services;
    }

    internal static PortalAuthenticationMode ResolveMode(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[ConfigurationKey];
        PortalAuthenticationMode mode;
        if (string.IsNullOrWhiteSpace(configured))
        {
            mode = environment.IsDevelopment() ? PortalAuthenticationMode.Development : PortalAuthenticationMode.EntraId;
        }
        else if (!Enum.TryParse(configured, ignoreCase: true, out mode) || !Enum.IsDefined(mode))
        {
            throw new InvalidOperationException($"{ConfigurationKey} is '{configured}'; use 'EntraId' or 'Development'.");
        }

        if (mode == PortalAuthenticationMode.Development && !environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} is 'Development' but the environment is '{environment.EnvironmentName}': the development sign-in " +
                "lets anyone pick a user, role and tenant and is refused outside the Development environment. Configure AzureAd and use 'EntraId'.");
        }

        return mode;
    }

    private static void AddEntraId(WebApplicationBuilder builder)
    {
        var azureAd = builder.Configuration.GetSection("AzureAd");
        RequireAzureAdKeys(azureAd);
        RequireHttpsInstance(azureAd);

        builder.Services.AddOptions<TenancyOptions>()
            .Bind(builder.Configuration.GetSection(TenancyOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ClaimType), "Tenancy:ClaimType is required.")
            .ValidateOnStart();
        // Run by PortalClaimsTransformation, the one transformation registered (ASP.NET Core resolves only one).
        builder.Services.AddTransient<TenantClaimsTransformation>();

        var authentication = builder.Services.AddAuthentication(options =>
        {
            options.DefaultScheme = PolicySchemeName;
            options.DefaultChallengeScheme = PolicySchemeName;
            options.DefaultForbidScheme = PolicySchemeName;
        });
        authentication.AddMicrosoftIdentityWebApp(azureAd, OpenIdConnectDefaults.AuthenticationScheme, CookieAuthenticationDefaults.AuthenticationScheme);
        authentication.AddMicrosoftIdentityWebApi(azureAd, JwtBearerDefaults.AuthenticationScheme);
        authentication.AddPolicyScheme(PolicySchemeName, "Cookie for pages, bearer token for the API", options =>
            options.ForwardDefaultSelector = context => IsApiRequest(context.Request)
                ? JwtBearerDefaults.AuthenticationScheme
                : CookieAuthenticationDefaults.AuthenticationScheme);

        ConfigureEntraIdHandlers(builder.Services);
    }

    private static void RequireAzureAdKeys(IConfigurationSection azureAd)
    {
        var missing = RequiredAzureAdKeys.Where(key => string.IsNullOrWhiteSpace(azureAd[key])).Select(key => $"AzureAd:{key}").ToList();
        // The sign-in redeems its authorization code as a confidential client: a secret, or certificates per Microsoft.Identity.Web.
        if (string.IsNullOrWhiteSpace(azureAd["ClientSecret"]) && !azureAd.GetSection("ClientCredentials").GetChildren().Any())
        {
            missing.Add("AzureAd:ClientSecret (or AzureAd:ClientCredentials)");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The Entra ID sign-in ({ConfigurationKey} = EntraId) needs configuration: missing {string.Join(", ", missing)}. " +
                "Set them (e.g. environment variables AzureAd__Instance, AzureAd__TenantId, AzureAd__ClientId, AzureAd__ClientSecret).");
        }
    }

    private static void ConfigureEntraIdHandlers(IServiceCollection services)
    {
        // Entra ID app roles arrive in the "roles" claim, kept under that name: with the handlers' default inbound mapping it
        // would become ClaimTypes.Role and no role would ever match. Pages sign in with the authorization code flow and PKCE
        // (the ID token comes from the token endpoint, never through the browser), not Microsoft.Identity.Web's default
        // implicit id_token.
        services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o =>
        {
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            // Microsoft.Identity.Web sets its own token handler, which MapInboundClaims does not reach: a handler of our own.
            o.MapInboundClaims = false;
            o.TokenHandler = new JsonWebTokenHandler { MapInboundClaims = false };
            o.TokenValidationParameters.RoleClaimType = "roles";
            // A sign-in the provider refused or whose ID token did not validate (the handler has logged why): the
            // access-denied page, not an unhandled exception and a server error.
            o.Events.OnRemoteFailure = context =>
            {
                context.Response.Redirect(AccessDeniedPath);
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
        services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters.RoleClaimType = "roles";
        });
        services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o =>
        {
            o.LoginPath = LoginPath;
            o.LogoutPath = LogoutPath;
            o.AccessDeniedPath = AccessDeniedPath;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Lax;
            var deny = o.Events.OnRedirectToAccessDenied;
            o.Events.OnRedirectToAccessDenied = context =>
            {
                // Signed in but not mapped to a tenant: say so instead of a generic "access denied".
                if (!context.HttpContext.User.TryGetTenant(out _))
                {
                    context.RedirectUri = NoTenantPath;
                }

                return deny(context);
            };
        });
    }

    /// <summary>
    /// <c>AzureAd:Instance</c> must be an absolute HTTPS URL: the identity provider's metadata and signing keys come from it.
    /// Checked at start, because otherwise the OpenID Connect handler throws on every request, anonymous ones included.
    /// </summary>
    internal static void RequireHttpsInstance(IConfigurationSection azureAd)
    {
        var instance = azureAd["Instance"];
        if (!Uri.TryCreate(instance, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException(
                $"AzureAd:Instance '{instance}' is not an absolute HTTPS URL (e.g. https://login.microsoftonline.com/): the identity provider's metadata and signing keys must come over HTTPS.");
        }
    }

    internal static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    private sealed class DevelopmentIdentityValidator : IValidateOptions<DevelopmentIdentityOptions>
    {
        public ValidateOptionsResult Validate(string? name, DevelopmentIdentityOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
