namespace FineTune.Storage.Artifacts;

/// <summary>
/// The one rule for keys, shared by every store: a relative '/'-separated path of non-empty
/// segments, no '.' or '..' segment, no backslash, no control character, at most 1,024 characters
/// (Azure's blob name limit). Anything else could escape a folder or mean different things to
/// different stores.
/// </summary>
public static class ArtifactKey
{
    public const int MaxLength = 1024;

    public static string Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0) throw new InvalidArtifactKeyException(key, "it is empty");
        if (key.Length > MaxLength) throw new InvalidArtifactKeyException(key, $"it is longer than {MaxLength} characters");
        if (key[0] == '/') throw new InvalidArtifactKeyException(key, "it starts with '/' (keys are relative)");
        if (key.Contains('\\')) throw new InvalidArtifactKeyException(key, "it contains a backslash (use '/')");
        var control = key.FirstOrDefault(char.IsControl);
        if (control != default) throw new InvalidArtifactKeyException(key, $"it contains the control character U+{(int)control:X4}");
        foreach (var segment in key.Split('/'))
        {
            if (segment is "..") throw new InvalidArtifactKeyException(key, "it contains a '..' segment");
            if (segment is ".") throw new InvalidArtifactKeyException(key, "it contains a '.' segment");
            if (segment.Length == 0) throw new InvalidArtifactKeyException(key, "it contains an empty segment ('//' or a trailing '/')");
        }
        return key;
    }

    /// <summary>A prefix for listing may be empty or end with '/'; otherwise the key rules apply.</summary>
    public static string ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0) return prefix;
        Validate(prefix.EndsWith('/') ? prefix[..^1] : prefix);
        return prefix;
    }
}
