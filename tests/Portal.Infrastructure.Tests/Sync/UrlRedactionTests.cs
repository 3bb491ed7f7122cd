using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

public sealed class UrlRedactionTests
{
    [Theory]
    [InlineData("https://photos.example.com/a/b.jpg", "https://photos.example.com/a/b.jpg")]
    [InlineData("https://bucket.s3.eu-west-1.amazonaws.com/t/1.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc123",
        "https://bucket.s3.eu-west-1.amazonaws.com/t/1.jpg?[redacted]")]
    [InlineData("http://user:secret@127.0.0.1:8080/p.jpg", "http://127.0.0.1:8080/p.jpg (user info [redacted])")]
    [InlineData("http://127.0.0.1/p.jpg#access_token=abc", "http://127.0.0.1/p.jpg#[redacted]")]
    [InlineData("not a url?token=abc", "not a url?[redacted]")]
    [InlineData("ftp://user:secret@host", "ftp://host/ (user info [redacted])")]
    public void KeepsSchemeHostPortAndPathOnly(string url, string expected) => Assert.Equal(expected, UrlRedaction.Redact(url));

    [Fact]
    public void RedactsEveryUrlInsideAMessage()
    {
        var message = "The image host answered 404 Not Found for https://u:p@h.example/x.jpg?X-Amz-Signature=s1, then http://h2.example/y.png?sig=s2.";

        var redacted = UrlRedaction.RedactUrlsIn(message);

        Assert.Equal("The image host answered 404 Not Found for https://h.example/x.jpg?[redacted] (user info [redacted]), then http://h2.example/y.png?[redacted].", redacted);
        Assert.Equal("no url here", UrlRedaction.RedactUrlsIn("no url here"));
    }
}
