using System.CommandLine;
using FineTune.Cli.Commands;
using Spectre.Console;

namespace FineTune.Cli;

public static class CliApp
{
    /// <summary>The whole command tree, writing to <paramref name="console"/> (tests pass a recording one).</summary>
    public static RootCommand CreateRootCommand(IAnsiConsole console)
    {
        var root = new RootCommand("finetune — curate, fine-tune, evaluate, ship and watch your own language models.");
        root.Options.Add(CliOptions.Store);
        root.Options.Add(SuiteOptions.Gateway);
        root.Options.Add(SuiteOptions.ApiKey);
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(ArtifactsCommand.Create(console));
        root.Subcommands.Add(CurateCommand.Create(console));
        root.Subcommands.Add(PretrainCommand.Create(console));
        root.Subcommands.Add(PerplexityCommand.Create(console));
        root.Subcommands.Add(TrainCommand.Create(console));
        root.Subcommands.Add(EvidenceCommand.Create(console));
        root.Subcommands.Add(FilesCommand.Create(console));
        root.Subcommands.Add(JobsCommand.Create(console));
        root.Subcommands.Add(ModelsCommand.Create(console));
        root.Subcommands.Add(ChatCommand.Create(console));
        root.Subcommands.Add(DemoCommand.Create(console));
        return root;
    }
}
