using Microsoft.Extensions.AI;
using Portal.Core.Images;
using Portal.Core.Jobs;

namespace Portal.Infrastructure.Hosting;

public static class ReembeddingServiceCollectionExtensions
{
    /// <summary>
    /// The <c>reembed</c> job on the Jobs page ("run now" only, no schedule): every tenant onto the host's configured embedding
    /// model. <c>portal reembed --model … [--tenant …]</c> runs the same job with a chosen model.
    /// </summary>
    public static IServiceCollection AddReembedding(this IServiceCollection services)
    {
        services.AddSingleton<IPortalJob>(sp => new ReembeddingJob(
            sp.GetRequiredService<ISalesStore>(),
            sp.GetRequiredService<IImageStore>(),
            sp.GetRequiredService<IImageEmbeddingStore>(),
            sp.GetRequiredService<IEmbeddingGenerator<DataContent, Embedding<float>>>(),
            tenant: null,
            sp.GetRequiredService<ILogger<ReembeddingJob>>()));
        return services;
    }
}
