using System.Net;

namespace FineTune.Storage.Artifacts.AzureBlob;

/// <summary>
/// The Blob service answered with a status the store has no meaning for (403 for a wrong key, 500,
/// …). Carries Azure's status and <c>x-ms-error-code</c> so callers can tell them apart.
/// </summary>
public sealed class AzureBlobRequestException(string message, HttpStatusCode? statusCode, string? errorCode, Exception? inner = null)
    : ArtifactStoreException(message, inner)
{
    /// <summary>The HTTP status, or null when no answer came back (connection refused, timeout).</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>Azure's <c>x-ms-error-code</c> (<c>AuthenticationFailed</c>, <c>ServerBusy</c>, …), when given.</summary>
    public string? ErrorCode { get; } = errorCode;
}
