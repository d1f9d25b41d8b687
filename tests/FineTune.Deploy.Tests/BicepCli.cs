using System.Diagnostics;
using System.Text.Json.Nodes;

namespace FineTune.Deploy.Tests;

/// <summary>
/// Runs the Bicep CLI from its NuGet package: <c>build</c> (infra/ to ARM JSON, with the linter's
/// diagnostics) and <c>snapshot</c>, which evaluates the template locally for given parameters and
/// predicts every resource with its final property values — so each container app can be checked as
/// Azure would receive it. A CLI that cannot run fails the specs with the reason, never skips them.
/// </summary>
public static class BicepCli
{
    public sealed record Result(string StandardOutput, string Diagnostics);

    public static Task<Result> BuildAsync(string bicepFile) => RunAsync(["build", bicepFile, "--stdout"]);

    /// <summary>The predicted deployment for a .bicepparam file; scope values are fixed stand-ins.</summary>
    public static async Task<JsonObject> SnapshotAsync(string bicepParamFile)
    {
        await RunAsync(["snapshot", bicepParamFile, "--mode", "overwrite",
            "--tenant-id", "11111111-1111-1111-1111-111111111111",
            "--subscription-id", "22222222-2222-2222-2222-222222222222",
            "--location", "westeurope"]);
        var snapshotFile = Path.ChangeExtension(bicepParamFile, ".snapshot.json");
        return JsonNode.Parse(await File.ReadAllTextAsync(snapshotFile))?.AsObject()
            ?? throw new InvalidOperationException($"bicep snapshot wrote an empty {snapshotFile}.");
    }

    private static async Task<Result> RunAsync(string[] arguments)
    {
        var executable = BicepPackage.Executable;
        if (!File.Exists(executable))
            throw new InvalidOperationException(
                $"The Bicep CLI is not at {executable}; restore tests/FineTune.Deploy.Tests (package Azure.Bicep.CommandLine.linux-x64).");
        EnsureExecutable(executable);

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // Offline and quiet: no telemetry, no registry or type downloads.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {executable}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"bicep {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await errors}{await output}");
        return new Result(await output, await errors);
    }

    // NuGet extracts files without their Unix mode on some machines.
    private static void EnsureExecutable(string path)
    {
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0) File.SetUnixFileMode(path, mode | execute);
    }
}
