using System.Runtime.InteropServices;

namespace FineTune.Cli.Pretraining;

/// <summary>
/// A tokenized text cached on disk so a resumed run does not tokenize again: "FTTK", version 1,
/// the tokenizer's SHA-256 (so a cache from another tokenizer is never used), the count, then the
/// ids as int32 in the machine's byte order (little-endian on x64 and ARM64); a cache, not an exchange format.
/// </summary>
internal static class TokenFile
{
    private static ReadOnlySpan<byte> Magic => "FTTK"u8;
    private const int Version = 1;

    public static int[]? TryRead(string path, string tokenizerSha256)
    {
        if (!File.Exists(path)) return null;
        using var file = File.OpenRead(path);
        using var reader = new BinaryReader(file);
        if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != Version || reader.ReadString() != tokenizerSha256)
            return null;
        var ids = new int[reader.ReadInt32()];
        file.ReadExactly(MemoryMarshal.AsBytes(ids.AsSpan()));
        return ids;
    }

    public static void Write(string path, string tokenizerSha256, int[] ids)
    {
        var temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        using (var writer = new BinaryWriter(file))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(tokenizerSha256);
            writer.Write(ids.Length);
            writer.Flush();
            file.Write(MemoryMarshal.AsBytes(ids.AsSpan()));
        }
        File.Move(temporary, path, overwrite: true);
    }
}
