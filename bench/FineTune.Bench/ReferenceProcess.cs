using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace FineTune.Bench;

/// <summary>
/// Runs a reference implementation in another runtime (PyTorch under python, tiktoken under node)
/// and reads the one JSON line it prints last. Null, with the reason on stderr, when it cannot run:
/// the C# side still prints its own numbers.
/// </summary>
internal static class ReferenceProcess
{
    public static JsonDocument? RunJson(string what, string executable, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode == 0) return JsonDocument.Parse(stdout.Result.Trim().Split('\n')[^1]);
            Console.Error.WriteLine($"{what} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
            return null;
        }
        catch (Win32Exception e)
        {
            Console.Error.WriteLine($"{what}: {executable} not found ({e.Message}); only FineTune's numbers are printed");
            return null;
        }
    }
}
