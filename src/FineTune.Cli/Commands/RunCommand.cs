using System.CommandLine;
using FineTune.Cli.Client;
using FineTune.Cli.Suite;
using FineTune.Cli.Walkthrough;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary>
/// <c>finetune run</c>: all seven stages in this process — the services' own modules on the in-memory
/// bus with the file-system artifact store, behind the gateway — walked through with a data file:
/// upload, curate, fine-tune, evaluate and gate, register and promote, serve, watch. No servers needed.
/// </summary>
internal static class RunCommand
{
    private static readonly Option<bool> Serve = new("--serve")
    {
        Description = "Keep the suite serving after the walkthrough, until Ctrl+C; its gateway URL and key are printed.",
    };

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("run", "Run the whole pipeline in this process on a data file: curate, fine-tune, evaluate, register, serve and monitor.");
        foreach (var option in WalkthroughCommandOptions.All) command.Options.Add(option);
        command.Options.Add(Serve);
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(() => RunAsync(parse, console, cancellationToken), console));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var options = WalkthroughCommandOptions.Read(parse);
        if (!File.Exists(options.DataFile))
            return CommandErrors.Fail(console, $"data file '{Path.GetFullPath(options.DataFile)}' does not exist (--data).");

        var store = CliOptions.StoreFolder(parse);
        var suite = await console.Status().StartAsync("starting every service in this process",
            _ => EmbeddedSuite.StartAsync(new EmbeddedSuiteOptions { StoreFolder = store }, cancellationToken));
        await using (suite)
        {
            console.MarkupLineInterpolated($"[bold]FineTune[/] in one process: in-memory bus, artifacts in [cyan]{Path.GetFullPath(store)}[/], gateway [cyan]{suite.GatewayUrl}[/], services' log [grey]{suite.LogFile}[/]");
            using var client = new SuiteClient(suite.GatewayUrl, suite.ApiKey);
            var result = await PipelineWalkthrough.RunAsync(client, console, options, cancellationToken);
            if (result.Succeeded && parse.GetValue(Serve)) await ServeAsync(console, suite, cancellationToken);
            return result.Succeeded ? 0 : 1;
        }
    }

    private static async Task ServeAsync(IAnsiConsole console, EmbeddedSuite suite, CancellationToken cancellationToken)
    {
        console.MarkupLineInterpolated($"serving at [cyan]{suite.GatewayUrl}[/] (dashboard [cyan]{new Uri(suite.GatewayUrl, "dashboard")}[/]) with API key [yellow]{suite.ApiKey}[/] until Ctrl+C");
        try { await Task.Delay(Timeout.Infinite, cancellationToken); }
        catch (OperationCanceledException) { console.MarkupLine("stopping"); }
    }
}
