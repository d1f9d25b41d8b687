using System.CommandLine;
using FineTune.Cli.Curation;
using FineTune.Cli.Pretraining;
using FineTune.Cli.Terminal;
using FineTune.Curation.Pipeline;
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

    private static readonly Option<string> BaseModel = new("--base-model")
    {
        Description = "Hugging Face folder of the model to fine-tune.",
        DefaultValueFactory = _ => Path.Combine("models", "finetune-base"),
    };

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("run", "Run the fine-tuning pipeline end to end on a dataset, in this process.") { Dataset, BaseModel };
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
        console.MarkupLineInterpolated($"[bold]FineTune[/] pipeline on [cyan]{dataset.Name}[/] ({dataset.Length:N0} bytes)");

        console.Write(new Rule("1 curation").LeftJustified());
        var version = await CurationJob.RunAsync(console, dataset, CurationJob.NameFor(dataset), new CurationOptions(),
            parse.GetValue(CliOptions.Store) ?? Environment.GetEnvironmentVariable("FINETUNE_STORE"), cancellationToken);
        if (version is null) return 1;

        var table = new Table().Border(TableBorder.Rounded).AddColumns("stage", "status");
        foreach (var stage in PipelineStages.All)
            table.AddRow(stage.Name, stage.IsBuilt ? "[green]ran[/]" : $"[grey]not built yet (issue #{stage.Issue})[/]");
        console.Write(table);
        ShowBaseModel(console, parse.GetValue(BaseModel)!, dataset.FullName);
        console.MarkupLine("Curation and the base model's answer before fine-tuning are what exist of the pipeline today; each stage above joins this command as it is built.");
        return 0;
    }

    private static void ShowBaseModel(IAnsiConsole console, string folder, string dataset)
    {
        try
        {
            var preview = BaseModelPreview.Run(folder, dataset);
            console.MarkupLineInterpolated($"base model [cyan]{preview.ModelName}[/] ({preview.Parameters:N0} parameters, {preview.ChatFormat} chat) before fine-tuning:");
            console.MarkupLineInterpolated($"  [grey]user:[/]  {preview.Question}");
            console.MarkupLineInterpolated($"  [grey]model:[/] {preview.Answer}");
        }
        catch (ArgumentException e)
        {
            console.MarkupLineInterpolated($"[grey]base model preview skipped: {e.Message}[/]");
        }
    }
}
