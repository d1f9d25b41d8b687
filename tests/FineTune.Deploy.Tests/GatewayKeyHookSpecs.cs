using FineTune.Testing;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace FineTune.Deploy.Tests;

/// <summary>
/// infra/hooks/gateway-key.sh, run as azd runs it (values of the azd environment in the process
/// environment) against a stand-in <c>azd</c> that records what is set.
/// </summary>
public sealed class GatewayKeyHookSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("finetune-hook-specs-").FullName;
    private string Recorded => Path.Combine(_folder, "azd-env");

    public GatewayKeyHookSpecs()
    {
        var azd = Path.Combine(_folder, "azd");
        File.WriteAllText(azd, $"#!/bin/sh\n[ \"$1 $2\" = \"env set\" ] && printf '%s=%s\\n' \"$3\" \"$4\" >> '{Recorded}'\n");
        File.SetUnixFileMode(azd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void A_new_environment_gets_a_key_and_the_SHA_256_the_gateway_checks_it_against()
    {
        RunHook(existingHash: null);

        var values = File.ReadAllLines(Recorded).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var key = values["GATEWAY_ADMIN_KEY"];
        Assert.True(key.Length >= 32, $"The generated key '{key.Length}' characters long is too short.");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), values["GATEWAY_ADMIN_KEY_SHA256"]);
    }

    [Fact]
    public void A_hash_already_in_the_environment_is_kept()
    {
        RunHook(existingHash: new string('a', 64));
        Assert.False(File.Exists(Recorded), "The hook replaced a key hash that was already set.");
    }

    private void RunHook(string? existingHash)
    {
        var start = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepositoryFiles.PathOf("infra", "hooks", "gateway-key.sh"));
        start.Environment["PATH"] = $"{_folder}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment.Remove("GATEWAY_ADMIN_KEY_SHA256");
        if (existingHash is not null) start.Environment["GATEWAY_ADMIN_KEY_SHA256"] = existingHash;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"gateway-key.sh failed ({process.ExitCode}): {errors}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
