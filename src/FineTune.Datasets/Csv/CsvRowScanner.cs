namespace FineTune.Datasets.Csv;

/// <summary>
/// The RFC 4180 state machine: splits a byte stream into rows and fields. Delimiters, quotes and line
/// breaks are ASCII, so splitting bytes before decoding never cuts a UTF-8 character; line numbers
/// count every line feed, including those inside quoted values, so they match an editor's.
/// </summary>
internal sealed class CsvRowScanner
{
    private enum State { FieldStart, Unquoted, Quoted, QuoteInQuoted }

    private readonly byte delimiter;
    private readonly CsvRow row;
    private State state;
    private bool inRow;
    private int line = 1;

    private CsvRowScanner(byte delimiter, int maxRecordBytes)
    {
        this.delimiter = delimiter;
        row = new CsvRow(maxRecordBytes);
    }

    /// <summary>Yields each row as it ends; the same <see cref="CsvRow"/> instance is refilled for the next one.</summary>
    public static IEnumerable<CsvRow> Rows(Stream stream, byte delimiter, int maxRecordBytes)
    {
        var scanner = new CsvRowScanner(delimiter, maxRecordBytes);
        var chunk = new byte[64 * 1024];
        var read = stream.ReadAtLeast(chunk, 3, throwOnEndOfStream: false);
        var start = StartsWithByteOrderMark(chunk, read) ? 3 : 0;
        while (read > 0)
        {
            for (var i = start; i < read; i++)
                if (scanner.Feed(chunk[i])) yield return scanner.row;
            start = 0;
            read = stream.Read(chunk, 0, chunk.Length);
        }
        if (scanner.EndOfStream()) yield return scanner.row;
    }

    private static bool StartsWithByteOrderMark(byte[] chunk, int read) => chunk.AsSpan(0, read).StartsWith("\uFEFF"u8);

    /// <summary>Takes one byte; true when it ended a row.</summary>
    private bool Feed(byte value)
    {
        if (!inRow)
        {
            row.Begin(line);
            inRow = true;
            state = State.FieldStart;
        }
        if (value == '\n') line++;
        switch (state)
        {
            case State.Quoted:
                if (value == '"') state = State.QuoteInQuoted;
                row.Append(value);
                return false;
            case State.QuoteInQuoted when value == '"':
                state = State.Quoted;
                row.Append(value);
                return false;
            case State.QuoteInQuoted:
                row.CloseQuote();
                state = State.Unquoted;
                break;
        }
        if (value == '\n')
        {
            row.EndField(atRowEnd: true);
            inRow = false;
            return true;
        }
        if (value == delimiter)
        {
            row.EndField(atRowEnd: false);
            row.Append(value);
            row.StartField();
            state = State.FieldStart;
            return false;
        }
        // A quote opens a quoted value only as a field's first byte; elsewhere it is kept as text, as most CSV writers expect.
        if (state == State.FieldStart) state = value == '"' ? State.Quoted : State.Unquoted;
        row.Append(value);
        return false;
    }

    /// <summary>Ends the last row when the file does not end with a line break; true when there was one.</summary>
    private bool EndOfStream()
    {
        if (!inRow) return false;
        if (state == State.QuoteInQuoted) row.CloseQuote();
        else if (state == State.Quoted) row.MarkUnterminated();
        row.EndField(atRowEnd: true);
        inRow = false;
        return true;
    }
}
