using System.ClientModel;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace FineTune.Cli.Client;

/// <summary>Turns what the gateway or a service answered on failure — problem details or OpenAI's error shape — into a <see cref="SuiteApiException"/>.</summary>
internal static class SuiteErrors
{
    public static async Task<SuiteApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return FromBody((int)response.StatusCode, body, response.ReasonPhrase);
    }

    public static SuiteApiException FromBody(int status, string? body, string? reason)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                return new SuiteApiException(status, Text(error, "message") ?? reason ?? "request failed", Text(error, "param"), Text(error, "type"), Text(error, "code"));
            if (root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("detail", out _) || root.TryGetProperty("title", out _)))
                return new SuiteApiException(status, Text(root, "detail") ?? Text(root, "title")!, Text(root, "field") ?? Text(root, "setting"), Text(root, "title"));
        }
        catch (JsonException) { }
        return new SuiteApiException(status, string.IsNullOrWhiteSpace(body) ? reason ?? "request failed" : body.Trim());
    }

    /// <summary>An exception from the OpenAI SDK, read the same way as a plain HTTP answer.</summary>
    public static SuiteApiException FromSdk(ClientResultException e, Uri gateway) =>
        e.GetRawResponse() is { } response
            ? FromBody(response.Status, response.Content?.ToString(), response.ReasonPhrase)
            : NoAnswer(gateway, e);

    /// <summary>Nothing answered: most often the suite is not running, so say how to start it.</summary>
    public static SuiteApiException NoAnswer(Uri gateway, Exception e) =>
        IsConnectionRefused(e)
            ? new SuiteApiException(0, $"no FineTune gateway at {gateway}: start the suite (dotnet run --project FineTune.AppHost) or pass --gateway", inner: e)
            : new SuiteApiException(0, $"the gateway at {gateway} did not answer: {Innermost(e).Message}", inner: e);

    private static bool IsConnectionRefused(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
            if (current is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.AddressNotAvailable }
                || current is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
                return true;
        return false;
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
