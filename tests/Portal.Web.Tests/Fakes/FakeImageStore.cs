using Portal.Core.Images;

namespace Portal.Web.Tests.Fakes;

public sealed class FakeImageStore : IImageStore
{
    public Task<string> SaveAsync(string tenant, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken) =>
        Task.FromResult($"{tenant}/ab/fake.jpg");

    public Task<StoredImage?> OpenAsync(string key, CancellationToken cancellationToken) => Task.FromResult<StoredImage?>(null);

    public string GetUrl(string key) => "/images/" + key;
}
