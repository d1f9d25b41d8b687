namespace FineTune.Curation.Ingestion;

/// <summary>
/// What to do with bad lines: reject the whole upload when more than <see cref="MaxErrorRate"/> of its
/// lines are bad, otherwise drop them and list each one in the report — never drop silently.
/// </summary>
public sealed record IngestionPolicy
{
    /// <summary>The share of bad lines above which the upload is rejected (0: any bad line rejects it).</summary>
    public double MaxErrorRate { get; init; } = 0.05;
    /// <summary>For classification data, the labels allowed; empty allows any.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
    public int MaxRecordBytes { get; init; } = Datasets.JsonlReader.DefaultMaxRecordBytes;

    /// <summary>True when there was at least one line and the share of bad ones is within <see cref="MaxErrorRate"/>.</summary>
    public bool Accepts(long lines, long errors) => lines > 0 && (double)errors / lines <= MaxErrorRate;

    public void Validate()
    {
        if (!(MaxErrorRate is >= 0 and <= 1)) throw new ArgumentException($"Setting 'max_error_rate' must be in [0, 1], got {MaxErrorRate}.", "max_error_rate");
        if (MaxRecordBytes < 1) throw new ArgumentException($"Setting 'max_record_bytes' must be positive, got {MaxRecordBytes}.", "max_record_bytes");
    }
}
