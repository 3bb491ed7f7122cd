namespace Portal.Core.Images;

/// <summary>Phase 3: how good the uploaded photos are (Nova Lite in production, image statistics embedded).</summary>
public interface IQualityAssessor
{
    Task<QualityAssessment> AssessAsync(IReadOnlyList<ImageUpload> images, CancellationToken cancellationToken);
}

/// <summary>Score in [0, 1]; the multiplier applied to the price; findings such as "blurry" or "dark"; which assessor answered.</summary>
public sealed record QualityAssessment(double Score, double Multiplier, IReadOnlyList<string> Findings, string Assessor);

/// <summary>An uploaded image that passed validation.</summary>
public sealed record ImageUpload(ReadOnlyMemory<byte> Content, string ContentType, int Width, int Height, string Sha256);
