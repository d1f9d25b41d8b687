namespace FineTune.Datasets.Profiles;

/// <summary>
/// How often each token occurs in the training prompts: the most frequent <see cref="Top"/> ids with
/// their share of all prompt tokens, and the share left for the rest. Monitoring compares live
/// prompts' token samples against it (Jensen–Shannon divergence, rate of unseen tokens).
/// </summary>
/// <param name="Tokenizer">Which tokenizer produced the ids (file name and SHA-256), so ids are never compared across vocabularies.</param>
public sealed record TokenFrequencyProfile(
    string Tokenizer,
    int VocabularySize,
    long TotalTokens,
    int DistinctTokens,
    IReadOnlyList<TokenShare> Top,
    double OtherShare)
{
    public const int DefaultTop = 1000;

    /// <summary>The profile of per-token counts (index = token id).</summary>
    public static TokenFrequencyProfile Of(string tokenizer, long[] counts, int top = DefaultTop)
    {
        var total = counts.Sum();
        var ranked = Enumerable.Range(0, counts.Length).Where(id => counts[id] > 0)
            .OrderByDescending(id => counts[id]).ThenBy(id => id).ToArray();
        var shares = ranked.Take(top).Select(id => new TokenShare(id, counts[id], total == 0 ? 0 : (double)counts[id] / total)).ToArray();
        var covered = shares.Sum(s => s.Count);
        return new TokenFrequencyProfile(tokenizer, counts.Length, total, ranked.Length, shares, total == 0 ? 0 : (double)(total - covered) / total);
    }
}

/// <summary>One token id of a <see cref="TokenFrequencyProfile"/>: how often it occurred and its share of all prompt tokens.</summary>
public sealed record TokenShare(int Id, long Count, double Share);
