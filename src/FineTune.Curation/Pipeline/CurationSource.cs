namespace FineTune.Curation.Pipeline;

/// <summary>One input of a curation run: a name for messages (the file's name or id) and a way to open its bytes.</summary>
public sealed record CurationSource(string Name, Func<CancellationToken, Task<Stream>> Open)
{
    /// <summary>CSV when the name ends in <c>.csv</c>, JSONL otherwise.</summary>
    public bool IsCsv => Name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    public static CurationSource FromFile(string path) => new(Path.GetFileName(path), _ => Task.FromResult<Stream>(File.OpenRead(path)));
}

/// <summary>Where a run is: the step and how many records it has done of how many.</summary>
public sealed record CurationProgress(string Step, long Done, long Total);
