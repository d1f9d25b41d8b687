namespace FineTune.Cli.Client;

/// <summary>
/// Any refusal or failure of the suite, as one exception: the HTTP status, and what the service said
/// — a problem's title and detail with the field it names, or OpenAI's error message and param — so a
/// command can print one line such as <c>training_file: dataset version 'x:9' does not exist (400)</c>.
/// A status of 0 means no answer came back at all (nothing listening, connection lost).
/// </summary>
public sealed class SuiteApiException(int status, string detail, string? field = null, string? title = null, string? code = null, Exception? inner = null)
    : Exception(Format(status, detail, field), inner)
{
    public int Status { get; } = status;
    public string Detail { get; } = detail;
    /// <summary>The request field or setting the service blamed (OpenAI's <c>param</c>, a problem's <c>field</c> or <c>setting</c>).</summary>
    public string? Field { get; } = field;
    public string? Title { get; } = title;
    public string? Code { get; } = code;

    private static string Format(int status, string detail, string? field) =>
        (field is { Length: > 0 } ? $"{field}: " : "") + detail + (status > 0 ? $" ({status})" : "");
}
