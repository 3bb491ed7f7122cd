namespace Portal.Web.Components.Pages.Price;

/// <summary>A photo picked on the workbench, kept in the circuit so re-pricing never re-uploads it.</summary>
public sealed class PhotoItem(string name, string contentType, byte[] content)
{
    private string? _dataUrl;

    public string Name { get; } = name;

    public string ContentType { get; } = contentType;

    public byte[] Content { get; } = content;

    /// <summary>The photo as a data URL for previews (encoded once).</summary>
    public string DataUrl => _dataUrl ??= $"data:{ContentType};base64,{Convert.ToBase64String(Content)}";
}
