using Spectre.Console;

namespace FineTune.Cli.Tests;

/// <summary>Runs the CLI in-process, writing plain text (no colours, no live redraws) to <paramref name="output"/>.</summary>
internal static class CliRunner
{
    public static Task<int> Run(StringWriter output, params string[] args) =>
        CliApp.CreateRootCommand(Console(output)).Parse(args).InvokeAsync();

    /// <summary>A console that records plain text, as a terminal 200 columns wide would show it.</summary>
    public static IAnsiConsole Console(StringWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            Interactive = InteractionSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 200;
        return console;
    }
}
