using FineTune.Datasets;

namespace FineTune.Curation.Ingestion;

/// <summary>The records kept, every bad line with its reason, and whether the policy accepted the upload.</summary>
public sealed record IngestionResult(IReadOnlyList<TaskRecord> Records, IReadOnlyList<RecordException> Errors, bool Accepted)
{
    public int Lines => Records.Count + Errors.Count;
    public double ErrorRate => Lines == 0 ? 0 : (double)Errors.Count / Lines;
}
