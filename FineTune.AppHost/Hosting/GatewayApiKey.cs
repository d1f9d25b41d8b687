using System.Security.Cryptography;
using System.Text;

namespace FineTune.AppHost.Hosting;

/// <summary>
/// The API key of a local run: <c>FINETUNE_API_KEY</c> from the AppHost's environment when set,
/// otherwise a random one written to <c>api-key</c> in the data folder, readable by the user only.
/// The gateway is configured with its SHA-256 alone; the key itself is never logged — the ready
/// line says where it is (the file, or the variable), because logs are kept and shared (CI artifacts)
/// while the file stays with the user.
/// </summary>
public sealed class GatewayApiKey
{
    public const string EnvironmentVariable = "FINETUNE_API_KEY";
    public const string FileName = "api-key";
    private const string UrlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private GatewayApiKey(string key, string? file)
    {
        Key = key;
        FilePath = file;
    }

    public string Key { get; }

    /// <summary>The file the generated key was written to; null when it came from <see cref="EnvironmentVariable"/>.</summary>
    public string? FilePath { get; }

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes: what <c>Gateway__Keys__{name}__Sha256</c> takes.</summary>
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));

    /// <summary>Where a client finds the key: <c>file:PATH</c> or <c>env:FINETUNE_API_KEY</c>.</summary>
    public string Location => FilePath is null ? $"env:{EnvironmentVariable}" : $"file:{FilePath}";

    public static GatewayApiKey Resolve(IReadOnlyDictionary<string, string> hostEnvironment, string dataRoot)
    {
        if (hostEnvironment.TryGetValue(EnvironmentVariable, out var given) && !string.IsNullOrWhiteSpace(given))
            return new GatewayApiKey(given.Trim(), null);

        var key = "ft-" + RandomNumberGenerator.GetString(UrlSafe, 32);
        Directory.CreateDirectory(dataRoot);
        var path = Path.GetFullPath(Path.Combine(dataRoot, FileName));
        File.Delete(path); // a stale file keeps its old permissions; start from a fresh one made 0600
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, options)) file.Write(Encoding.UTF8.GetBytes(key));
        return new GatewayApiKey(key, path);
    }
}
