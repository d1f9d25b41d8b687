namespace FineTune.Tokenizers;

/// <summary>
/// A byte-level BPE tokenizer: added/special tokens are split out of the text first, the rest is
/// cut into pre-tokens by a split regex, and each pre-token's UTF-8 bytes are merged by BPE.
/// Reads Hugging Face <c>tokenizer.json</c> and tiktoken <c>.tiktoken</c> files and builds from
/// in-memory vocabularies. Immutable after construction and safe to share between threads.
/// </summary>
/// <remarks>
/// A lone UTF-16 surrogate in the input is not a Unicode scalar, so it has no UTF-8 encoding: it is
/// encoded as U+FFFD (bytes EF BF BD), as .NET's and Python's UTF-8 encoders with replacement do,
/// and decodes back as U+FFFD.
/// </remarks>
public sealed partial class Tokenizer
{
    /// <summary>Number of ids, i.e. the largest id plus one (tiktoken vocabularies may leave gaps).</summary>
    public int VocabSize => _idToBytes.Length;

    /// <summary>The split regex applied to the text between added tokens (null: the text is one pre-token).</summary>
    public string? SplitPattern => _preTokenizer?.Pattern;

    /// <summary>Added tokens with <see cref="AddedToken.Special"/> set, by content.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens => _specialTokens;

    /// <summary>All added tokens (special or not), in id order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => _addedTokens;

    /// <summary>
    /// Ids a Hugging Face <c>TemplateProcessing</c> post-processor puts before and after a single
    /// sequence (e.g. Llama 3's <c>&lt;|begin_of_text|&gt;</c>); empty when there is none.
    /// Added when <c>Encode</c> is called with <c>addTemplateTokens: true</c>.
    /// </summary>
    public IReadOnlyList<int> TemplatePrefix => _templatePrefix;

    /// <inheritdoc cref="TemplatePrefix"/>
    public IReadOnlyList<int> TemplateSuffix => _templateSuffix;

    /// <summary>
    /// Id of a token by its Hugging Face vocabulary string (bytes mapped through
    /// <see cref="ByteLevel"/>, e.g. "Ġthe") or an added token's content; null if absent.
    /// </summary>
    public int? TokenToId(string token) => LookupToken(token);

    /// <summary>The Hugging Face vocabulary string of an id (an added token's content for those); null for ids with no token.</summary>
    public string? IdToToken(int id) => TokenString(id);

    /// <summary>Id of the token whose bytes are exactly <paramref name="bytes"/> (added tokens excluded); null if none.</summary>
    public int? BytesToId(ReadOnlySpan<byte> bytes) => _model.TryGetId(bytes, out var id) ? id : null;

    /// <summary>The bytes a token decodes to (an added token's UTF-8 content). Throws for ids with no token.</summary>
    public ReadOnlySpan<byte> TokenBytes(int id) => BytesOf(id);

    /// <summary>True for ids of added tokens marked special.</summary>
    public bool IsSpecial(int id) => (uint)id < (uint)_isSpecial.Length && _isSpecial[id];

    /// <summary>Encodes text to ids. See <see cref="SpecialTokenPolicy"/> for special-token text in <paramref name="text"/>.</summary>
    public int[] Encode(string text, SpecialTokenPolicy specialTokens = SpecialTokenPolicy.Refuse, bool addTemplateTokens = false)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        if (addTemplateTokens) ids.AddRange(_templatePrefix);
        Encode(text.AsSpan(), ids, specialTokens);
        if (addTemplateTokens) ids.AddRange(_templateSuffix);
        return ids.ToArray();
    }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/> (no template tokens).</summary>
    public void Encode(ReadOnlySpan<char> text, List<int> ids, SpecialTokenPolicy specialTokens = SpecialTokenPolicy.Refuse)
        => EncodeText(text, ids, specialTokens);

    /// <summary>
    /// Encodes arbitrary bytes, which need not be valid UTF-8: valid stretches are encoded as text
    /// (added tokens are not matched), each invalid stretch is merged by BPE on its own. Decoding
    /// the result with <see cref="DecodeBytes"/> gives the bytes back exactly.
    /// </summary>
    public int[] EncodeBytes(ReadOnlySpan<byte> bytes)
    {
        var ids = new List<int>(bytes.Length / 3 + 4);
        EncodeRawBytes(bytes, ids);
        return ids.ToArray();
    }

    /// <summary>Number of ids <paramref name="text"/> encodes to.</summary>
    public int CountTokens(ReadOnlySpan<char> text, SpecialTokenPolicy specialTokens = SpecialTokenPolicy.Refuse)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        EncodeText(text, ids, specialTokens);
        return ids.Count;
    }

    /// <summary>
    /// The bytes of the ids concatenated, decoded as UTF-8 with each maximal invalid subpart
    /// replaced by U+FFFD (as Hugging Face's ByteLevel decoder and Python's <c>errors="replace"</c> do).
    /// Throws <see cref="ArgumentOutOfRangeException"/> for an id with no token.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
        => Utf8Text.DecodeWithReplacement(DecodeBytes(ids, skipSpecialTokens));

    /// <summary>The bytes of the ids concatenated, without UTF-8 decoding.</summary>
    public byte[] DecodeBytes(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var length = 0;
        foreach (var id in ids) if (!(skipSpecialTokens && IsSpecial(id))) length += BytesOf(id).Length;
        var bytes = new byte[length];
        var at = 0;
        foreach (var id in ids)
        {
            if (skipSpecialTokens && IsSpecial(id)) continue;
            var token = BytesOf(id);
            token.CopyTo(bytes.AsSpan(at));
            at += token.Length;
        }
        return bytes;
    }

    /// <summary>A decoder for generated ids one at a time that emits only complete characters.</summary>
    public TokenStreamDecoder CreateStreamDecoder(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);
}
