using System.Text.Json;
using FineTune.Testing;

namespace FineTune.AppHost.Tests;

public sealed class ShutdownSpecs
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")] // what Ctrl+C sends
    public async Task A_signal_stops_the_apphost_and_every_process_it_started(string signal)
    {
        using var data = new TempDirectory("apphost");
        using var apphost = new AppHostProcess(["--data", data.Path, "--only", "cache,artifacts"]);
        await Processes.EventuallyAsync(() => apphost.Output.Contains("apphost   | ready;"), "the apphost to be ready:\n" + apphost.Output, seconds: 30);

        var page = apphost.Output.Split('\n').Single(l => l.StartsWith("apphost   | resources page: ", StringComparison.Ordinal))["apphost   | resources page: ".Length..].Trim();
        using var http = new HttpClient();
        var resources = JsonDocument.Parse(await http.GetStringAsync(new Uri(new Uri(page), "api/resources"))).RootElement;
        Assert.Equal(["cache", "artifacts"], resources.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        int[] pids = [.. resources.EnumerateArray().SelectMany(r => r.GetProperty("replicas").EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()))];
        Assert.Equal(2, pids.Length);
        Assert.All(pids, pid => Assert.True(Processes.IsAlive(pid)));

        Processes.Signal(apphost.Id, signal);

        Assert.Equal(0, await apphost.WaitForExitAsync());
        Assert.All(pids, pid => Assert.False(Processes.IsAlive(pid), $"PID {pid} is still running"));
        Assert.Contains("apphost   | stopped.", apphost.Output);
    }
}
