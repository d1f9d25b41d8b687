using FineTune.Contracts;
using FineTune.Datasets.Profiles;

namespace FineTune.Monitoring.Analysis;

/// <summary>
/// A model version's reference profile ready for counting live traffic against it: the dataset
/// version it came from, its length bins, and its top prompt tokens as categories 0..K−1 with
/// category K for every other token ("outside the reference's top list").
/// </summary>
public sealed class VersionReference
{
    private readonly Dictionary<int, int> _category;

    public VersionReference(ModelRef model, DatasetRef dataset, ReferenceProfile profile)
    {
        Model = model;
        Dataset = dataset;
        Profile = profile;
        var top = profile.PromptTokenFrequencies.Top;
        _category = new Dictionary<int, int>(top.Count);
        for (var i = 0; i < top.Count; i++) _category.TryAdd(top[i].Id, i);
        TokenShares = [.. top.Select(t => t.Share), profile.PromptTokenFrequencies.OtherShare];
    }

    public ModelRef Model { get; }

    public DatasetRef Dataset { get; }

    public ReferenceProfile Profile { get; }

    /// <summary>The reference's token distribution over the categories: the top shares, then the other share.</summary>
    public IReadOnlyList<double> TokenShares { get; }

    public int TokenCategories => TokenShares.Count;

    /// <summary>The category a token id counts in; the last one for ids outside the top list.</summary>
    public int TokenCategory(int tokenId) => _category.TryGetValue(tokenId, out var i) ? i : TokenShares.Count - 1;

    public int PromptLengthBin(int length) => Bin(Profile.PromptTokens.UpperBounds, length);

    public int CompletionLengthBin(int length) => Bin(Profile.CompletionTokens.UpperBounds, length);

    // bounds are exclusive upper ends and the last bin is open-ended, as LengthDistribution defines them
    private static int Bin(IReadOnlyList<int> upperBounds, int length)
    {
        for (var i = 0; i < upperBounds.Count; i++)
            if (length < upperBounds[i]) return i;
        return upperBounds.Count - 1;
    }
}
