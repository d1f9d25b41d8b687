namespace FineTune.Tokenizers.Training;

/// <summary>
/// A byte-level BPE vocabulary. Ids: 0–255 are the single bytes (id = byte value); 256 + i is the
/// token made by merge i; the special tokens follow the last merge, in the order they were given.
/// </summary>
/// <param name="Tokens">The bytes of every token, in id order; a special token's are its UTF-8.</param>
/// <param name="Merges">Merge i joins the tokens Left and Right into token 256 + i; applied in order,
/// they re-create the trained segmentation.</param>
/// <param name="SpecialTokens">Each special token's string and id.</param>
public sealed record BpeVocabulary(
    IReadOnlyList<byte[]> Tokens,
    IReadOnlyList<(int Left, int Right)> Merges,
    IReadOnlyDictionary<string, int> SpecialTokens)
{
    /// <summary>The single-byte tokens that start every vocabulary.</summary>
    public const int ByteTokenCount = 256;

    /// <summary>The number of tokens, special ones included.</summary>
    public int Count => Tokens.Count;

    /// <summary>The id of the token made by merge <paramref name="mergeIndex"/>.</summary>
    public static int MergedTokenId(int mergeIndex) => ByteTokenCount + mergeIndex;
}
