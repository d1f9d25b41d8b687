namespace FineTune.Cli.Suite;

/// <summary>Where the embedded suite keeps its artifacts and logs, and any settings to override (e.g. <c>Evaluation:TestLimit</c>).</summary>
public sealed record EmbeddedSuiteOptions
{
    /// <summary>Folder of the file-system artifact store every service shares.</summary>
    public required string StoreFolder { get; init; }

    /// <summary>Configuration keys (colon-separated, as in appsettings) applied to every service and the gateway.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The services' log (warnings and errors); the console stays the CLI's. Null: <c>suite.log</c> beside the store.</summary>
    public string? LogFile { get; init; }
}
