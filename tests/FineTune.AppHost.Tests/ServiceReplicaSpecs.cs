using System.Net;
using FineTune.AppHost.Hosting;
using FineTune.Testing;

namespace FineTune.AppHost.Tests;

public sealed class ServiceReplicaSpecs
{
    [Fact]
    public async Task Each_replica_answers_on_its_own_port_a_killed_one_is_restarted_and_services_stop_before_infrastructure()
    {
        var data = Path.Combine(TestServers.DataRoot, $"apphost-{Guid.NewGuid():N}");
        var builder = DistributedApplication.CreateBuilder(["--data", data]);
        builder.RestartPolicy = new RestartPolicy(TimeSpan.FromMilliseconds(100), MaxRestarts: 3, Window: TimeSpan.FromMinutes(1));
        var messaging = builder.AddRabbitMQ("messaging");
        var artifacts = builder.AddAzurite("artifacts");
        var curation = builder.AddProject("curation", "src/FineTune.Curation").WithReference(messaging).WithReference(artifacts).WithReplicas(2);
        var output = new StringWriter();
        var app = builder.Build(TextWriter.Synchronized(output));

        int[] pids;
        try
        {
            await app.StartAsync(CancellationToken.None);
            using var http = new HttpClient();
            foreach (var replica in curation.Replicas)
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{replica.ConnectionString}/health")).StatusCode);

            var killed = curation.Replicas[1].ProcessId!.Value;
            Processes.Signal(killed, "KILL");
            await Processes.EventuallyAsync(() => app.StatusOf(curation).Restarts == 1 && app.StatusOf(curation).State == ResourceState.Running, "the replica to restart", seconds: 25);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{curation.Replicas[1].ConnectionString}/health")).StatusCode);
            Assert.NotEqual(killed, curation.Replicas[1].ProcessId);
            pids = [.. app.Resources.SelectMany(r => r.Processes).Select(p => p.ProcessId!.Value)];
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(data, recursive: true);
        }

        Assert.All(pids, pid => Assert.False(Processes.IsAlive(pid), $"PID {pid} is still running"));
        var log = output.ToString();
        Assert.Contains("ready: services__curation__http__0=http://127.0.0.1:", log);
        Assert.Contains(", services__curation__http__1=http://127.0.0.1:", log);
        Assert.Contains(log.Split('\n'), line => line.StartsWith("curation-1| ", StringComparison.Ordinal) && line.Contains("Now listening on"));
        Assert.True(log.IndexOf("curation  | stopping", StringComparison.Ordinal) < log.IndexOf("artifacts | stopping", StringComparison.Ordinal), log);
        Assert.True(log.IndexOf("curation  | stopping", StringComparison.Ordinal) < log.IndexOf("messaging | stopping", StringComparison.Ordinal), log);
    }
}
