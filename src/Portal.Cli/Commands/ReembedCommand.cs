using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Images;
using Portal.Core.Jobs;
using Portal.Infrastructure.Aws.Bedrock;
using Portal.Infrastructure.Embedded.Imaging;

namespace Portal.Cli.Commands;

/// <summary>
/// <c>portal reembed --model onnx|titan [--tenant T]</c>: moves every live sale with a photo onto the chosen embedding model,
/// printing one progress line every <see cref="LineEvery"/> sales and a summary. Resumable: a rerun skips sales already done.
/// </summary>
internal static class ReembedCommand
{
    public const int LineEvery = 200;

    public static async Task<int> RunAsync(CliArguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("model", "tenant", "data-dir");
        var model = args.Require("model");
        if (model is not ("onnx" or "titan"))
        {
            throw new CliUsageException($"--model must be onnx or titan, not '{model}'.");
        }

        TenantId? tenant = args.Get("tenant") is { } value ? new TenantId(value) : null;
        using var host = CliApplication.BuildHost(args.Get("data-dir"));
        IEmbeddingGenerator<DataContent, Embedding<float>> generator = model == "onnx"
            ? host.Get<OnnxImageEmbedder>()
            : host.Services.GetService<TitanImageEmbeddingGenerator>()
                ?? throw new CliUsageException("--model titan needs Portal:Provider = Aws with the Aws and Aws:Bedrock sections configured.");
        var job = new ReembeddingJob(
            host.Get<ISalesStore>(), host.Get<IImageStore>(), host.Get<IImageEmbeddingStore>(), generator, tenant, host.Get<ILogger<ReembeddingJob>>());

        Console.WriteLine($"Re-embedding {(tenant is { } t ? $"tenant {t.Value}" : "every tenant")} with {job.ModelId}.");
        var report = await job.ReembedAsync(new LineProgress(Console.Out), cancellationToken);
        Console.WriteLine(report.Summary + ".");
        if (report.Reembedded > 0)
        {
            Console.WriteLine("Restart the portal and the worker (with the matching embedding model configured) to load the new vectors into the similarity index.");
        }

        return report.Failed == 0 ? 0 : 1;
    }

    /// <summary>Prints the progress message synchronously (in order): the work found, then every <see cref="LineEvery"/> sales;
    /// the summary follows at the end.</summary>
    private sealed class LineProgress(TextWriter output) : IProgress<JobProgress>
    {
        public void Report(JobProgress value)
        {
            if ((value.Done == 0 && value.Total > 0) || (value.Done > 0 && value.Done % LineEvery == 0 && value.Done != value.Total))
            {
                output.WriteLine(value.Message);
            }
        }
    }
}
