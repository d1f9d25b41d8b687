using Spectre.Console;

namespace FineTune.Cli.Tests;

/// <summary>Runs the CLI in-process, writing plain text (no colours, no live redraws) to <paramref name="output"/>.</summary>
internal static class CliRunner
{
    public static Task<int> Run(StringWriter output, params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            Interactive = InteractionSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 200;
        return CliApp.CreateRootCommand(console).Parse(args).InvokeAsync();
    }
}
