namespace FineTune.Datasets.Csv;

/// <summary>
/// Streams a CSV file (RFC 4180: quoted values with doubled quotes, line breaks inside quotes, CRLF or
/// LF, an optional UTF-8 byte order mark) into training records through a <see cref="CsvColumnMapping"/>.
/// The first row is the header; memory holds one record whatever the file's size. Each bad record is
/// reported like a bad JSONL line — the line it starts on, the column, the reason — and reading goes on;
/// a header that lacks a mapped column, or a quote never closed, ends the file.
/// </summary>
public static class CsvRecordReader
{
    public static IEnumerable<LineResult> Read(Stream stream, string source, CsvColumnMapping mapping,
        int maxRecordBytes = JsonlReader.DefaultMaxRecordBytes, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(mapping);
        mapping.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 1);
        if (delimiter is not (',' or ';' or '\t'))
            throw new ArgumentException($"The CSV delimiter must be ',', ';' or a tab, got '{delimiter}'.", nameof(delimiter));
        return ReadRows(stream, source, mapping, maxRecordBytes, (byte)delimiter);
    }

    private static IEnumerable<LineResult> ReadRows(Stream stream, string source, CsvColumnMapping mapping, int maxRecordBytes, byte delimiter)
    {
        var columns = mapping.Columns.ToArray();
        string[]? header = null;
        Dictionary<string, int> indexOf = [];
        foreach (var row in CsvRowScanner.Rows(stream, delimiter, maxRecordBytes))
        {
            if (row.IsBlank) continue;
            RecordException Bad(string? field, string reason) => new(source, row.StartLine, field, reason);
            string? ColumnName(int field) => header is not null && field < header.Length ? header[field] : null;

            if (Malformed(row, maxRecordBytes, ColumnName) is var (badField, reason))
            {
                yield return new(null, Bad(badField, reason));
                if (header is null) yield break;
                continue;
            }
            if (header is null)
            {
                header = [.. Enumerable.Range(0, row.FieldCount).Select(field => row.Text(field).Trim())];
                // backwards, so that a repeated column name means its first occurrence
                for (var i = header.Length - 1; i >= 0; i--) indexOf[header[i]] = i;
                if (columns.FirstOrDefault(column => !indexOf.ContainsKey(column)) is { } missing)
                {
                    yield return new(null, Bad(missing, $"column not found in the header (it has: {string.Join(", ", header)})"));
                    yield break;
                }
                continue;
            }
            if (row.FieldCount != header.Length)
            {
                yield return new(null, Bad(null, $"expected {header.Length} fields, found {row.FieldCount}"));
                continue;
            }
            var values = new Dictionary<string, string>(columns.Length);
            string? empty = null;
            foreach (var column in columns)
            {
                values[column] = row.Text(indexOf[column]);
                if (string.IsNullOrWhiteSpace(values[column])) { empty = column; break; }
            }
            yield return empty is not null
                ? new(null, Bad(empty, "empty content"))
                : new(mapping.ToRecord(row.StartLine, column => values[column]), null);
        }
        if (header is null)
            yield return new(null, new RecordException(source, 1, columns[0], "no header row (the file is empty)"));
    }

    /// <summary>What makes a row unreadable whatever its columns mean, and in which field; null when nothing does.</summary>
    private static (string? Field, string Reason)? Malformed(CsvRow row, int maxRecordBytes, Func<int, string?> columnName)
    {
        if (row.UnterminatedField is { } open) return (columnName(open), "unterminated quoted field");
        if (row.TooLong) return (null, $"over-long record (more than {maxRecordBytes:N0} bytes)");
        if (row.InvalidUtf8Offset() is { } offset) return (columnName(row.FieldAt(offset)), $"invalid UTF-8 at byte {offset} of the line");
        if (row.TextAfterQuoteField is { } field) return (columnName(field), "text after the closing quote of a quoted field (a quote inside one must be doubled)");
        return null;
    }
}
