namespace FineTune.Tokenizers.Chat;

/// <summary>Jinja's string filters as Hugging Face's templates (run by Python) apply them.</summary>
internal static class JinjaText
{
    /// <summary>
    /// Jinja's <c>|trim</c>: Python's <c>str.strip()</c>, which removes what <c>str.isspace()</c>
    /// accepts — .NET's white space plus the separators U+001C–U+001F.
    /// </summary>
    public static string Trim(string text) => text.Trim(PythonSpace);

    static readonly char[] PythonSpace =
        [.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f')];
}
