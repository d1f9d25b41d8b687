using System.Security.Cryptography;
using System.Text;

namespace FineTune.Storage.Artifacts.AzureBlob;

/// <summary>
/// Signs a Blob service request with the account's shared key
/// (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key). It reads the
/// headers and URI from the <see cref="HttpRequestMessage"/> itself, so what is signed is exactly
/// what is sent. Call it last, after every header and the content are set.
/// </summary>
public sealed class AzureSharedKeySigner
{
    // The standard headers of the string to sign, in their fixed order (Content-Length handled apart).
    private static readonly string[] ContentHeadersBeforeLength = ["Content-Encoding", "Content-Language"];
    private static readonly string[] ContentHeadersAfterLength = ["Content-MD5", "Content-Type"];
    private static readonly string[] RequestHeaders =
        ["Date", "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range"];

    private readonly string _accountName;
    private readonly byte[] _key;

    public AzureSharedKeySigner(string accountName, ReadOnlyMemory<byte> accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        if (accountKey.IsEmpty) throw new ArgumentException("The account key is empty.", nameof(accountKey));
        _accountName = accountName;
        _key = accountKey.ToArray();
    }

    /// <summary>Adds <c>Authorization: SharedKey account:signature</c>.</summary>
    public void Sign(HttpRequestMessage request)
    {
        var signature = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(StringToSign(request))));
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {_accountName}:{signature}");
    }

    /// <summary>The Blob service string to sign (version 2009-09-19 and later), exposed for tests and diagnostics.</summary>
    public string StringToSign(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var text = new StringBuilder();
        text.Append(request.Method.Method).Append('\n');
        foreach (var name in ContentHeadersBeforeLength) text.Append(ContentHeader(request, name)).Append('\n');
        // Since version 2015-02-21 a zero length is signed as an empty string.
        var length = request.Content?.Headers.ContentLength;
        text.Append(length is null or 0 ? "" : length.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        foreach (var name in ContentHeadersAfterLength) text.Append(ContentHeader(request, name)).Append('\n');
        foreach (var name in RequestHeaders) text.Append(Header(request.Headers, name)).Append('\n');
        AppendCanonicalizedHeaders(text, request);
        AppendCanonicalizedResource(text, request.RequestUri);
        return text.ToString();
    }

    private static void AppendCanonicalizedHeaders(StringBuilder text, HttpRequestMessage request)
    {
        // NonValidated: the values exactly as they will go on the wire, not re-parsed or re-formatted.
        var msHeaders = request.Headers.NonValidated
            .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(",", h.Value).Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in msHeaders) text.Append(name).Append(':').Append(value).Append('\n');
    }

    // "/{account}{encoded path}" then "\n{name}:{v1,v2}" per query parameter, names lower-cased and
    // sorted, values decoded and sorted. Azurite's path-style endpoint already begins the path with
    // "/devstoreaccount1", which is then repeated; the same rule as a real account, no special case.
    private void AppendCanonicalizedResource(StringBuilder text, Uri uri)
    {
        text.Append('/').Append(_accountName).Append(uri.AbsolutePath.Length == 0 ? "/" : uri.AbsolutePath);
        var parameters = uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (Name: Uri.UnescapeDataString(kv[0]).ToLowerInvariant(), Value: kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : ""))
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            text.Append('\n').Append(parameter.Key).Append(':')
                .AppendJoin(',', parameter.Select(p => p.Value).Order(StringComparer.Ordinal));
        }
    }

    private static string ContentHeader(HttpRequestMessage request, string name) =>
        request.Content is null ? "" : Header(request.Content.Headers, name);

    private static string Header(System.Net.Http.Headers.HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? string.Join(",", values) : "";
}
