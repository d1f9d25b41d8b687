using FineTune.Curation.Pipeline;
using FineTune.Datasets;

namespace FineTune.Curation.Ingestion;

/// <summary>
/// Reads an upload line by line (JSONL through <see cref="JsonlReader"/>, CSV through
/// <see cref="Datasets.Csv.CsvRecordReader"/>), adds the checks that need the policy or the whole
/// file — unknown labels, a record whose shape differs from the file's first — and applies the
/// error-rate rule.
/// </summary>
public static class Ingestor
{
    public static IngestionResult Read(Stream upload, string source, IngestionPolicy policy) =>
        Read(JsonlReader.Read(upload, source, policy.MaxRecordBytes), source, policy);

    public static IngestionResult Read(IEnumerable<LineResult> lines, string source, IngestionPolicy policy)
    {
        policy.Validate();
        var labels = policy.Labels.ToHashSet(StringComparer.Ordinal);
        var records = new List<TaskRecord>();
        var errors = new List<RecordException>();
        foreach (var result in lines)
        {
            if (result.Error is { } error) errors.Add(error);
            else if (result.Record is ClassRecord labelled && labels.Count > 0 && !labels.Contains(labelled.Label))
                errors.Add(new RecordException(source, labelled.Line, "label", $"unknown label '{labelled.Label}' (allowed: {string.Join(", ", policy.Labels)})"));
            else if (records.Count > 0 && RecordText.TaskType(result.Record!) != RecordText.TaskType(records[0]))
                errors.Add(new RecordException(source, result.Record!.Line, null,
                    $"a {RecordText.TaskType(result.Record!)} record in a file of {RecordText.TaskType(records[0])} records (line {records[0].Line}); one file holds one task"));
            else records.Add(result.Record!);
        }
        return new IngestionResult(records, errors, policy.Accepts(records.Count + errors.Count, errors.Count));
    }
}
