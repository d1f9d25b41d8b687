using FineTune.Cli.Terminal;
using FineTune.Curation.Pipeline;
using FineTune.Curation.Versions;
using Spectre.Console;

namespace FineTune.Cli.Curation;

/// <summary>Curates one local file into a dataset version with a progress bar over the pipeline's steps, then shows the summary.</summary>
internal static class CurationJob
{
    /// <summary>The new (or already existing) version, or null when the data was refused — the reason is printed.</summary>
    public static async Task<DatasetManifest?> RunAsync(IAnsiConsole console, FileInfo data, string dataset, CurationOptions options,
        string? storePath, CancellationToken cancellationToken)
    {
        if (!data.Exists) throw new FileNotFoundException($"The data file '{data.FullName}' does not exist (--data).", data.FullName);
        await using var curation = await EmbeddedCuration.StartAsync(storePath, cancellationToken);
        var upload = await curation.UploadAsync(data, cancellationToken);
        console.MarkupLineInterpolated($"[green]stored[/] {data.Name} as {upload.Id} ({upload.Bytes:N0} bytes, sha256:{upload.Sha256[..16]}…) in {curation.StoreDescription}");
        try
        {
            var (manifest, report) = await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask($"curating {data.Name}", maxValue: CurationPipeline.ProgressSteps.Count);
                    var progress = new InlineProgress<CurationProgress>(p =>
                    {
                        task.Description = $"curating {data.Name}: {p.Step.Replace('_', ' ')} ({p.Done:N0} records)";
                        task.Value = CurationPipeline.ProgressSteps.ToList().IndexOf(p.Step) + 1;
                    });
                    return await curation.CurateAsync(dataset, upload.Id, options, progress, cancellationToken);
                });
            CurationSummary.Write(console, manifest, report);
            return manifest;
        }
        catch (IngestionRejectedException e)
        {
            console.MarkupLineInterpolated($"[red]rejected:[/] {e.Message}");
            foreach (var problem in e.Problems.Take(10))
                console.MarkupLineInterpolated($"  {problem.File}:{problem.Line}{(problem.Field is { } f ? $", field '{f}'" : "")}: {problem.Reason}");
            return null;
        }
        catch (LeakageDetectedException e)
        {
            console.MarkupLineInterpolated($"[red]leakage:[/] {e.Message}");
            return null;
        }
        catch (NotEnoughRecordsException e)
        {
            console.MarkupLineInterpolated($"[red]too few records:[/] {e.Message}");
            return null;
        }
    }

    /// <summary>A dataset name from a file name: lower-case, with anything outside the allowed characters turned into '-'.</summary>
    public static string NameFor(FileInfo data)
    {
        var name = new string([.. Path.GetFileNameWithoutExtension(data.Name).ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-')]).Trim('-', '.', '_');
        return name.Length == 0 ? "dataset" : name[..Math.Min(name.Length, 64)];
    }
}
