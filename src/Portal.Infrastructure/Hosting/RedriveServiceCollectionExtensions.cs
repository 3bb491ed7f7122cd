using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Core.Sync.Redrive;

namespace Portal.Infrastructure.Hosting;

public static class RedriveServiceCollectionExtensions
{
    /// <summary>The dead-letter redriver (needs the <c>IDeadLetterStore</c> and the pipeline's <c>IEventSubmitter</c>).</summary>
    public static IServiceCollection AddDeadLetterRedrive(this IServiceCollection services)
    {
        services.TryAddSingleton<DeadLetterRedriver>();
        return services;
    }
}
