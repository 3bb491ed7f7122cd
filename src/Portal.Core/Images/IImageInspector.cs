namespace Portal.Core.Images;

/// <summary>Checks an upload before anything decodes it: magic bytes, header dimensions, size and pixel limits.</summary>
public interface IImageInspector
{
    ImageInspection Inspect(ReadOnlyMemory<byte> content);
}

public enum ImageRejection
{
    None,
    Empty,
    TooLarge,
    NotAnImage,
    Corrupt,
    TooManyPixels,
}

/// <summary>The verdict on one upload; <see cref="Image"/> is set when it was accepted.</summary>
public sealed record ImageInspection(ImageRejection Rejection, string? Reason, ImageUpload? Image)
{
    public bool IsValid => Rejection == ImageRejection.None;
}
