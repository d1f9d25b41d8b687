using System.CommandLine;
using FineTune.Cli.Terminal;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary>
/// <c>finetune run</c>: the whole pipeline in one process on a dataset. Stages that are not built yet
/// are listed as such, never pretended.
/// </summary>
internal static class RunCommand
{
    private static readonly Option<FileInfo> Dataset = new("--dataset")
    {
        Description = "Training data (JSONL chat, prompt/completion, text or CSV).",
        DefaultValueFactory = _ => new FileInfo(Path.Combine("samples", "support-chat.jsonl")),
    };

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("run", "Run the fine-tuning pipeline end to end on a dataset, in this process.") { Dataset };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(() => RunAsync(parse, console, cancellationToken), console));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var dataset = parse.GetValue(Dataset)!;
        if (!dataset.Exists)
        {
            return CommandErrors.Fail(console, $"dataset file '{dataset.FullName}' does not exist (--dataset).");
        }
        var store = CliOptions.OpenStore(parse);
        console.MarkupLineInterpolated($"[bold]FineTune[/] pipeline on [cyan]{dataset.Name}[/] ({dataset.Length:N0} bytes), artifacts in {store.Description}");

        var key = $"uploads/{DateTime.UtcNow:yyyyMMdd-HHmmss}/{dataset.Name}";
        var stored = await Transfer.UploadAsync(console, store, key, dataset, cancellationToken);
        console.MarkupLineInterpolated($"[green]stored[/] {key} sha256:{stored.Sha256[..16]}…");

        var table = new Table().Border(TableBorder.Rounded).AddColumns("stage", "status");
        foreach (var stage in PipelineStages.All)
            table.AddRow(stage.Name, stage.IsBuilt ? "[green]ran[/]" : $"[grey]not built yet (issue #{stage.Issue})[/]");
        console.Write(table);
        console.MarkupLine("Upload into the artifact store is what exists of the pipeline today; each stage above joins this command as it is built.");
        return 0;
    }
}
