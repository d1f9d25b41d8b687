using System.Text;
using FineTune.Tokenizers.Bpe;

namespace FineTune.Tokenizers;

/// <summary>How the pre-tokenizer is written back to tokenizer.json.</summary>
internal enum PreTokenizerLayout
{
    /// <summary><c>Sequence[Split(regex, Isolated), ByteLevel(use_regex: false)]</c>, as Llama 3 does.</summary>
    SplitThenByteLevel,
    /// <summary><c>ByteLevel(use_regex: true)</c>, GPT-2's pattern built in.</summary>
    ByteLevelWithRegex,
    /// <summary><c>ByteLevel(use_regex: false)</c> alone: the text between added tokens is one pre-token.</summary>
    ByteLevelOnly,
}

/// <summary>Everything besides the vocabulary and the added tokens that shapes encoding.</summary>
internal sealed record TokenizerSettings
{
    public string? SplitPattern { get; init; }
    public bool AddPrefixSpace { get; init; }
    public PreTokenizerLayout Layout { get; init; } = PreTokenizerLayout.SplitThenByteLevel;
    public int[] TemplatePrefix { get; init; } = [];
    public int[] TemplateSuffix { get; init; } = [];
}

public sealed partial class Tokenizer
{
    private readonly BpeModel _model;
    private readonly TokenizerSettings _settings;
    private readonly PreTokenizer? _preTokenizer;
    private readonly bool _addPrefixSpace;
    private readonly byte[]?[] _idToBytes;
    private readonly bool[] _isSpecial;
    private readonly AddedToken[] _addedTokens;
    private readonly Dictionary<string, int> _specialTokens;
    private readonly Dictionary<string, int> _addedByContent;
    private readonly Dictionary<int, string> _addedById;
    private readonly AddedTokenMatcher? _addedMatcher;       // all added tokens
    private readonly AddedTokenMatcher? _nonSpecialMatcher;  // matched whatever the policy
    private readonly AddedTokenMatcher? _specialMatcher;     // what Refuse refuses
    private readonly int[] _templatePrefix;
    private readonly int[] _templateSuffix;

    internal Tokenizer(BpeModel model, IEnumerable<AddedToken> addedTokens, TokenizerSettings settings)
    {
        _model = model;
        _settings = settings;
        _preTokenizer = settings.SplitPattern is null ? null : PreTokenizer.Create(settings.SplitPattern);
        _addPrefixSpace = settings.AddPrefixSpace;
        _addedTokens = [.. addedTokens.OrderBy(t => t.Id)];
        _templatePrefix = settings.TemplatePrefix;
        _templateSuffix = settings.TemplateSuffix;

        _addedByContent = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in _addedTokens)
        {
            if (token.Id < 0) throw new ArgumentException($"Added token '{token.Content}' has a negative id.");
            if (token.Content.Length == 0) throw new ArgumentException($"Added token {token.Id} is empty.");
            if (!_addedByContent.TryAdd(token.Content, token.Id))
                throw new ArgumentException($"Added token '{token.Content}' appears twice.");
        }
        _addedById = _addedTokens.ToDictionary(t => t.Id, t => t.Content);
        _specialTokens = _addedTokens.Where(t => t.Special).ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);

        var size = Math.Max(model.Symbols.Length, _addedTokens.Length == 0 ? 0 : _addedTokens[^1].Id + 1);
        _idToBytes = new byte[size][];
        _isSpecial = new bool[size];
        model.Symbols.CopyTo(_idToBytes, 0);
        foreach (var token in _addedTokens)
        {
            _idToBytes[token.Id] = Encoding.UTF8.GetBytes(token.Content);
            _isSpecial[token.Id] = token.Special;
        }
        foreach (var id in _templatePrefix.Concat(_templateSuffix))
            if ((uint)id >= (uint)size || _idToBytes[id] is null)
                throw new ArgumentException($"Template token id {id} is not in the vocabulary.");

        _addedMatcher = AddedTokenMatcher.For(_addedTokens);
        _nonSpecialMatcher = AddedTokenMatcher.For(_addedTokens.Where(t => !t.Special));
        _specialMatcher = AddedTokenMatcher.For(_addedTokens.Where(t => t.Special));
    }

    internal BpeModel Model => _model;
    internal TokenizerSettings Settings => _settings;

    private ReadOnlySpan<byte> BytesOf(int id)
        => (uint)id < (uint)_idToBytes.Length && _idToBytes[id] is { } bytes
            ? bytes
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"No token has id {id} (vocabulary size {VocabSize}).");

    private int? LookupToken(string token)
    {
        if (_addedByContent.TryGetValue(token, out var added)) return added;
        if (_model.IsByteLevel)
            return ByteLevel.TryDecode(token, out var bytes) && _model.TryGetId(bytes, out var id) ? id : null;
        return _model.TryGetId(Encoding.UTF8.GetBytes(token), out var charId) ? charId : null;
    }

    private string? TokenString(int id)
    {
        if ((uint)id >= (uint)_idToBytes.Length) return null;
        if (_addedById.TryGetValue(id, out var content)) return content;
        if (_model.Symbols.Length <= id || _model.Symbols[id] is not { } symbol) return null;
        return _model.IsByteLevel ? ByteLevel.Encode(symbol) : Encoding.UTF8.GetString(symbol);
    }
}
