using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using FineTune.Tokenizers.Bpe;
using FineTune.Tokenizers.PreTokenization;

namespace FineTune.Tokenizers;

public sealed partial class Tokenizer
{
    private const int CacheCapacity = 1 << 15;

    /// <summary>Per-thread buffers and cache, so encoding allocates nothing per pre-token.</summary>
    private sealed class Scratch
    {
        public readonly List<Range> Pieces = [];
        public readonly PieceCache Cache = new(CacheCapacity);
        public byte[] Utf8 = new byte[256];
        public Part[] Parts = new Part[64];
    }

    private readonly ThreadLocal<Scratch> _scratch = new(() => new Scratch());

    private void EncodeText(ReadOnlySpan<char> text, List<int> ids, SpecialTokenPolicy policy)
    {
        if (policy == SpecialTokenPolicy.Refuse && _specialMatcher is { } special && special.TryFind(text, 0, out var at, out var token))
            throw new DisallowedSpecialTokenException(token.Content, at);
        var matcher = policy == SpecialTokenPolicy.Recognize ? _addedMatcher : _nonSpecialMatcher;
        var scratch = _scratch.Value!;
        var start = 0;
        while (start < text.Length)
        {
            if (matcher is null || !matcher.TryFind(text, start, out var index, out var added))
            {
                EncodeSegment(text[start..], ids, scratch);
                return;
            }
            var end = index + added.Content.Length;
            if (added.LStrip) while (index > start && char.IsWhiteSpace(text[index - 1])) index--;
            if (added.RStrip) while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
            EncodeSegment(text[start..index], ids, scratch);
            ids.Add(added.Id);
            start = end;
        }
    }

    /// <summary>Text with no added tokens in it: pre-tokenize, then BPE each pre-token.</summary>
    private void EncodeSegment(ReadOnlySpan<char> segment, List<int> ids, Scratch scratch)
    {
        if (segment.IsEmpty) return;
        if (_addPrefixSpace && segment[0] != ' ') segment = string.Concat(" ", segment);
        switch (_preTokenizer)
        {
            case null:
                EncodeChars(segment, ids, scratch);
                break;
            case Scanner scanner:
                for (var i = 0; i < segment.Length;)
                {
                    var length = scanner.NextLength(segment, i);
                    EncodeChars(segment.Slice(i, length), ids, scratch);
                    i += length;
                }
                break;
            default:
                scratch.Pieces.Clear();
                _preTokenizer.Split(segment, scratch.Pieces);
                foreach (var range in scratch.Pieces) EncodeChars(segment[range], ids, scratch);
                break;
        }
    }

    private void EncodeChars(ReadOnlySpan<char> piece, List<int> ids, Scratch scratch)
    {
        var needed = Utf8Text.MaxByteCount(piece.Length);
        if (scratch.Utf8.Length < needed) scratch.Utf8 = new byte[Math.Max(needed, scratch.Utf8.Length * 2)];
        var length = Utf8Text.Encode(piece, scratch.Utf8);
        EncodePiece(scratch.Utf8.AsSpan(0, length), ids, scratch);
    }

    private void EncodePiece(ReadOnlySpan<byte> piece, List<int> ids, Scratch scratch)
    {
        if (_model.WholePieceFirst && _model.TryGetId(piece, out var whole))
        {
            ids.Add(whole);
            return;
        }
        if (scratch.Cache.TryGet(piece, out var cached))
        {
            ids.AddRange(cached);
            return;
        }
        var before = ids.Count;
        _model.MergePiece(piece, ref scratch.Parts, ids);
        scratch.Cache.Add(piece, CollectionsMarshal.AsSpan(ids)[before..]);
    }

    /// <summary>
    /// Valid UTF-8 stretches are decoded and encoded as text (without added tokens); each stretch
    /// of ill-formed bytes is merged by BPE as one pre-token, so every byte survives.
    /// </summary>
    private void EncodeRawBytes(ReadOnlySpan<byte> bytes, List<int> ids)
    {
        var scratch = _scratch.Value!;
        var chars = new char[bytes.Length];
        while (!bytes.IsEmpty)
        {
            Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
            EncodeSegment(chars.AsSpan(0, written), ids, scratch);
            bytes = bytes[read..];
            var invalid = 0;
            while (invalid < bytes.Length && Rune.DecodeFromUtf8(bytes[invalid..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
                invalid += consumed;
            if (invalid > 0) EncodePiece(bytes[..invalid], ids, scratch);
            bytes = bytes[invalid..];
        }
    }
}
