namespace FineTune.Storage.Artifacts;

/// <summary>Base of every error the artifact store raises on purpose; the message says what and where.</summary>
public class ArtifactStoreException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class ArtifactNotFoundException(string key, string store)
    : ArtifactStoreException($"Artifact '{key}' was not found in {store}.")
{
    public string Key { get; } = key;
}

/// <summary>An If-Match / If-None-Match condition did not hold: someone else wrote first.</summary>
public sealed class ArtifactPreconditionFailedException(string key, string condition, string store)
    : ArtifactStoreException($"Write to artifact '{key}' in {store} was refused: condition {condition} does not hold (it was changed or created by someone else).")
{
    public string Key { get; } = key;
}

/// <summary>A key that could escape its folder or is not a clean relative path.</summary>
public sealed class InvalidArtifactKeyException(string key, string reason)
    : ArtifactStoreException($"Artifact key '{Printable(key)}' is invalid: {reason}.")
{
    public string Key { get; } = key;

    private static string Printable(string key) =>
        string.Concat(key.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
