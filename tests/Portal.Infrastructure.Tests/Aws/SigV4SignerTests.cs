using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Aws.Signing;

namespace Portal.Infrastructure.Tests.Aws;

/// <summary>AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite): inputs, canonical requests, string-to-sign
/// hashes and Authorization headers as published, written here as data.</summary>
public sealed class SigV4SignerTests
{
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Scope = "20150830/us-east-1/service/aws4_request";
    private const string Host = "example.amazonaws.com";
    private const string AmzDate = "20150830T123600Z";

    private const string SessionToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private static readonly AwsSigningCredentials Suite = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    public sealed record Vector(
        string Name, string Method, string Path, string Query, (string Name, string Value)[] Headers, string Body,
        string CanonicalRequest, string? StringToSignHash, string SignedHeaders, string Signature)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Vector> Vectors() =>
    [
        new("get-vanilla", "GET", "/", "", [("Host", Host), ("X-Amz-Date", AmzDate)], "",
            $"GET\n/\n\nhost:{Host}\nx-amz-date:{AmzDate}\n\nhost;x-amz-date\n{EmptyHash}",
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        new("get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", [("Host", Host), ("X-Amz-Date", AmzDate)], "",
            $"GET\n/\nParam1=value1&Param2=value2\nhost:{Host}\nx-amz-date:{AmzDate}\n\nhost;x-amz-date\n{EmptyHash}",
            "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
            "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        new("get-utf8", "GET", "/\u1234", "", [("Host", Host), ("X-Amz-Date", AmzDate)], "",
            $"GET\n/%E1%88%B4\n\nhost:{Host}\nx-amz-date:{AmzDate}\n\nhost;x-amz-date\n{EmptyHash}",
            null, "host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        new("get-space", "GET", "/example space/", "", [("Host", Host), ("X-Amz-Date", AmzDate)], "",
            $"GET\n/example%20space/\n\nhost:{Host}\nx-amz-date:{AmzDate}\n\nhost;x-amz-date\n{EmptyHash}",
            null, "host;x-amz-date", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        new("get-header-value-trim", "GET", "/", "", [("Host", Host), ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\""), ("X-Amz-Date", AmzDate)], "",
            $"GET\n/\n\nhost:{Host}\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:{AmzDate}\n\nhost;my-header1;my-header2;x-amz-date\n{EmptyHash}",
            null, "host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        new("post-vanilla", "POST", "/", "", [("Host", Host), ("X-Amz-Date", AmzDate)], "",
            $"POST\n/\n\nhost:{Host}\nx-amz-date:{AmzDate}\n\nhost;x-amz-date\n{EmptyHash}",
            "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
            "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        new("post-header-key-sort", "POST", "/", "", [("Host", Host), ("My-Header1", "value1"), ("X-Amz-Date", AmzDate)], "",
            $"POST\n/\n\nhost:{Host}\nmy-header1:value1\nx-amz-date:{AmzDate}\n\nhost;my-header1;x-amz-date\n{EmptyHash}",
            "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65",
            "host;my-header1;x-amz-date", "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        new("post-x-www-form-urlencoded", "POST", "/", "", [("Content-Type", "application/x-www-form-urlencoded"), ("Host", Host), ("X-Amz-Date", AmzDate)], "Param1=value1",
            $"POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:{Host}\nx-amz-date:{AmzDate}\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
            "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
        new("post-sts-header-before", "POST", "/", "", [("Host", Host), ("X-Amz-Date", AmzDate), ("X-Amz-Security-Token", SessionToken)], "",
            $"POST\n/\n\nhost:{Host}\nx-amz-date:{AmzDate}\nx-amz-security-token:{SessionToken}\n\nhost;x-amz-date;x-amz-security-token\n{EmptyHash}",
            "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
            "host;x-amz-date;x-amz-security-token", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
    ];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Suite_vector_gives_the_published_canonical_request_string_to_sign_and_authorization(Vector vector)
    {
        var request = new SigV4Request(vector.Method, vector.Path, vector.Query, [.. vector.Headers.Select(h => KeyValuePair.Create(h.Name, h.Value))],
            SigV4Signer.HexSha256(Encoding.UTF8.GetBytes(vector.Body)));

        var signature = SigV4Signer.Sign(request, Suite, "us-east-1", "service", SuiteTime);

        Assert.Equal(vector.CanonicalRequest, signature.CanonicalRequest);
        var hash = vector.StringToSignHash ?? SigV4Signer.HexSha256(Encoding.UTF8.GetBytes(vector.CanonicalRequest));
        Assert.Equal($"AWS4-HMAC-SHA256\n{AmzDate}\n{Scope}\n{hash}", signature.StringToSign);
        Assert.Equal($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{Scope}, SignedHeaders={vector.SignedHeaders}, Signature={vector.Signature}", signature.Authorization);
    }

    [Fact]
    public async Task Signing_an_HttpRequestMessage_adds_the_date_and_the_suite_authorization()
    {
        var signer = new SigV4Signer(new FakeTimeProvider(SuiteTime));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");

        await signer.SignAsync(request, Suite, "us-east-1", "service", CancellationToken.None);

        Assert.Equal(AmzDate, request.Headers.GetValues("x-amz-date").Single());
        Assert.Equal("example.amazonaws.com", request.Headers.Host);
        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{Scope}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public async Task Signing_a_form_post_hashes_the_body_and_signs_the_content_type()
    {
        var signer = new SigV4Signer(new FakeTimeProvider(SuiteTime));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/") { Content = new ByteArrayContent("Param1=value1"u8.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        var signature = await signer.SignAsync(request, Suite, "us-east-1", "service", CancellationToken.None);

        Assert.Equal("content-type;host;x-amz-date", signature.SignedHeaders);
        Assert.Equal("ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a", signature.Signature);
        Assert.Equal("Param1=value1", await request.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Temporary_credentials_send_and_sign_the_session_token()
    {
        var signer = new SigV4Signer(new FakeTimeProvider(SuiteTime));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");

        var signature = await signer.SignAsync(request, Suite with { SessionToken = SessionToken }, "us-east-1", "service", CancellationToken.None);

        Assert.Equal(SessionToken, request.Headers.GetValues("x-amz-security-token").Single());
        Assert.Equal("85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead", signature.Signature);
    }

    [Fact]
    public async Task A_model_id_colon_is_escaped_on_the_wire_and_encoded_again_in_the_canonical_request()
    {
        var signer = new SigV4Signer(new FakeTimeProvider(SuiteTime));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1%3A0/invoke");

        var signature = await signer.SignAsync(request, Suite, "us-east-1", "bedrock", CancellationToken.None);

        Assert.Equal("/model/amazon.nova-lite-v1%253A0/invoke", signature.CanonicalRequest.Split('\n')[1]);
    }

    [Fact]
    public async Task S3_paths_are_encoded_once_in_the_canonical_request()
    {
        var signer = new SigV4Signer(new FakeTimeProvider(SuiteTime));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://bucket.s3.amazonaws.com/photos/red%20shoe.jpg");

        var signature = await signer.SignAsync(request, Suite, "us-east-1", "s3", CancellationToken.None);

        Assert.Equal("/photos/red%20shoe.jpg", signature.CanonicalRequest.Split('\n')[1]);
    }

    [Fact]
    public async Task The_handler_signs_with_the_source_credentials_and_a_verifier_accepts_the_request()
    {
        var time = new FakeTimeProvider(SuiteTime);
        var capture = new CapturingHandler();
        using var client = new HttpClient(new SigV4SigningHandler(new StaticAwsCredentialSource(Suite), new SigV4Signer(time), "eu-west-1", "sns") { InnerHandler = capture });

        using var content = new StringContent("Action=Publish&Message=hello", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await client.PostAsync("https://sns.eu-west-1.amazonaws.com/?a=b%20c", content);

        var sent = Assert.IsType<SigV4IncomingRequest>(capture.Received);
        Assert.Null(new SigV4Verifier(time, "eu-west-1", "sns", [Suite]).Verify(sent));
        Assert.Equal(SigV4Failure.Invalid, new SigV4Verifier(time, "eu-west-1", "sns", [Suite with { SecretAccessKey = "other" }]).Verify(sent)?.Code);
    }

    /// <summary>The end of the pipeline: records the request as a server would see it on the wire.</summary>
    internal sealed class CapturingHandler : HttpMessageHandler
    {
        public SigV4IncomingRequest? Received { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase);
            var uri = request.RequestUri!;
            Received = new SigV4IncomingRequest(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, SigV4Signer.HexSha256(body));
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        }
    }
}
