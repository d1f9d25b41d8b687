namespace FineTune.Curation.Deduplication;

/// <summary>
/// The form in which deduplication compares texts: lower-cased (invariant) with every whitespace run collapsed to
/// one space and the ends trimmed, so that case and spacing alone never make two texts differ. Written into a
/// reusable buffer because it runs once or twice per record on every curation.
/// </summary>
internal static class TextNormalization
{
    /// <summary>The normalized text, in <paramref name="buffer"/> (grown when too small; not thread-safe).</summary>
    public static Span<char> Normalize(string text, ref char[] buffer)
    {
        // invariant lower-casing maps each code unit or surrogate pair to one of the same length, so the text bounds the result
        if (buffer.Length < text.Length) buffer = new char[Math.Max(text.Length, buffer.Length * 2)];
        var chars = buffer.AsSpan(0, text.Length);
        text.AsSpan().ToLowerInvariant(chars);

        // collapsed in place: a pending space means at least one whitespace char was read and not written, so writes never overtake reads
        var length = 0;
        var spacePending = false;
        foreach (var c in chars)
        {
            if (char.IsWhiteSpace(c)) { spacePending = length > 0; continue; }
            if (spacePending) { chars[length++] = ' '; spacePending = false; }
            chars[length++] = c;
        }
        return chars[..length];
    }

    /// <summary>The normalized text as a string.</summary>
    public static string Normalize(string text)
    {
        char[] buffer = [];
        return new string(Normalize(text, ref buffer));
    }
}
