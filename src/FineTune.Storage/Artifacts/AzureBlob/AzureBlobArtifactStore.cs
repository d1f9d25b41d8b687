using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using FineTune.Storage.Artifacts.Internal;

namespace FineTune.Storage.Artifacts.AzureBlob;

/// <summary>
/// <see cref="IArtifactStore"/> over the Azure Blob REST API (real Azure or Azurite), signed with
/// the account's shared key. Objects are block blobs in one container, created on the first write.
/// The SHA-256 is recorded as blob metadata <c>sha256</c>. No SDK: each operation is one or a few
/// plain HTTP requests, so the wire behaviour is visible here.
/// </summary>
public sealed partial class AzureBlobArtifactStore : IArtifactStore
{
    /// <summary>A service version every current Azure region and Azurite 3.2x+ accept.</summary>
    public const string ApiVersion = "2021-12-02";

    private readonly HttpClient _http;
    private readonly AzureSharedKeySigner _signer;
    private readonly AzureBlobArtifactStoreOptions _options;
    private readonly string _containerUrl;
    private readonly Lock _containerGate = new();
    private Task? _containerCreated;

    /// <param name="http">Sends every request; its lifetime (and any handler policy) is the caller's.</param>
    /// <param name="account">Account, key and blob endpoint.</param>
    /// <param name="container">Container name: 3-63 lower-case letters, digits and single hyphens.</param>
    public AzureBlobArtifactStore(HttpClient http, AzureStorageConnectionString account, string container, AzureBlobArtifactStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(account);
        ValidateContainerName(container);
        _options = options ?? new AzureBlobArtifactStoreOptions();
        _options.Validate();
        _http = http;
        _signer = new AzureSharedKeySigner(account.AccountName, account.AccountKey);
        _containerUrl = $"{account.BlobEndpoint.AbsoluteUri.TrimEnd('/')}/{container}";
        Container = container;
        Description = $"azure-blob {_containerUrl}";
    }

    public string Container { get; }

    public string Description { get; }

    public async Task<ArtifactReadResult> GetAsync(string key, ByteRange? range = null, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        ByteRanges.Validate(range);
        var request = NewRequest(HttpMethod.Get, BlobUri(key));
        if (range is { } r) request.Headers.TryAddWithoutValidation("x-ms-range", ByteRanges.Format(r));
        // Headers only: the body is streamed to the caller, never buffered here.
        var response = await SendAsync(request, "get", key, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        var handedOver = false;
        try
        {
            switch (response.StatusCode)
            {
                // Azure answers 416 for a range that starts at or after the end; Azurite returns an
                // empty 206 when it starts exactly at the end. Both mean the same here.
                case HttpStatusCode.OK or HttpStatusCode.PartialContent
                    when range is { } requested && AzureBlobResponses.ContentRange(response) is { Total: { } total } && requested.From >= total:
                    throw ByteRanges.NotSatisfiable(key, requested, Description, total);
                case HttpStatusCode.OK or HttpStatusCode.PartialContent:
                    var info = AzureBlobResponses.InfoFromHeaders(key, response);
                    var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    handedOver = true;
                    return new ArtifactReadResult(info, new ResponseContentStream(response, body));
                case HttpStatusCode.NotFound:
                    throw new ArtifactNotFoundException(key, Description);
                case HttpStatusCode.RequestedRangeNotSatisfiable:
                    throw ByteRanges.NotSatisfiable(key, range!.Value, Description, AzureBlobResponses.ContentRange(response).Total);
                default:
                    throw await AzureBlobResponses.UnexpectedAsync(response, "get", key, Description, cancellationToken);
            }
        }
        finally
        {
            if (!handedOver) response.Dispose();
        }
    }

    public async Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        using var response = await SendAsync(NewRequest(HttpMethod.Head, BlobUri(key)), "get-properties", key, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => AzureBlobResponses.InfoFromHeaders(key, response),
            HttpStatusCode.NotFound => null,
            _ => throw await AzureBlobResponses.UnexpectedAsync(response, "get-properties", key, Description, cancellationToken),
        };
    }

    public async Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        PutConditions.ValidateIfMatch(ifMatch);
        var request = NewRequest(HttpMethod.Delete, BlobUri(key));
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await SendAsync(request, "delete", key, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.Accepted or HttpStatusCode.OK:
                return true;
            case HttpStatusCode.NotFound:
                return false;
            case HttpStatusCode.PreconditionFailed:
                // Azurite (unlike the contract) answers 412 for If-Match on a blob that does not
                // exist. Nothing was deleted either way; only an existing blob makes it a conflict.
                if (await GetInfoAsync(key, cancellationToken) is null) return false;
                throw new ArtifactPreconditionFailedException(key, $"If-Match {ifMatch}", Description);
            default:
                throw await AzureBlobResponses.UnexpectedAsync(response, "delete", key, Description, cancellationToken);
        }
    }

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArtifactKey.ValidatePrefix(prefix);
        string? marker = null;
        do
        {
            // Azure returns blobs in UTF-8 byte order, which equals ordinal UTF-16 order for every key
            // without characters above U+FFFF, so pages can be streamed without re-sorting.
            var query = $"restype=container&comp=list&include=metadata&maxresults={_options.ListPageSize.ToString(CultureInfo.InvariantCulture)}" +
                        (prefix.Length > 0 ? $"&prefix={Uri.EscapeDataString(prefix)}" : "") +
                        (marker is null ? "" : $"&marker={Uri.EscapeDataString(marker)}");
            AzureBlobListPage page;
            using (var response = await SendAsync(NewRequest(HttpMethod.Get, ContainerUri(query)), "list", prefix, cancellationToken))
            {
                // No container yet means nothing was ever written: an empty listing, not an error.
                if (response.StatusCode == HttpStatusCode.NotFound) yield break;
                if (response.StatusCode != HttpStatusCode.OK)
                    throw await AzureBlobResponses.UnexpectedAsync(response, "list", prefix, Description, cancellationToken);
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                page = AzureBlobListPage.Parse(await XDocument.LoadAsync(body, LoadOptions.None, cancellationToken));
            }
            foreach (var item in page.Items) yield return item;
            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    /// <summary>Get Container Properties: proves the endpoint answers and accepts the key. A missing container is healthy (created on first write).</summary>
    public async Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(NewRequest(HttpMethod.Get, ContainerUri("restype=container")), "health-check", null, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
            throw await AzureBlobResponses.UnexpectedAsync(response, "health-check", null, Description, cancellationToken);
    }

    /// <summary>
    /// Creates the container once per store instance. Every writer awaits the same attempt, which
    /// runs without any one caller's token so one cancelled caller cannot fail the others; a failed
    /// attempt is forgotten so the next write tries again.
    /// </summary>
    private Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        Task attempt;
        lock (_containerGate)
        {
            if (_containerCreated is null || _containerCreated.IsFaulted || _containerCreated.IsCanceled)
                _containerCreated = CreateContainerAsync();
            attempt = _containerCreated;
        }
        return attempt.WaitAsync(cancellationToken);
    }

    private async Task CreateContainerAsync()
    {
        using var response = await SendAsync(NewRequest(HttpMethod.Put, ContainerUri("restype=container")), "create-container", null, CancellationToken.None);
        if (response.StatusCode == HttpStatusCode.Created) return;
        if (response.StatusCode == HttpStatusCode.Conflict && AzureBlobResponses.ErrorCode(response) == "ContainerAlreadyExists") return;
        throw await AzureBlobResponses.UnexpectedAsync(response, "create-container", null, Description, CancellationToken.None);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation("x-ms-date", DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("x-ms-version", ApiVersion);
        return request;
    }

    /// <summary>Signs (last, so every header is covered), sends, and turns transport failures into store errors.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, string operation, string? key, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using (request)
        {
            _signer.Sign(request);
            try
            {
                return await _http.SendAsync(request, completion, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw AzureBlobResponses.Unreachable(e, operation, key, Description);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw AzureBlobResponses.Unreachable(new TimeoutException($"no answer within {_http.Timeout.TotalSeconds:0} s", e), operation, key, Description);
            }
        }
    }

    private Uri ContainerUri(string query) => new($"{_containerUrl}?{query}");

    /// <summary>Each key segment percent-encoded (RFC 3986 unreserved kept), '/' kept; the signer signs this same path.</summary>
    private Uri BlobUri(string key, string? query = null) =>
        new($"{_containerUrl}/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}{(query is null ? "" : "?" + query)}");

    private static void ValidateContainerName(string container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var valid = container.Length is >= 3 and <= 63 &&
                    container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') &&
                    container[0] != '-' && container[^1] != '-' && !container.Contains("--", StringComparison.Ordinal);
        if (!valid)
            throw new ArgumentException(
                $"Container name '{container}' is invalid: use 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.",
                nameof(container));
    }
}
