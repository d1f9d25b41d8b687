using System.Text.Json;
using FineTune.Testing;

namespace FineTune.AppHost.Tests;

public sealed class InheritedEnvironmentSpecs
{
    [Fact]
    public async Task A_setting_in_the_apphosts_environment_reaches_the_processes_it_starts()
    {
        using var data = new TempDirectory("apphost");
        using var apphost = new AppHostProcess(["--data", data.Path, "--only", "artifacts"], new Dictionary<string, string> { ["Training__Lease"] = "00:00:05" });
        try
        {
            await apphost.WaitForLineAsync("apphost   | ready;", TimeSpan.FromSeconds(30));
            var page = (await apphost.WaitForLineAsync("apphost   | resources page: ", TimeSpan.Zero))["apphost   | resources page: ".Length..].Trim();
            using var http = new HttpClient();
            var artifacts = JsonDocument.Parse(await http.GetStringAsync(new Uri(new Uri(page), "api/resources"))).RootElement[0];
            var pid = artifacts.GetProperty("replicas")[0].GetProperty("pid").GetInt32();

            // every child inherits the AppHost's environment (ProcessStartInfo starts from it), services as much as servers;
            // Azurite (node) is the probe: redis-server rewrites its environ block for its process title
            Assert.Equal("00:00:05", Processes.EnvironmentOf(pid)["Training__Lease"]);
        }
        finally
        {
            await apphost.StopAsync();
        }
    }
}
