using System.Globalization;
using System.Xml.Linq;

namespace FineTune.Storage.Artifacts.AzureBlob;

/// <summary>Reads what the store needs from Blob service responses: object properties and error details.</summary>
internal static class AzureBlobResponses
{
    public const string Sha256MetadataName = "sha256";
    private const string Sha256Header = "x-ms-meta-" + Sha256MetadataName;
    private const int MaxErrorBodyChars = 4096;

    /// <summary>
    /// Properties from a Get Blob / Get Blob Properties answer. For a ranged read the whole blob's
    /// length comes from Content-Range, since Content-Length is only the range's.
    /// </summary>
    public static ArtifactInfo InfoFromHeaders(string key, HttpResponseMessage response)
    {
        var content = response.Content.Headers;
        var length = ContentRange(response).Total ?? content.ContentLength ?? 0;
        return new ArtifactInfo(
            key,
            length,
            QuotedETag(response.Headers.ETag?.ToString() ?? Header(response, "ETag") ?? ""),
            // Blobs written by other tools have no recorded hash; "" says "unknown" without inventing one.
            Header(response, Sha256Header) ?? "",
            content.ContentType?.ToString() ?? "application/octet-stream",
            content.LastModified ?? DateTimeOffset.MinValue);
    }

    /// <summary>
    /// <c>Content-Range: bytes From-To/Total</c> or <c>bytes */Total</c>, read from the raw header: the
    /// typed parser rejects what Azurite sends for an empty range at the end (<c>bytes 10-9/10</c>).
    /// </summary>
    public static (long? From, long? Total) ContentRange(HttpResponseMessage response)
    {
        var raw = Header(response, "Content-Range");
        if (raw is null || !raw.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase)) return (null, null);
        var parts = raw[6..].Split('/', 2);
        long? total = parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
        var dash = parts[0].IndexOf('-');
        long? from = dash > 0 && long.TryParse(parts[0][..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : null;
        return (from, total);
    }

    /// <summary>HTTP quotes ETags; List Blobs' XML may not. Quote consistently so either form works as If-Match.</summary>
    public static string QuotedETag(string etag) =>
        etag.Length == 0 || etag.StartsWith('"') || etag.StartsWith("W/", StringComparison.Ordinal) ? etag : $"\"{etag}\"";

    public static string? ErrorCode(HttpResponseMessage response) => Header(response, "x-ms-error-code");

    /// <summary>
    /// The error the store raises for an answer it has no meaning for: the operation, key, status,
    /// Azure's error code and the first part of its message (never the request's headers or key).
    /// </summary>
    public static async Task<AzureBlobRequestException> UnexpectedAsync(
        HttpResponseMessage response, string operation, string? key, string store, CancellationToken cancellationToken)
    {
        var code = ErrorCode(response);
        var detail = await ErrorMessageAsync(response, cancellationToken);
        var subject = key is null ? "" : $" of '{key}'";
        var message = $"Azure Blob {operation}{subject} in {store} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}" +
                      (code is null ? "" : $", x-ms-error-code {code}") +
                      (string.IsNullOrWhiteSpace(detail) ? "." : $": {detail}");
        return new AzureBlobRequestException(message, response.StatusCode, code);
    }

    /// <summary>A transport failure (refused, reset, timed out) as a store error naming what was attempted.</summary>
    public static AzureBlobRequestException Unreachable(Exception error, string operation, string? key, string store)
    {
        var subject = key is null ? "" : $" of '{key}'";
        return new AzureBlobRequestException($"Azure Blob {operation}{subject} in {store} failed: {error.Message}", null, null, error);
    }

    private static async Task<string?> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try { body = await response.Content.ReadAsStringAsync(cancellationToken); }
        catch (HttpRequestException) { return null; }
        if (body.Length == 0) return null;
        try
        {
            // <Error><Code>…</Code><Message>…</Message></Error>; the Message is the helpful part.
            var text = XDocument.Parse(body).Root?.Element("Message")?.Value ?? body;
            return Truncate(text.ReplaceLineEndings(" ").Trim());
        }
        catch (System.Xml.XmlException)
        {
            return Truncate(body.Trim());
        }
    }

    private static string Truncate(string text) => text.Length <= MaxErrorBodyChars ? text : text[..MaxErrorBodyChars] + "…";

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.NonValidated.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : null;
}
