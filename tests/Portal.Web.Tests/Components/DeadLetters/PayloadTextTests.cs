using Portal.Web.Components.Pages.DeadLetters;

namespace Portal.Web.Tests.Components.DeadLetters;

public sealed class PayloadTextTests
{
    private const string Signature = "5f3c0ffee0ddba11deadbeef0123456789abcdef";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void APresignedPhotoUrlIsShownWithoutItsQueryOrUserInfo(bool wellFormed)
    {
        var payload = "{\"detail\":{\"imageUrl\":\"https://photos.example.com/t/1.jpg?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE&X-Amz-Signature=" + Signature + "\","
            + "\"imageUrls\":[\"https://user:secret@cdn.example.com/2.jpg\"]}}" + (wellFormed ? string.Empty : "{");

        var (text, isJson) = PayloadText.Format(payload);

        Assert.Equal(wellFormed, isJson);
        Assert.Contains("https://photos.example.com/t/1.jpg?[redacted]", text, StringComparison.Ordinal);
        Assert.Contains("https://cdn.example.com/2.jpg", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Signature, text, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }
}
