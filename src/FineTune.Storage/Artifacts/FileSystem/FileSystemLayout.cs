using System.Text;

namespace FineTune.Storage.Artifacts.FileSystem;

/// <summary>
/// Where each key lives under the root. Key segments become folder names and the last one a file
/// named <c>{segment}%obj</c>, so <c>a</c> and <c>a/b</c> can both exist (file <c>a%obj</c> beside folder
/// <c>a</c>), as they can in Azure. In a segment '%' and the characters Windows forbids in names are
/// percent-encoded, so an encoded segment only ever has '%' followed by two hex digits. Every name the
/// store uses for itself (<c>%obj</c>, <c>%tmp</c>, <c>%locks</c>) has '%' followed by a letter g-z,
/// so it can never be mistaken for a key segment.
/// </summary>
internal sealed class FileSystemLayout(string root)
{
    public const string ObjectSuffix = "%obj";
    private const string EscapedCharacters = "%\"*:<>?|";

    public string Root { get; } = root;

    /// <summary>Writes land here first; same file system as the objects, so the final rename is atomic.</summary>
    public string TempFolder { get; } = Path.Combine(root, "%tmp");

    public string LockFolder { get; } = Path.Combine(root, "%locks");

    public string ObjectPath(string key)
    {
        var segments = key.Split('/');
        var parts = new string[segments.Length + 1];
        parts[0] = Root;
        for (var i = 0; i < segments.Length; i++) parts[i + 1] = Escape(segments[i]);
        parts[^1] += ObjectSuffix;
        return Path.Combine(parts);
    }

    /// <summary>The folder of a key prefix that ends with '/' (or is empty).</summary>
    public string FolderPath(string folderKey) =>
        Path.Combine([Root, .. folderKey.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Escape)]);

    public string NewTempPath() => Path.Combine(TempFolder, $"{Guid.NewGuid():N}.tmp");

    /// <summary>The key segment a folder name stands for; false for names the store did not write as key folders.</summary>
    public static bool TryFolderSegment(string name, out string segment) => TryUnescape(name, out segment);

    /// <summary>The key segment an object file name stands for; false for temp, lock and foreign files.</summary>
    public static bool TryObjectSegment(string name, out string segment)
    {
        segment = "";
        return name.EndsWith(ObjectSuffix, StringComparison.Ordinal) && TryUnescape(name[..^ObjectSuffix.Length], out segment);
    }

    private static string Escape(string segment)
    {
        if (segment.AsSpan().IndexOfAny(EscapedCharacters) < 0) return segment;
        var escaped = new StringBuilder(segment.Length + 8);
        foreach (var c in segment)
        {
            if (EscapedCharacters.Contains(c)) escaped.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static bool TryUnescape(string name, out string segment)
    {
        segment = name;
        if (name.Length == 0) return false;
        if (!name.Contains('%')) return true;
        var text = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] != '%') { text.Append(name[i]); continue; }
            if (i + 2 >= name.Length || !char.IsAsciiHexDigit(name[i + 1]) || !char.IsAsciiHexDigit(name[i + 2])) return false;
            text.Append((char)Convert.ToInt32(name.Substring(i + 1, 2), 16));
            i += 2;
        }
        segment = text.ToString();
        return true;
    }
}
