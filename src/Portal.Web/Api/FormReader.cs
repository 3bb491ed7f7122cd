using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using FormProblem = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace Portal.Web.Api;

/// <summary>
/// Reads a multipart form within the request limit, turning every way a body can be wrong into a problem answer
/// (413 over a limit, 400 malformed or cut short) instead of an exception.
/// </summary>
internal static class FormReader
{
    /// <param name="valueCountLimit">Fields and files together; a batch of photos sends one part per photo.</param>
    public static async Task<(IFormCollection? Form, FormProblem? Problem)> ReadAsync(HttpRequest request, long maxRequestBytes, CancellationToken cancellationToken, int valueCountLimit = 64)
    {
        try
        {
            return (await request.ReadFormAsync(new FormOptions
            {
                MultipartBodyLengthLimit = maxRequestBytes,
                ValueCountLimit = valueCountLimit,
                ValueLengthLimit = 4096,
            }, cancellationToken), null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, BodyGuard.TooLarge($"The request is larger than {maxRequestBytes} bytes."));
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's framing errors (400) and a body that stopped arriving (408): the caller's problem, never a 500.
            return (null, TypedResults.Problem(statusCode: ex.StatusCode, title: "Unreadable request body", detail: ex.Message));
        }
        catch (InvalidDataException ex)
        {
            return (null, ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? BodyGuard.TooLarge($"The request exceeds a limit: {ex.Message}")
                : MalformedBody(ex.Message));
        }
        catch (IOException ex)
        {
            // The multipart reader ends with an IOException when the body stops before its closing boundary.
            return (null, MalformedBody(ex.Message));
        }
    }

    private static ValidationProblem MalformedBody(string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["form"] = [$"Malformed multipart body: {reason}"] });
}
