namespace FineTune.Storage.Artifacts.AzureBlob;

/// <summary>
/// An Azure Storage connection string as Aspire and the portal hand it out
/// (<c>DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net</c>,
/// optionally <c>BlobEndpoint=…</c>), or <c>UseDevelopmentStorage=true</c> for Azurite's default
/// account. Only shared-key credentials are supported. Setting names are case-insensitive; settings
/// for other services (QueueEndpoint, TableEndpoint, …) are ignored. Errors name the setting at fault
/// and never echo the account key; <see cref="ToString"/> masks it.
/// </summary>
public sealed class AzureStorageConnectionString
{
    /// <summary>Azurite's well-known development account (public, identical in every Azurite).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static readonly Uri DevelopmentBlobEndpoint = new("http://127.0.0.1:10000/devstoreaccount1");

    private const string DefaultEndpointSuffix = "core.windows.net";

    private AzureStorageConnectionString(string accountName, byte[] accountKey, Uri blobEndpoint)
    {
        AccountName = accountName;
        AccountKey = accountKey;
        BlobEndpoint = blobEndpoint;
    }

    public string AccountName { get; }

    /// <summary>The decoded shared key. Not part of <see cref="ToString"/>.</summary>
    public ReadOnlyMemory<byte> AccountKey { get; }

    /// <summary>The blob service root, without a trailing '/' (<c>https://acct.blob.core.windows.net</c>).</summary>
    public Uri BlobEndpoint { get; }

    public static AzureStorageConnectionString Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) throw Bad("it is empty");
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rawPart in connectionString.Split(';'))
        {
            var part = rawPart.Trim();
            if (part.Length == 0) continue;
            var equals = part.IndexOf('=');
            // Describe, don't echo: a part without a name could be a piece of the key.
            if (equals <= 0) throw Bad($"a part of {part.Length} characters is not of the form Name=Value");
            var name = part[..equals].Trim();
            if (!settings.TryAdd(name, part[(equals + 1)..].Trim()))
                throw Bad($"{Canonical(name)} is given more than once");
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var development))
        {
            if (!development.Equals("true", StringComparison.OrdinalIgnoreCase))
                throw Bad("UseDevelopmentStorage must be 'true' when present");
            if (settings.Count > 1)
                throw Bad("UseDevelopmentStorage=true cannot be combined with other settings; give the full account settings instead");
            return new(DevelopmentAccountName, Convert.FromBase64String(DevelopmentAccountKey), DevelopmentBlobEndpoint);
        }

        if (settings.ContainsKey("SharedAccessSignature"))
            throw Bad("SharedAccessSignature is not supported; use AccountName and AccountKey");
        var account = Required(settings, "AccountName");
        if (!account.All(char.IsAsciiLetterOrDigit))
            throw Bad($"AccountName '{account}' may contain only letters and digits");
        var key = DecodeKey(Required(settings, "AccountKey"));
        return new(account, key, BlobEndpointFrom(settings, account));
    }

    /// <summary>The settings with the key masked; safe to log.</summary>
    public override string ToString() => $"AccountName={AccountName};AccountKey=*****;BlobEndpoint={BlobEndpoint.AbsoluteUri.TrimEnd('/')}";

    private static Uri BlobEndpointFrom(Dictionary<string, string> settings, string account)
    {
        if (settings.TryGetValue("BlobEndpoint", out var explicitEndpoint))
        {
            if (!Uri.TryCreate(explicitEndpoint.TrimEnd('/'), UriKind.Absolute, out var endpoint) ||
                endpoint.Scheme is not ("http" or "https") || endpoint.Query.Length > 0)
                throw Bad($"BlobEndpoint '{explicitEndpoint}' is not an absolute http or https URL without a query");
            return endpoint;
        }

        var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", "https").ToLowerInvariant();
        if (protocol is not ("http" or "https"))
            throw Bad($"DefaultEndpointsProtocol '{protocol}' must be http or https");
        var suffix = settings.GetValueOrDefault("EndpointSuffix", DefaultEndpointSuffix).Trim('.');
        if (suffix.Length == 0 || suffix.Any(c => c is '/' or ':' || char.IsWhiteSpace(c)))
            throw Bad($"EndpointSuffix '{suffix}' is not a host name suffix such as '{DefaultEndpointSuffix}'");
        return Uri.TryCreate($"{protocol}://{account}.blob.{suffix}", UriKind.Absolute, out var built)
            ? built
            : throw Bad($"EndpointSuffix '{suffix}' does not form a valid host name");
    }

    private static byte[] DecodeKey(string value)
    {
        var key = new byte[value.Length];
        return Convert.TryFromBase64String(value, key, out var written) && written > 0
            ? key[..written]
            : throw Bad("AccountKey is not valid base64");
    }

    private static string Required(Dictionary<string, string> settings, string name) =>
        settings.TryGetValue(name, out var value) && value.Length > 0 ? value : throw Bad($"{name} is missing");

    private static string Canonical(string name) => name.Length <= 40 && name.All(char.IsAsciiLetter) ? name : "a setting";

    private static ArgumentException Bad(string problem) =>
        new($"Invalid Azure Storage connection string: {problem}.", "connectionString");
}
