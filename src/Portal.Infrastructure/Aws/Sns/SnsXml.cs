using System.Xml;
using System.Xml.Linq;

namespace Portal.Infrastructure.Aws.Sns;

/// <summary>The parts of SNS's Query-protocol XML answers the sink reads: the MessageId of a Publish, or the Code and Message of an error.</summary>
internal static class SnsXml
{
    public const string Namespace = "http://sns.amazonaws.com/doc/2010-03-31/";

    /// <summary>Error codes SNS and the AWS Query protocol use for throttling; retried like a 429.</summary>
    public static readonly IReadOnlySet<string> ThrottlingCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "Throttled", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
    };

    public static string? MessageId(string body) => Element(body, "MessageId");

    public static (string Code, string Message) Error(string body) =>
        (Element(body, "Code") ?? "Unknown", Element(body, "Message") ?? "SNS gave no error message.");

    private static string? Element(string body, string name)
    {
        try
        {
            // Namespace-agnostic: SNS answers with its namespace, a proxy or gateway in front of it may not.
            return XDocument.Parse(body).Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
