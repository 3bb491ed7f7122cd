using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portal.Web.Tests.Security.SignIn;

/// <summary>
/// A certificate for 127.0.0.1 made for one test run, served by both the portal and the identity provider, and the one
/// certificate their clients trust (as a machine would trust its organisation's CA): TLS stays on, nothing is relaxed.
/// </summary>
public sealed class LoopbackTls : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portal-sign-in-tls-").FullName;
    private readonly string _hash;

    public LoopbackTls()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PFX so Kestrel's TLS stack can use the private key.
        Certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null);
        _hash = Certificate.GetCertHashString();
        CertificatePemFile = Path.Combine(_directory, "certificate.pem");
        KeyPemFile = Path.Combine(_directory, "key.pem");
        File.WriteAllText(CertificatePemFile, created.ExportCertificatePem());
        File.WriteAllText(KeyPemFile, key.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePemFile { get; }

    public string KeyPemFile { get; }

    /// <summary>A handler that accepts exactly this certificate (and keeps cookies only when given a container).</summary>
    public SocketsHttpHandler CreateHandler(CookieContainer? cookies = null) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = cookies is not null,
        CookieContainer = cookies ?? new CookieContainer(),
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == _hash,
        },
    };

    public void Dispose()
    {
        Certificate.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
