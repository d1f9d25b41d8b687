using FineTune.Models.Formats;
using FineTune.ServiceDefaults;
using FineTune.Storage.Artifacts;
using FineTune.Tokenizers;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary>Errors the user can act on end a command with one clear line and exit code 1, no stack trace.</summary>
internal static class CommandErrors
{
    public static async Task<int> Guard(Func<Task<int>> action, IAnsiConsole console)
    {
        try { return await action(); }
        catch (Exception e) when (e is ArtifactStoreException or InvalidSettingException or ArgumentException
                                      or ModelFormatException or TokenizerFormatException or InvalidDataException or FileNotFoundException)
        {
            return Fail(console, e.Message);
        }
    }

    public static int Fail(IAnsiConsole console, string message)
    {
        console.MarkupLineInterpolated($"[red]error:[/] {message}");
        return 1;
    }
}
