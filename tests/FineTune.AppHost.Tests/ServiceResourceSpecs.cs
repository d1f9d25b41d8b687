using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FineTune.AppHost.Hosting;
using FineTune.Testing;

namespace FineTune.AppHost.Tests;

public sealed class ServiceResourceSpecs
{
    [Fact]
    public async Task The_apphost_runs_curation_wired_to_rabbitmq_and_azurite_and_stops_it_with_them()
    {
        var data = Path.Combine(TestServers.DataRoot, $"apphost-{Guid.NewGuid():N}");
        var builder = DistributedApplication.CreateBuilder(["--data", data]);
        var messaging = builder.AddRabbitMQ("messaging");
        var artifacts = builder.AddAzurite("artifacts");
        var curation = builder.AddProject("curation", "src/FineTune.Curation").WithReference(messaging).WithReference(artifacts);
        var output = new StringWriter();
        var app = builder.Build(TextWriter.Synchronized(output));

        int pid;
        try
        {
            await app.StartAsync(CancellationToken.None);
            pid = curation.Process.ProcessId!.Value;
            using var http = new HttpClient { BaseAddress = new Uri(curation.ConnectionString) };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

            // an upload goes through the service into Azurite and is listed back
            var form = new MultipartFormDataContent { { new StringContent("fine-tune"), "purpose" } };
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("""{"text": "hello from the apphost"}""")) { Headers = { ContentType = new MediaTypeHeaderValue("application/jsonl") } }, "file", "hello.jsonl");
            var uploaded = await http.PostAsync("/v1/files", form);
            Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
            var id = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
            Assert.Contains(id!, await http.GetStringAsync("/v1/files"));
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(data, recursive: true);
        }

        Assert.False(Directory.Exists($"/proc/{pid}"), $"curation (PID {pid}) is still running");
        var log = output.ToString();
        Assert.Contains("curation  | ready: services__curation__http__0=http://127.0.0.1:", log);
        // the service's own log lines are streamed under its prefix
        Assert.Contains(log.Split('\n'), line => line.StartsWith("curation  | ", StringComparison.Ordinal) && line.Contains("Now listening on"));
    }
}
