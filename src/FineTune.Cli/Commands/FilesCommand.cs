using System.CommandLine;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary><c>finetune files upload FILE [--dataset NAME]</c>: upload raw data to the suite, and curate it into a dataset version.</summary>
internal static class FilesCommand
{
    private static readonly Argument<FileInfo> File = new("FILE") { Description = "Raw data: JSONL (chat, prompt/completion, text, text/label) or CSV." };
    private static readonly Option<string?> Dataset = new("--dataset") { Description = "Curate the upload into the next version of this dataset." };

    public static Command Create(IAnsiConsole console)
    {
        var upload = new Command("upload", "Upload a raw data file through the gateway (and curate it with --dataset).") { File, Dataset };
        upload.SetAction((parse, cancellationToken) => SuiteOptions.Run(parse, console, async client =>
        {
            var uploaded = await UploadProgress.UploadAsync(console, client, parse.GetValue(File)!, cancellationToken);
            console.MarkupLineInterpolated($"uploaded [bold]{uploaded.Filename}[/] as [bold]{uploaded.Id}[/] ({uploaded.Bytes:N0} bytes)");
            if (uploaded.StatusDetails is { } details) console.MarkupLineInterpolated($"[yellow]{details}[/]");
            if (parse.GetValue(Dataset) is not { } dataset) return 0;

            var version = await client.CurateAsync(dataset, [uploaded.Id], cancellationToken);
            var card = await client.GetDatasetCardAsync(version.Dataset, version.Version, cancellationToken);
            console.MarkupLineInterpolated($"curated [bold]{version.Id}[/]");
            console.WriteLine(DatasetSummary.Describe(version, card));
            return 0;
        }));
        return new Command("files", "Raw data files in the suite.") { upload };
    }
}
