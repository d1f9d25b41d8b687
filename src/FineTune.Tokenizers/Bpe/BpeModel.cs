using System.Text;

namespace FineTune.Tokenizers.Bpe;

/// <summary>Which merge priority a vocabulary follows.</summary>
internal enum MergeRuleKind
{
    /// <summary>tiktoken: lowest rank of the concatenated bytes (see <see cref="ConcatenationRankRule"/>).</summary>
    ConcatenationRank,

    /// <summary>Hugging Face: lowest position in the merges list (see <see cref="MergeListRule"/>).</summary>
    MergeList,
}

/// <summary>
/// A BPE vocabulary and its merge rule: turns one pre-token (its UTF-8 bytes) into ids.
/// Symbols are the byte strings tokens stand for in the model's input: raw bytes for byte-level
/// vocabularies, the UTF-8 of the vocabulary string for character-level (SentencePiece-style) ones.
/// </summary>
internal sealed class BpeModel
{
    public MergeRuleKind Kind { get; }

    /// <summary>Symbol bytes by id; null for ids the model does not define.</summary>
    public byte[]?[] Symbols { get; }

    /// <summary>Merges in rank order (empty for tiktoken vocabularies, whose merges are implicit).</summary>
    public (int Left, int Right)[] Merges { get; }

    /// <summary>Initial parts are single bytes (byte-level) rather than UTF-8 characters.</summary>
    public bool IsByteLevel { get; init; } = true;

    /// <summary>A pre-token that is itself a token is emitted whole, before any merging (tiktoken always, Hugging Face's <c>ignore_merges</c>).</summary>
    public bool WholePieceFirst { get; init; }

    public int UnknownId { get; init; } = -1;
    public bool FuseUnknown { get; init; }

    /// <summary>Ids of the <c>&lt;0xNN&gt;</c> tokens when Hugging Face's <c>byte_fallback</c> is on.</summary>
    public int[]? FallbackByteIds { get; init; }

    private readonly SymbolIndex _ids;
    private readonly Dictionary<long, long> _pairs;
    private readonly int[] _byteIds = new int[256];

    public BpeModel(byte[]?[] symbols, MergeRuleKind kind, IReadOnlyList<(int Left, int Right)> merges)
    {
        Symbols = symbols;
        Kind = kind;
        _ids = new SymbolIndex(symbols);
        for (var b = 0; b < 256; b++) _byteIds[b] = _ids.TryGetId([(byte)b], out var id) ? id : -1;

        // Hugging Face keeps the last occurrence of a repeated pair; so do we.
        _pairs = new Dictionary<long, long>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            var merged = Concat(symbols[left]!, symbols[right]!);
            if (!_ids.TryGetId(merged, out var mergedId))
                throw new ArgumentException($"Merge {rank} ({left}, {right}) gives bytes that are not a token.");
            _pairs[MergeListRule.Key(left, right)] = MergeListRule.Value(rank, mergedId);
        }
        Merges = [.. merges];
    }

    internal MergeListRule MergeListRule => new(_pairs);
    internal ConcatenationRankRule ConcatenationRule => new(_ids);

    public bool TryGetId(ReadOnlySpan<byte> symbol, out int id) => _ids.TryGetId(symbol, out id);

    /// <summary>Id of the single-byte symbol <paramref name="b"/>, or -1.</summary>
    public int ByteId(byte b) => _byteIds[b];

    public static byte[] Concat(byte[] left, byte[] right)
    {
        var bytes = new byte[left.Length + right.Length];
        left.CopyTo(bytes, 0);
        right.CopyTo(bytes, left.Length);
        return bytes;
    }

    /// <summary>Appends the ids of one pre-token, merging from its initial parts (no cache, no whole-piece shortcut).</summary>
    public void MergePiece(ReadOnlySpan<byte> piece, ref Part[] parts, List<int> ids)
    {
        // A byte-level byte_fallback spells one byte as its stand-in's two UTF-8 bytes.
        var needed = FallbackByteIds is null ? piece.Length : piece.Length * 2;
        if (parts.Length < needed) parts = new Part[Math.Max(needed, parts.Length * 2)];
        var count = InitialParts(piece, parts);
        count = Kind == MergeRuleKind.ConcatenationRank
            ? BytePairMerge.Merge(ConcatenationRule, piece, parts, count)
            : BytePairMerge.Merge(MergeListRule, piece, parts, count);
        for (var i = 0; i < count; i++) ids.Add(parts[i].Id);
    }

    /// <summary>
    /// Merges equivalent to a tiktoken vocabulary, for writing it as a Hugging Face merges list:
    /// each token of two or more bytes is built by merging what tiktoken's rule makes of its bytes
    /// using only lower ranks; when that leaves exactly two parts, they are its merge (a token that
    /// leaves more is reachable only whole, which <c>ignore_merges</c> keeps possible).
    /// </summary>
    public (int Left, int Right)[] DeriveMerges()
    {
        if (Kind == MergeRuleKind.MergeList) return Merges;
        var merges = new List<(int, int)>();
        var parts = new Part[16];
        for (var id = 0; id < Symbols.Length; id++)
        {
            if (Symbols[id] is not { Length: >= 2 } bytes) continue;
            if (parts.Length < bytes.Length) parts = new Part[bytes.Length * 2];
            var count = InitialParts(bytes, parts);
            count = BytePairMerge.Merge(new ConcatenationRankRule(_ids, rankLimit: id), bytes, parts, count);
            if (count == 2) merges.Add((parts[0].Id, parts[1].Id));
        }
        return [.. merges];
    }

    /// <summary>
    /// Splits a pre-token into its starting symbols: bytes, or UTF-8 characters for a
    /// character-level vocabulary. A character missing from the vocabulary becomes its
    /// <c>&lt;0xNN&gt;</c> byte tokens (byte_fallback), else the unknown token (consecutive ones
    /// fused when fuse_unk), else it is dropped, as Hugging Face does.
    /// </summary>
    private int InitialParts(ReadOnlySpan<byte> piece, Part[] parts)
    {
        var count = 0;
        var at = 0;
        Span<byte> spelled = stackalloc byte[4];
        while (at < piece.Length)
        {
            var width = IsByteLevel ? 1 : Utf8CharWidth(piece[at..]);
            var id = width == 1 ? _byteIds[piece[at]] : TryGetId(piece.Slice(at, width), out var found) ? found : -1;
            if (id >= 0) parts[count++] = new Part { Start = at, Id = id };
            else if (FallbackByteIds is { } fallback && HasAll(fallback, spelled[..FallbackBytes(piece.Slice(at, width), spelled)]))
                foreach (var b in spelled[..FallbackBytes(piece.Slice(at, width), spelled)])
                    parts[count++] = new Part { Start = at, Id = fallback[b] };
            else if (UnknownId >= 0 && !(FuseUnknown && count > 0 && parts[count - 1].Id == UnknownId))
                parts[count++] = new Part { Start = at, Id = UnknownId };
            at += width;
        }
        return count;
    }

    // The bytes byte_fallback spells out: the character's UTF-8. For a byte-level vocabulary the
    // model's character is the byte's stand-in (Hugging Face falls back on what the model sees).
    private int FallbackBytes(ReadOnlySpan<byte> symbol, Span<byte> spelled)
    {
        if (IsByteLevel) return Encoding.UTF8.GetBytes([ByteLevel.ToChar(symbol[0])], spelled);
        symbol.CopyTo(spelled);
        return symbol.Length;
    }

    private static bool HasAll(int[] byteIds, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) if (byteIds[b] < 0) return false;
        return true;
    }

    private static int Utf8CharWidth(ReadOnlySpan<byte> bytes)
    {
        Rune.DecodeFromUtf8(bytes, out _, out var consumed);
        return Math.Max(consumed, 1);
    }
}
