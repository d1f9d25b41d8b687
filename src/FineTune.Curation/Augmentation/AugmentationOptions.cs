namespace FineTune.Curation.Augmentation;

/// <summary>
/// How much an augmentation run changes each record: how many variants it adds per record, and
/// for each variant the share of words given a synonym, the share of word pairs swapped, and the
/// chance each word is deleted (the four knobs of easy data augmentation, EDA).
/// </summary>
public sealed record AugmentationOptions(int CopiesPerRecord = 1, double SynonymRate = 0.1, double SwapRate = 0.1, double DeletionRate = 0.1)
{
    public const int MaxCopiesPerRecord = 10;

    public static AugmentationOptions Default { get; } = new();

    /// <summary>Throws an error naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (CopiesPerRecord is < 0 or > MaxCopiesPerRecord)
            throw new ArgumentException($"augment_copies must be between 0 and {MaxCopiesPerRecord}; got {CopiesPerRecord}.");
        RequireRate("augment_synonym_rate", SynonymRate);
        RequireRate("augment_swap_rate", SwapRate);
        RequireRate("augment_deletion_rate", DeletionRate);
    }

    private static void RequireRate(string setting, double rate)
    {
        if (!(rate >= 0 && rate <= 1))
            throw new ArgumentException($"{setting} must be between 0 and 1; got {rate}.");
    }
}
