using System.CommandLine;
using FineTune.Cli.Client;
using FineTune.Cli.Terminal;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary><c>finetune models list|promote|rollback</c>: the registry's models, and moving their aliases.</summary>
internal static class ModelsCommand
{
    private static readonly Argument<string> Name = new("NAME") { Description = "Registered model name." };
    private static readonly Option<int> Version = new("--version") { Description = "Version to promote.", Required = true };
    private static readonly Option<string> Alias = new("--alias") { Description = "Alias to move.", DefaultValueFactory = _ => "production" };
    private static readonly Option<string> Reason = new("--reason") { Description = "Why, for the audit log.", Required = true };
    private static readonly Option<bool> Force = new("--force") { Description = "Promote a version whose gate failed (or never ran)." };

    public static Command Create(IAnsiConsole console) => new("models", "Registered models and their aliases.")
    {
        List(console), Promote(console), Rollback(console),
    };

    private static Command List(IAnsiConsole console)
    {
        var command = new Command("list", "Models with their versions, aliases and the latest version's verdict.");
        command.SetAction((parse, cancellationToken) => SuiteOptions.Run(parse, console, async client =>
        {
            var table = new Table().AddColumns("name", "versions", "aliases", "latest verdict");
            foreach (var model in await client.ListModelsAsync(cancellationToken))
            {
                var view = await client.GetModelAsync(model.Name, cancellationToken);
                var latest = view.Versions.Count == 0 ? null : await client.GetModelVersionAsync(model.Name, view.Versions[^1].Version, cancellationToken);
                table.AddTextRow(model.Name, view.Versions.Count.ToString(),
                    string.Join(", ", model.Aliases.OrderBy(a => a.Key).Select(a => $"{a.Key} → {a.Value}")), Verdict(latest));
            }
            console.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Promote(IAnsiConsole console)
    {
        var command = new Command("promote", "Point an alias at a version (refused for a failed gate unless --force).") { Name, Version, Alias, Reason, Force };
        command.SetAction((parse, cancellationToken) => SuiteOptions.Run(parse, console, async client =>
        {
            var moved = await client.PromoteAsync(parse.GetValue(Name)!, parse.GetValue(Version), parse.GetValue(Alias)!, parse.GetValue(Reason)!,
                parse.GetValue(Force), cancellationToken);
            console.WriteLine(Describe(moved));
            return 0;
        }));
        return command;
    }

    private static Command Rollback(IAnsiConsole console)
    {
        var command = new Command("rollback", "Move an alias back to the version it pointed at before.") { Name, Alias, Reason };
        command.SetAction((parse, cancellationToken) => SuiteOptions.Run(parse, console, async client =>
        {
            console.WriteLine(Describe(await client.RollbackAsync(parse.GetValue(Name)!, parse.GetValue(Alias)!, parse.GetValue(Reason)!, cancellationToken)));
            return 0;
        }));
        return command;
    }

    public static string Verdict(RegistryVersionView? version) => version switch
    {
        null => "no versions",
        { Evaluation: null } => $"v{version.Version.Version}: not evaluated yet",
        { Evaluation.Passed: true } => $"v{version.Version.Version}: passed",
        _ => $"v{version.Version.Version}: failed ({string.Join(", ", version.Evaluation!.FailedChecks)})",
    };

    private static string Describe(AliasMove move) =>
        $"{move.Model} {move.Alias}: {(move.From is { } from ? $"v{from}" : "none")} → v{move.To}";
}
