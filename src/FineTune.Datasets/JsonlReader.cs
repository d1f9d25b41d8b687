using System.Text;

namespace FineTune.Datasets;

/// <summary>One line's outcome: a record, or the reason the line is bad.</summary>
public readonly record struct LineResult(TaskRecord? Record, RecordException? Error);

/// <summary>
/// Streams a JSONL file line by line — memory holds one line, whatever the file's size — and
/// reports each bad line with its number, field and reason: invalid UTF-8 (with its byte offset),
/// over-long, truncated or invalid JSON, a missing or unknown role, empty content. Blank lines are
/// skipped; line numbers count them, so they match an editor's.
/// </summary>
public static class JsonlReader
{
    /// <summary>Lines longer than this are reported, not parsed (and not held in memory).</summary>
    public const int DefaultMaxRecordBytes = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IEnumerable<LineResult> Read(Stream stream, string source, int maxRecordBytes = DefaultMaxRecordBytes)
    {
        var buffer = new MemoryStream();
        var line = 0;
        var tooLong = false;
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (chunk[i] != (byte)'\n') continue;
                Append(chunk.AsSpan(start, i - start));
                line++;
                if (Finish() is { } result) yield return result;
                start = i + 1;
            }
            Append(chunk.AsSpan(start, read - start));
        }
        if (buffer.Length > 0 || tooLong)
        {
            line++;
            if (Finish() is { } last) yield return last;
        }

        void Append(ReadOnlySpan<byte> bytes)
        {
            if (tooLong) return;
            if (buffer.Length + bytes.Length > maxRecordBytes) { tooLong = true; buffer.SetLength(0); return; }
            buffer.Write(bytes);
        }

        LineResult? Finish()
        {
            try
            {
                if (tooLong) return new LineResult(null, new RecordException(source, line, null, $"over-long record (more than {maxRecordBytes:N0} bytes)"));
                var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
                if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
                string text;
                try { text = StrictUtf8.GetString(bytes); }
                catch (DecoderFallbackException e)
                {
                    return new LineResult(null, new RecordException(source, line, null, $"invalid UTF-8 at byte {e.Index} of the line"));
                }
                if (string.IsNullOrWhiteSpace(text)) return null;
                try { return new LineResult(TaskRecord.Parse(text, source, line), null); }
                catch (RecordException e) { return new LineResult(null, e); }
            }
            finally
            {
                buffer.SetLength(0);
                tooLong = false;
            }
        }
    }
}
