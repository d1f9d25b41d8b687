using FineTune.Storage.Artifacts;
using Spectre.Console;

namespace FineTune.Cli.Terminal;

/// <summary>Moves files in and out of the artifact store with a progress bar.</summary>
internal static class Transfer
{
    public static Task<ArtifactInfo> UploadAsync(IAnsiConsole console, IArtifactStore store, string key, FileInfo file,
        CancellationToken cancellationToken) =>
        WithProgress(console, $"upload {file.Name}", file.Length, async report =>
        {
            await using var source = new ProgressStream(file.OpenRead(), report);
            return await store.PutAsync(key, source, new PutOptions { ContentType = ContentTypes.For(file.Name) }, cancellationToken);
        });

    public static async Task<ArtifactInfo> DownloadAsync(IAnsiConsole console, IArtifactStore store, string key, Stream target,
        CancellationToken cancellationToken)
    {
        await using var artifact = await store.GetAsync(key, cancellationToken: cancellationToken);
        await WithProgress(console, $"download {Path.GetFileName(key)}", artifact.Info.Length, async report =>
        {
            await using var source = new ProgressStream(artifact.Content, report);
            await source.CopyToAsync(target, cancellationToken);
            return artifact.Info;
        });
        return artifact.Info;
    }

    private static Task<T> WithProgress<T>(IAnsiConsole console, string description, long total, Func<Action<long>, Task<T>> work) =>
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: Math.Max(total, 1));
                var result = await work(done => task.Value = done);
                task.Value = task.MaxValue;
                return result;
            });
}

internal static class ContentTypes
{
    public static string For(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".jsonl" => "application/jsonl",
        ".json" => "application/json",
        ".csv" => "text/csv",
        ".txt" => "text/plain",
        _ => "application/octet-stream",
    };
}
