using FineTune.Datasets;

namespace FineTune.Curation.Ingestion;

/// <summary>Reads an upload through <see cref="JsonlReader"/>, adds the checks that need the policy (labels), and applies the error-rate rule.</summary>
public static class Ingestor
{
    public static IngestionResult Read(Stream upload, string source, IngestionPolicy policy)
    {
        policy.Validate();
        var labels = policy.Labels.ToHashSet(StringComparer.Ordinal);
        var records = new List<TaskRecord>();
        var errors = new List<RecordException>();
        foreach (var result in JsonlReader.Read(upload, source, policy.MaxRecordBytes))
        {
            if (result.Error is { } error) errors.Add(error);
            else if (result.Record is ClassRecord labelled && labels.Count > 0 && !labels.Contains(labelled.Label))
                errors.Add(new RecordException(source, labelled.Line, "label", $"unknown label '{labelled.Label}' (allowed: {string.Join(", ", policy.Labels)})"));
            else records.Add(result.Record!);
        }
        var read = new IngestionResult(records, errors, Accepted: false);
        return read with { Accepted = read.Lines > 0 && read.ErrorRate <= policy.MaxErrorRate };
    }
}
