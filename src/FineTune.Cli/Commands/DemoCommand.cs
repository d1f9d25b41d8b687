using System.CommandLine;
using FineTune.Cli.Walkthrough;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary><c>finetune demo --gateway URL --api-key KEY</c>: the pipeline walkthrough against a running suite.</summary>
internal static class DemoCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("demo", "Walk a data file through the running suite: upload, curate, fine-tune, evaluate, promote, compare answers.");
        foreach (var option in WalkthroughCommandOptions.All) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) => SuiteOptions.Run(parse, console, async client =>
            (await PipelineWalkthrough.RunAsync(client, console, WalkthroughCommandOptions.Read(parse), cancellationToken)).Succeeded ? 0 : 1));
        return command;
    }
}
