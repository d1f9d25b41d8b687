using FineTune.Curation.Augmentation;
using FineTune.Curation.Cleaning;
using FineTune.Curation.Filtering;
using FineTune.Curation.Ingestion;
using FineTune.Curation.Splitting;
using FineTune.Datasets;
using FineTune.Datasets.Csv;

namespace FineTune.Curation.Pipeline;

/// <summary>How to balance classes in the train split.</summary>
public enum BalanceMode
{
    /// <summary>Leave the distribution as it is (it is still reported).</summary>
    None,
    /// <summary>Copy random minority-class examples until each class reaches <see cref="CurationOptions.OversampleRatio"/> of the largest.</summary>
    Oversample,
    /// <summary>Leave the data alone and hand training per-class loss weights (n / (classes × count)).</summary>
    ClassWeights,
}

/// <summary>
/// Every setting of one curation run, as the dataset API takes it (snake_case JSON) and as the
/// version's manifest records it, so a later version can be rebuilt the same way. The defaults are
/// what a user gets without asking: clean, redact PII, drop exact and near duplicates (Jaccard 0.8),
/// split 80/10/10 without leakage; no abbreviation expansion (it would change the task of a
/// rewriting dataset), no balancing, no augmentation.
/// </summary>
public sealed record CurationOptions
{
    // ingestion
    public double MaxErrorRate { get; init; } = 0.05;
    public IReadOnlyList<string> Labels { get; init; } = [];
    public int MaxRecordBytes { get; init; } = JsonlReader.DefaultMaxRecordBytes;
    /// <summary>For CSV sources: <c>text=review,label=sentiment</c> or <c>prompt=q,completion=a</c>.</summary>
    public string? ColumnMapping { get; init; }
    public char CsvDelimiter { get; init; } = ',';

    // cleaning
    public bool Clean { get; init; } = true;
    /// <summary>Shipped dictionaries to expand, by name (<c>medical</c>).</summary>
    public IReadOnlyList<string> Abbreviations { get; init; } = [];
    /// <summary>The user's own abbreviations, applied after the shipped ones.</summary>
    public IReadOnlyDictionary<string, string> CustomAbbreviations { get; init; } = new Dictionary<string, string>();
    public bool RedactPii { get; init; } = true;

    // filters
    public int MinCharacters { get; init; } = 1;
    public int MaxCharacters { get; init; } = 100_000;
    public int? MinTokens { get; init; }
    public int? MaxTokens { get; init; }
    /// <summary>ISO 639-1 codes to keep (empty keeps every language).</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];
    public double MinLanguageConfidence { get; init; } = 0.5;

    // deduplication
    public double NearDuplicateThreshold { get; init; } = 0.8;
    /// <summary>False keeps near duplicates but still keeps each cluster inside one split.</summary>
    public bool RemoveNearDuplicates { get; init; } = true;

    // splits
    public double TrainFraction { get; init; } = 0.8;
    public double ValidationFraction { get; init; } = 0.1;
    public double TestFraction { get; init; } = 0.1;
    /// <summary>0 for none; otherwise train is also dealt into this many group-aware folds.</summary>
    public int KFolds { get; init; }

    // balancing and augmentation (train split only)
    public BalanceMode Balance { get; init; } = BalanceMode.None;
    public double OversampleRatio { get; init; } = 1.0;
    public bool Augment { get; init; }
    public int AugmentCopies { get; init; } = 1;
    public double SynonymRate { get; init; } = 0.1;
    public double SwapRate { get; init; } = 0.1;
    public double DeletionRate { get; init; } = 0.1;

    /// <summary>Secret canary records planted in train (chat and text tasks), so evaluation can tell whether a model memorises its data.</summary>
    public int Canaries { get; init; }

    public int Seed { get; init; } = 42;

    public IngestionPolicy Ingestion => new() { MaxErrorRate = MaxErrorRate, Labels = Labels, MaxRecordBytes = MaxRecordBytes };

    public SplitFractions Fractions => new(TrainFraction, ValidationFraction, TestFraction);

    public AugmentationOptions Augmentation => new()
    {
        CopiesPerRecord = AugmentCopies, SynonymRate = SynonymRate, SwapRate = SwapRate, DeletionRate = DeletionRate,
    };

    public LengthFilter Length => new() { MinCharacters = MinCharacters, MaxCharacters = MaxCharacters, MinTokens = MinTokens, MaxTokens = MaxTokens };

    public LanguageFilter Language => new() { Allowed = Languages, MinConfidence = MinLanguageConfidence };

    public CsvColumnMapping? Columns => ColumnMapping is null ? null : CsvColumnMapping.Parse(ColumnMapping);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range (its ParamName is the snake_case name).</summary>
    public void Validate()
    {
        Ingestion.Validate();
        Length.Validate();
        _ = Columns; // parsing the column mapping is its check
        Require(NearDuplicateThreshold is > 0 and <= 1, "near_duplicate_threshold", $"must be in (0, 1], got {NearDuplicateThreshold}");
        Language.Validate();
        Require(KFolds is 0 or (>= 2 and <= 20), "k_folds", $"must be 0 (none) or 2..20, got {KFolds}");
        Require(Canaries is >= 0 and <= 20, "canaries", $"must be in 0..20, got {Canaries}");
        Require(OversampleRatio is > 0 and <= 1, "oversample_ratio", $"must be in (0, 1], got {OversampleRatio}");
        Require(CsvDelimiter is ',' or ';' or '\t', "csv_delimiter", $"must be ',', ';' or a tab, got '{CsvDelimiter}'");
        try { Fractions.Validate(); }
        catch (ArgumentException e) { throw new ArgumentException(e.Message, "train_fraction"); }
        if (Augment) Augmentation.Validate();
        foreach (var name in Abbreviations)
            Require(AbbreviationDictionaries.Names.Contains(name), "abbreviations", $"unknown dictionary '{name}' (shipped: {string.Join(", ", AbbreviationDictionaries.Names)})");
    }

    private static void Require(bool condition, string setting, string problem)
    {
        if (!condition) throw new ArgumentException($"Setting '{setting}' {problem}.", setting);
    }
}
