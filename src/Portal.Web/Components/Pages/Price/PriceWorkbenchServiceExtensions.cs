namespace Portal.Web.Components.Pages.Price;

public static class PriceWorkbenchServiceExtensions
{
    /// <summary>The price workbench's own services (the decision store itself comes with the infrastructure adapters).</summary>
    public static IServiceCollection AddPriceWorkbench(this IServiceCollection services)
    {
        services.AddSingleton<PricingDecisionRecorder>();
        return services;
    }
}
