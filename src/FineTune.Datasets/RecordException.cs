namespace FineTune.Datasets;

/// <summary>A bad line of a data file: where it is (file, 1-based line, field) and what is wrong with it. Readers that stop at the first bad line rethrow it as <see cref="InvalidDataException"/>.</summary>
public sealed class RecordException(string source, int line, string? field, string reason)
    : FormatException(field is null ? $"{source}:{line}: {reason}." : $"{source}:{line}, field '{field}': {reason}.")
{
    public string File { get; } = source;
    public int Line { get; } = line;
    public string? Field { get; } = field;
    public string Reason { get; } = reason;
}
