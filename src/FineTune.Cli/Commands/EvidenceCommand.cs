using System.CommandLine;
using FineTune.Cli.FineTuning;
using FineTune.Models.FineTuning;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary><c>finetune evidence</c>: trains every method on every shipped task and writes the report in docs/evidence.</summary>
internal static class EvidenceCommand
{
    private static readonly Option<string> Model = new("--model") { DefaultValueFactory = _ => Path.Combine("models", "finetune-base") };
    private static readonly Option<string> Tasks = new("--tasks") { Description = "Folder of sample tasks.", DefaultValueFactory = _ => Path.Combine("samples", "tasks") };
    private static readonly Option<string[]> Only = new("--only") { Description = "Run only these tasks (by folder name).", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string[]> Methods = new("--methods") { AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. Enum.GetValues<FineTuneMethod>().Select(m => m.Name())] };
    private static readonly Option<string> GeneralText = new("--general-text") { Description = "Held-out general text for forgetting (scripts/corpus/build-corpus.sh makes it).", DefaultValueFactory = _ => Path.Combine(".artifacts", "corpus", "valid.txt") };
    private static readonly Option<int> Epochs = new("--epochs") { DefaultValueFactory = _ => 1 };
    private static readonly Option<int> MaxSteps = new("--max-steps") { Description = "At most this many steps per run, even with epochs left.", DefaultValueFactory = _ => 300 };
    private static readonly Option<int> Batch = new("--batch") { DefaultValueFactory = _ => 16 };
    private static readonly Option<int> TestLimit = new("--test-limit") { DefaultValueFactory = _ => 100 };
    private static readonly Option<string> Output = new("--out") { DefaultValueFactory = _ => Path.Combine("docs", "evidence") };
    private static readonly Option<string> Work = new("--work") { DefaultValueFactory = _ => Path.Combine(".finetune", "evidence") };
    private static readonly Option<bool> Reuse = new("--reuse") { Description = "Keep runs already summarized in --work; run only the missing ones, then rewrite the report." };

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("evidence", "Train every method on every sample task; write the report (Markdown and JSON).")
        {
            Model, Tasks, Only, Methods, GeneralText, Epochs, MaxSteps, Batch, TestLimit, Output, Work, Reuse,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(() =>
        {
            var general = parse.GetValue(GeneralText)!;
            if (!File.Exists(general)) return Task.FromResult(CommandErrors.Fail(console, $"general text '{general}' does not exist; build it with scripts/corpus/build-corpus.sh (--general-text)."));
            var settings = new EvidenceSettings
            {
                ModelFolder = parse.GetValue(Model)!,
                TasksFolder = parse.GetValue(Tasks)!,
                GeneralTextFile = general,
                OutputFolder = parse.GetValue(Output)!,
                WorkFolder = parse.GetValue(Work)!,
                Methods = [.. parse.GetValue(Methods)!.Select(FineTuneMethods.Parse)],
                Tasks = parse.GetValue(Only) ?? [],
                Epochs = parse.GetValue(Epochs),
                MaxSteps = parse.GetValue(MaxSteps),
                BatchSize = parse.GetValue(Batch),
                TestLimit = parse.GetValue(TestLimit),
                Reuse = parse.GetValue(Reuse),
            };
            return Task.FromResult(new EvidenceRun(settings, console).Execute(cancellationToken));
        }, console));
        return command;
    }
}
