using System.Text;

namespace FineTune.Models.Generation;

/// <summary>What one appended piece released for display, and the stop string if it ended generation.</summary>
/// <param name="Text">Text now safe to show; empty while a possible stop string is held back.</param>
/// <param name="StopSequence">The stop string that appeared, or null while generation goes on.</param>
public readonly record struct StopSequenceUpdate(string Text, string? StopSequence)
{
    public bool Stopped => StopSequence is not null;
}

/// <summary>
/// Watches streamed text for stop strings, which may straddle token boundaries. Text is released
/// as soon as it can no longer be the start of a stop string: the longest tail that is a proper
/// prefix of some stop string is held back until the next piece decides it. When a stop string
/// appears, the text before it is released and everything from it on is dropped.
/// </summary>
/// <remarks>
/// The stop taken is the one that completes first reading the text character by character (among
/// those completing at the same character, the longest); so the outcome does not depend on how the
/// text was cut into pieces. Matching is ordinal.
/// </remarks>
public sealed class StopSequenceDetector
{
    private readonly string[] _stops;           // longest first, so the first hit at an end is the longest
    private readonly int _longestStop;
    private readonly StringBuilder _released = new();
    private string _held = "";

    public StopSequenceDetector(IEnumerable<string> stopSequences)
    {
        ArgumentNullException.ThrowIfNull(stopSequences);
        string[] stops = stopSequences.ToArray();
        if (stops.Any(string.IsNullOrEmpty))
            throw new ArgumentException("stop sequences must not be null or empty.", nameof(stopSequences));
        _stops = stops.Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
        _longestStop = _stops.Length == 0 ? 0 : _stops[0].Length;
    }

    /// <summary>All text released so far.</summary>
    public string ReleasedText => _released.ToString();

    /// <summary>Text held back because it may begin a stop string.</summary>
    public string HeldText => _held;

    /// <summary>The stop string that ended the text, or null.</summary>
    public string? StopSequence { get; private set; }

    public bool Stopped => StopSequence is not null;

    /// <summary>Adds the decoded text of one new token.</summary>
    public StopSequenceUpdate Append(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (Stopped) throw new InvalidOperationException($"The stop sequence \"{StopSequence}\" has already appeared.");
        if (_stops.Length == 0) return new StopSequenceUpdate(Release(piece), null);

        // Held text contains no complete stop, so only stops ending inside the new piece can match.
        string text = _held + piece;
        for (int end = _held.Length + 1; end <= text.Length; end++)
        {
            foreach (string stop in _stops)
            {
                if (stop.Length > end || !text.AsSpan(end - stop.Length, stop.Length).SequenceEqual(stop)) continue;
                StopSequence = stop;
                _held = "";
                return new StopSequenceUpdate(Release(text[..(end - stop.Length)]), stop);
            }
        }

        int hold = LongestTailStartingAStop(text);
        _held = text[^hold..];
        return new StopSequenceUpdate(Release(text[..^hold]), null);
    }

    /// <summary>Generation ended for another reason: the held text can no longer become a stop, so release it.</summary>
    public string Flush()
    {
        string rest = _held;
        _held = "";
        return Release(rest);
    }

    private int LongestTailStartingAStop(string text)
    {
        for (int length = Math.Min(text.Length, _longestStop - 1); length > 0; length--)
        {
            ReadOnlySpan<char> tail = text.AsSpan(text.Length - length);
            foreach (string stop in _stops)
                if (stop.Length > length && stop.AsSpan().StartsWith(tail)) return length;
        }
        return 0;
    }

    private string Release(string text)
    {
        _released.Append(text);
        return text;
    }
}
