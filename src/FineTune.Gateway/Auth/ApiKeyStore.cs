using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FineTune.ServiceDefaults;

namespace FineTune.Gateway.Auth;

/// <summary>
/// The keys the gateway accepts, indexed by the SHA-256 of the key: a presented key is hashed and
/// looked up, so neither configuration nor memory holds a usable key. Keys come from
/// <c>Gateway:Keys</c> and from the JSON file <c>Gateway:KeysFile</c> (same shape), validated at start.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly Dictionary<string, ApiKey> _byHash;

    private ApiKeyStore(Dictionary<string, ApiKey> byHash) => _byHash = byHash;

    public int Count => _byHash.Count;

    /// <summary>The key's record, or null for a key nobody configured.</summary>
    public ApiKey? Find(string presentedKey) => _byHash.GetValueOrDefault(Hash(presentedKey));

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes: the form keys are configured in.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static ApiKeyStore FromSettings(GatewaySettings settings)
    {
        var keys = settings.Keys.Select(k => (Setting: $"{GatewaySettings.Section}:Keys:{k.Key}", Name: k.Key, k.Value)).ToList();
        if (!string.IsNullOrWhiteSpace(settings.KeysFile))
            keys.AddRange(ReadFile(settings.KeysFile).Select(k => (Setting: $"{settings.KeysFile}: key '{k.Key}'", Name: k.Key, k.Value)));

        var byHash = new Dictionary<string, ApiKey>(StringComparer.Ordinal);
        foreach (var (setting, name, key) in keys)
        {
            var hash = key.Sha256.Trim().ToLowerInvariant();
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
                throw new InvalidSettingException($"{setting}:Sha256", "must be the 64 hex digits of the key's SHA-256 (printf %s KEY | sha256sum); the key itself is never configured.");
            var unknown = key.Scopes.FirstOrDefault(s => !Scopes.OfKeys.Contains(s));
            if (key.Scopes.Count == 0 || unknown is not null)
                throw new InvalidSettingException($"{setting}:Scopes", $"{(unknown is null ? "is empty" : $"'{unknown}' is not a scope")}; use {string.Join(", ", Scopes.OfKeys)}.");
            var requests = Positive(key.RequestsPerMinute ?? settings.RateLimits.RequestsPerMinute, $"{setting}:RequestsPerMinute");
            var tokens = Positive(key.TokensPerMinute ?? settings.RateLimits.TokensPerMinute, $"{setting}:TokensPerMinute");
            if (!byHash.TryAdd(hash, new ApiKey(name, hash[..16], key.Scopes.ToHashSet(StringComparer.Ordinal), requests, tokens)))
                throw new InvalidSettingException($"{setting}:Sha256", $"is the same key as '{byHash[hash].Name}'.");
        }
        return new ApiKeyStore(byHash);
    }

    private static int Positive(int value, string setting) =>
        value > 0 ? value : throw new InvalidSettingException(setting, $"{value} must be a positive number.");

    private static Dictionary<string, ApiKeySettings> ReadFile(string path)
    {
        var setting = $"{GatewaySettings.Section}:KeysFile";
        if (!File.Exists(path)) throw new InvalidSettingException(setting, $"'{path}' does not exist.");
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, ApiKeySettings>>(File.ReadAllText(path),
                       new JsonSerializerOptions { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip })
                   ?? throw new InvalidSettingException(setting, $"'{path}' holds null; expected an object of keys by name.");
        }
        catch (JsonException e)
        {
            throw new InvalidSettingException(setting, $"'{path}' line {e.LineNumber + 1}: {e.Message.Split(" Path:")[0]} Expected {{\"name\": {{\"Sha256\": \"…\", \"Scopes\": [\"inference\"]}}}}.");
        }
    }
}
