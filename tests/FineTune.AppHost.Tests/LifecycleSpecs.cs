using System.Net.Sockets;
using System.Text.Json;
using FineTune.AppHost.Hosting;
using FineTune.LocalServers;
using FineTune.Testing;

namespace FineTune.AppHost.Tests;

public sealed class LifecycleSpecs
{
    [Fact]
    public async Task A_resource_starts_only_after_what_it_waits_for_is_running()
    {
        var builder = Builder();
        var early = builder.AddRedis("early"); // declared first, but waits
        var late = builder.AddRedis("late");
        early.WaitFor(late);
        var output = new StringWriter();
        var app = builder.Build(TextWriter.Synchronized(output));

        try { await app.StartAsync(CancellationToken.None); }
        finally { await app.StopAsync(); }

        var log = output.ToString();
        Assert.True(log.IndexOf("late      | ready", StringComparison.Ordinal) < log.IndexOf("early     | starting", StringComparison.Ordinal), log);
        Assert.Contains("early     | ready", log);
    }

    [Fact]
    public async Task A_resource_waiting_for_one_that_fails_to_start_is_never_started()
    {
        var builder = Builder();
        var broken = builder.AddServer("broken", new RedisServer(builder.DataRoot) { Executable = "/bin/false" });
        var dependent = builder.AddRedis("dependent").WaitFor(broken);
        var output = new StringWriter();
        var app = builder.Build(TextWriter.Synchronized(output));

        try
        {
            var error = await Assert.ThrowsAsync<LocalServerException>(() => app.StartAsync(CancellationToken.None));
            Assert.Contains("exited with code 1 before it was ready", error.Message);
        }
        finally
        {
            await app.StopAsync();
        }
        Assert.Equal(ResourceState.Failed, app.StatusOf(broken).State);
        Assert.Equal(ResourceState.NotStarted, app.StatusOf(dependent).State);
        Assert.DoesNotContain("dependent | starting", output.ToString());
    }

    [Fact]
    public async Task A_crashed_process_is_restarted_on_its_port_and_marked_failed_past_the_restart_limit()
    {
        var builder = Builder();
        builder.RestartPolicy = new RestartPolicy(TimeSpan.FromMilliseconds(50), MaxRestarts: 2, Window: TimeSpan.FromMinutes(1));
        var cache = builder.AddRedis("cache");
        var output = new StringWriter();
        var app = builder.Build(TextWriter.Synchronized(output));
        var status = app.StatusOf(cache);
        try
        {
            await app.StartAsync(CancellationToken.None);
            for (var restart = 1; restart <= 2; restart++)
            {
                var crashed = cache.Server.ProcessId!.Value;
                Processes.Signal(crashed, "KILL");
                await Processes.EventuallyAsync(() => status.Restarts == restart && status.State == ResourceState.Running && cache.Server.ProcessId is { } pid && pid != crashed,
                    $"restart {restart}");
                Assert.True(await FreePort.AcceptsAsync(cache.Server.Port, CancellationToken.None));
            }

            Processes.Signal(cache.Server.ProcessId!.Value, "KILL");
            await Processes.EventuallyAsync(() => status.State == ResourceState.Failed, "marked failed");

            Assert.Equal(2, status.Restarts);
            Assert.Null(cache.Server.ProcessId);
            Assert.Equal("unhealthy", app.Snapshot().Single().Health);
        }
        finally
        {
            await app.StopAsync();
        }
        Assert.Contains("cache     | exited unexpectedly; restart 2 of 2 in 0.1 s", output.ToString()); // 50 ms, then doubled
        Assert.Contains("marked failed", output.ToString());
    }

    [Fact]
    public async Task The_resources_page_shows_each_resource_as_html_and_json()
    {
        var builder = Builder();
        var cache = builder.AddRedis("cache");
        var app = builder.Build(TextWriter.Null);
        try
        {
            await app.StartAsync(CancellationToken.None);
            using var http = new HttpClient { BaseAddress = app.DashboardUrl };
            Assert.Equal("127.0.0.1", app.DashboardUrl!.Host);

            var json = JsonDocument.Parse(await http.GetStringAsync("/api/resources")).RootElement[0];
            Assert.Equal("cache", json.GetProperty("name").GetString());
            Assert.Equal("redis", json.GetProperty("kind").GetString());
            Assert.Equal("Running", json.GetProperty("state").GetString());
            Assert.Equal("healthy", json.GetProperty("health").GetString());
            Assert.Equal($"127.0.0.1:{cache.Server.Port}", json.GetProperty("endpoints")[0].GetString());
            var replica = json.GetProperty("replicas")[0];
            Assert.Equal("cache", replica.GetProperty("name").GetString());
            Assert.Equal(cache.Server.ProcessId, replica.GetProperty("pid").GetInt32());
            Assert.Contains(json.GetProperty("recentLines").EnumerateArray(), l => l.GetString()!.Contains("Ready to accept connections"));

            var html = await http.GetStringAsync("/");
            Assert.Contains("<td>cache</td><td>redis</td><td class=\"running\">running</td><td>healthy</td>", html);
            Assert.Contains("Ready to accept connections", html);
            Assert.Contains($"cache: PID {cache.Server.ProcessId}", html);
            Assert.DoesNotContain("http://cdn", html, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await app.StopAsync();
        }
        Assert.Equal(ResourceState.Stopped, app.StatusOf(cache).State);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => new HttpClient().GetAsync(app.DashboardUrl));
    }

    private static DistributedApplicationBuilder Builder() =>
        DistributedApplication.CreateBuilder(["--data", Path.Combine(TestServers.DataRoot, $"apphost-{Guid.NewGuid():N}")]);
}
