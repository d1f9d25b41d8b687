using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace FineTune.Datasets.Csv;

/// <summary>
/// One CSV record as raw bytes plus where each field lies in them. The scanner reuses a single
/// instance, so memory holds one record; bytes past the size limit are dropped, not kept.
/// </summary>
internal sealed class CsvRow(int maxBytes)
{
    private readonly record struct FieldSpan(int Start, int Length, bool Quoted);

    private readonly List<FieldSpan> fields = [];
    private byte[] raw = new byte[Math.Min(maxBytes, 4096)];
    private int length;
    private int fieldStart;
    private int closingQuoteAt;

    public int StartLine { get; private set; }
    public int FieldCount { get; private set; }
    public bool TooLong { get; private set; }
    public int? UnterminatedField { get; private set; }
    public int? TextAfterQuoteField { get; private set; }

    /// <summary>A line with nothing but spaces on it: skipped, like a blank JSONL line.</summary>
    public bool IsBlank => !TooLong && FieldCount == 1 && !fields[0].Quoted && raw.AsSpan(0, length).Trim(" \t\r"u8).IsEmpty;

    public void Begin(int line)
    {
        StartLine = line;
        fields.Clear();
        length = fieldStart = FieldCount = 0;
        closingQuoteAt = -1;
        TooLong = false;
        UnterminatedField = TextAfterQuoteField = null;
    }

    public void Append(byte value)
    {
        if (TooLong) return;
        if (length == maxBytes) { TooLong = true; return; }
        if (length == raw.Length) Array.Resize(ref raw, (int)Math.Min(maxBytes, 2L * raw.Length));
        raw[length++] = value;
    }

    /// <summary>The quote just appended closes the current field's quoted value.</summary>
    public void CloseQuote() => closingQuoteAt = length - 1;

    public void MarkUnterminated() => UnterminatedField = FieldCount;

    /// <summary>Ends the current field; at the end of a row a CR before the line feed belongs to the line break, not the value.</summary>
    public void EndField(bool atRowEnd)
    {
        if (!TooLong)
        {
            if (closingQuoteAt >= 0)
            {
                var after = raw.AsSpan(closingQuoteAt + 1, length - closingQuoteAt - 1);
                if (!after.IsEmpty && !(atRowEnd && after.SequenceEqual("\r"u8))) TextAfterQuoteField ??= FieldCount;
                fields.Add(new(fieldStart + 1, closingQuoteAt - fieldStart - 1, Quoted: true));
            }
            else if (UnterminatedField is not null) fields.Add(new(fieldStart + 1, length - fieldStart - 1, Quoted: true));
            else
            {
                var end = atRowEnd && length > fieldStart && raw[length - 1] == '\r' ? length - 1 : length;
                fields.Add(new(fieldStart, end - fieldStart, Quoted: false));
            }
        }
        FieldCount++;
    }

    /// <summary>Starts the next field after the delimiter just appended.</summary>
    public void StartField()
    {
        fieldStart = length;
        closingQuoteAt = -1;
    }

    /// <summary>The byte offset, from the record's start, of the first byte that is not valid UTF-8; null when all are.</summary>
    public int? InvalidUtf8Offset()
    {
        var bytes = raw.AsSpan(0, length);
        if (Utf8.IsValid(bytes)) return null;
        var rest = bytes;
        while (Rune.DecodeFromUtf8(rest, out _, out var consumed) == OperationStatus.Done) rest = rest[consumed..];
        return bytes.Length - rest.Length;
    }

    /// <summary>The field holding the byte at <paramref name="offset"/>.</summary>
    public int FieldAt(int offset) => Math.Max(0, fields.FindLastIndex(field => field.Start <= offset));

    /// <summary>A field's value, with a quoted value's doubled quotes undone. Call only when the bytes are valid UTF-8.</summary>
    public string Text(int field)
    {
        var span = fields[field];
        var text = Encoding.UTF8.GetString(raw, span.Start, span.Length);
        return span.Quoted ? text.Replace("\"\"", "\"", StringComparison.Ordinal) : text;
    }
}
