using System.Text.Json;
using Portal.Core.Sync;

namespace Portal.Infrastructure.Tests.Sync;

public sealed class PayloadHashTests
{
    private static string Hash(string json)
    {
        using var document = JsonDocument.Parse(json);
        return PayloadHash.Sha256OfCanonicalJson(document.RootElement);
    }

    [Fact]
    public void KeyOrderAndWhitespaceDoNotChangeTheHash()
    {
        var compact = Hash("""{"b":1,"a":{"y":[1,2,{"q":true,"p":null}],"x":"s"}}""");
        var reordered = Hash("""
            {
              "a": { "x": "s", "y": [ 1, 2, { "p": null, "q": true } ] },
              "b": 1
            }
            """);

        Assert.Equal(compact, reordered);
    }

    [Fact]
    public void StringEscapingDoesNotChangeTheHash() =>
        Assert.Equal(Hash("""{"title":"A\u0042"}"""), Hash("""{"title":"AB"}"""));

    [Theory]
    [InlineData("""{"a":1,"b":"x"}""", """{"a":2,"b":"x"}""")]
    [InlineData("""{"a":1,"b":"x"}""", """{"a":1,"b":"X"}""")]
    [InlineData("""{"a":1.0}""", """{"a":1}""")] // numbers as written: 1.0 is not 1
    [InlineData("""{"a":[1,2]}""", """{"a":[2,1]}""")] // array order matters
    [InlineData("""{"a":1}""", """{"A":1}""")]
    public void AValueChangeChangesTheHash(string left, string right) => Assert.NotEqual(Hash(left), Hash(right));

    [Fact]
    public void TheHashIsLowercaseHexSha256OfTheCanonicalForm()
    {
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("""{"a":1,"b":[true,"x"]}"""u8));

        Assert.Equal(expected, Hash("""{ "b": [ true, "x" ], "a": 1 }"""));
    }
}
