using FineTune.Tokenizers.Bpe;
using FineTune.Tokenizers.Formats;

namespace FineTune.Tokenizers;

public sealed partial class Tokenizer
{
    /// <summary>cl100k_base's special tokens and their ids.</summary>
    public static IReadOnlyDictionary<string, int> Cl100kSpecialTokens { get; } = new Dictionary<string, int>
    {
        ["<|endoftext|>"] = 100257,
        ["<|fim_prefix|>"] = 100258,
        ["<|fim_middle|>"] = 100259,
        ["<|fim_suffix|>"] = 100260,
        ["<|endofprompt|>"] = 100276,
    };

    /// <summary>
    /// A tiktoken encoding from its <c>.tiktoken</c> rank file, split pattern and special tokens;
    /// merges follow tiktoken's rule (lowest rank of the concatenated bytes).
    /// </summary>
    public static Tokenizer FromTiktoken(string tiktokenFilePath, string splitPattern, IReadOnlyDictionary<string, int> specialTokens)
    {
        var symbols = TiktokenFile.Read(tiktokenFilePath);
        var model = new BpeModel(symbols, MergeRuleKind.ConcatenationRank, []) { WholePieceFirst = true };
        RequireAllBytes(model, Path.GetFileName(tiktokenFilePath));
        return new Tokenizer(model, specialTokens.Select(p => new AddedToken(p.Value, p.Key)),
            new TokenizerSettings { SplitPattern = splitPattern });
    }

    /// <summary>cl100k_base (GPT-3.5/4's encoding) from its <c>.tiktoken</c> file.</summary>
    public static Tokenizer Cl100kBase(string tiktokenFilePath) => FromTiktoken(tiktokenFilePath, SplitPatterns.Cl100k, Cl100kSpecialTokens);

    /// <summary>
    /// A byte-level BPE tokenizer from in-memory data, e.g. what BPE training produced.
    /// <paramref name="tokens"/>: each id's bytes, in id order; all 256 single bytes must be among them.
    /// <paramref name="merges"/>: pairs of ids in priority order (first merges first); the merged
    /// token is the one whose bytes are the two concatenated, and it must exist.
    /// <paramref name="specialTokens"/>: special token text to id, ids at or after <c>tokens.Count</c>
    /// (or on a token with the same bytes). Merging follows Hugging Face's rule (position in <paramref name="merges"/>).
    /// </summary>
    public static Tokenizer FromBpe(IReadOnlyList<byte[]> tokens, IReadOnlyList<(int Left, int Right)> merges,
        IReadOnlyDictionary<string, int> specialTokens, string splitPattern)
    {
        foreach (var (left, right) in merges)
            if ((uint)left >= (uint)tokens.Count || (uint)right >= (uint)tokens.Count)
                throw new ArgumentException($"Merge ({left}, {right}) names an id outside the {tokens.Count} tokens.", nameof(merges));
        var model = new BpeModel([.. tokens], MergeRuleKind.MergeList, merges);
        RequireAllBytes(model, nameof(tokens));
        return new Tokenizer(model, specialTokens.Select(p => new AddedToken(p.Value, p.Key)),
            new TokenizerSettings { SplitPattern = splitPattern });
    }

    /// <summary>Reads a Hugging Face <c>tokenizer.json</c> (BPE models; see <see cref="TokenizerFormatException"/> for what is refused).</summary>
    public static Tokenizer LoadHuggingFace(string tokenizerJsonPath) => FromHuggingFaceJson(File.ReadAllText(tokenizerJsonPath));

    /// <summary>Reads the text of a Hugging Face <c>tokenizer.json</c>.</summary>
    public static Tokenizer FromHuggingFaceJson(string json) => HuggingFaceJson.Read(json);

    /// <summary>Writes a Hugging Face <c>tokenizer.json</c> that loads back (here and in Hugging Face) to the same encoder.</summary>
    public void SaveHuggingFace(string path) => File.WriteAllText(path, ToHuggingFaceJson());

    /// <summary>The <c>tokenizer.json</c> text <see cref="SaveHuggingFace"/> writes.</summary>
    public string ToHuggingFaceJson() => HuggingFaceJson.Write(this);

    private static void RequireAllBytes(BpeModel model, string source)
    {
        for (var b = 0; b < 256; b++)
            if (model.ByteId((byte)b) < 0)
                throw new TokenizerFormatException(source, $"byte 0x{b:X2} has no single-byte token, so some text could not be encoded");
    }
}
