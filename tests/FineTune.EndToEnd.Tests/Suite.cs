using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using FineTune.Testing;
using OpenAI;

namespace FineTune.EndToEnd.Tests;

/// <summary>
/// The whole FineTune suite started once by the real AppHost on free ports — RabbitMQ, Redis, Azurite,
/// every service (inference twice) and the gateway — with a known API key and settings that make a
/// run fast on two cores. Clients talk to it only through the gateway; the AppHost's resources page
/// gives the PIDs the fault specs kill. Stopped with SIGTERM, so it stops everything it started.
/// </summary>
public sealed partial class Suite : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string _data = Path.Combine(TestServers.DataRoot, $"e2e-{Guid.NewGuid():N}");
    private AppHostProcess? _apphost;
    private Lazy<Task<TrainedModel>>? _trained;

    public string ApiKey { get; } = $"ft-e2e-{Guid.NewGuid():N}";

    public Uri Gateway { get; private set; } = null!;

    public Uri ResourcesPage { get; private set; } = null!;

    /// <summary>Talks to the gateway with the suite's key.</summary>
    public HttpClient Http { get; private set; } = null!;

    public AppHostProcess AppHost => _apphost ?? throw new InvalidOperationException("The suite has not started.");

    /// <summary>The demo flow's model, trained once by the first spec that needs it (see <see cref="DemoFlow"/>).</summary>
    public Task<TrainedModel> TrainedModel => _trained!.Value;

    public async Task InitializeAsync()
    {
        _apphost = new AppHostProcess(["--data", _data], new Dictionary<string, string>
        {
            ["FINETUNE_API_KEY"] = ApiKey,
            // a killed worker's job is picked up after 5 s rather than a minute
            ["Training__Lease"] = "00:00:05",
            ["Training__ProgressEvery"] = "2",
            // evaluation scores a handful of examples: the gate's arithmetic is what matters here, not its statistics
            ["Evaluation__TestLimit"] = "4",
            ["Evaluation__FewShot"] = "1",
            ["Evaluation__MaxNewTokens"] = "8",
            ["Evaluation__ForgettingWindows"] = "4",
            // every health probe logged as JSON is most of the output and a share of two cores
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        });
        var ready = await _apphost.WaitForLineAsync("FineTune is ready:", StartTimeout);
        Gateway = new Uri(Field(ready, "gateway"));
        ResourcesPage = new Uri(Field(ready, "resources"));
        Assert.Equal("env:FINETUNE_API_KEY", Field(ready, "api-key"));
        Http = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        _trained = new Lazy<Task<TrainedModel>>(() => new DemoFlow(this).RunAsync());
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_apphost is null) return;
        await _apphost.StopAsync();
        _apphost.Dispose();
        try { Directory.Delete(_data, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    /// <summary>An OpenAI client on the gateway; <paramref name="retries"/> 0 so a failed request shows as one.</summary>
    public OpenAIClient OpenAi(int? retries = null)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(Gateway, "/v1"), NetworkTimeout = TimeSpan.FromSeconds(60) };
        if (retries is { } count) options.RetryPolicy = new ClientRetryPolicy(count);
        return new OpenAIClient(new ApiKeyCredential(ApiKey), options);
    }

    /// <summary>The PID of one process of a resource (<c>training</c>, <c>inference-1</c>, <c>messaging</c>), from the AppHost's resources page.</summary>
    public async Task<int?> PidOfAsync(string resource, string replica)
    {
        using var http = new HttpClient();
        var resources = JsonDocument.Parse(await http.GetStringAsync(new Uri(ResourcesPage, "api/resources"))).RootElement;
        var match = resources.EnumerateArray().Single(r => r.GetProperty("name").GetString() == resource)
            .GetProperty("replicas").EnumerateArray().Single(r => r.GetProperty("name").GetString() == replica);
        return match.GetProperty("pid").ValueKind == JsonValueKind.Number ? match.GetProperty("pid").GetInt32() : null;
    }

    /// <summary>Waits until the AppHost has the resource's process running again under a new PID.</summary>
    public Task<int> RestartedAsync(string resource, string replica, int killed, TimeSpan timeout) =>
        Eventually.ValueAsync(async () => await PidOfAsync(resource, replica) is { } pid && pid != killed && Processes.IsAlive(pid) ? pid : (int?)null,
            $"the AppHost to restart {replica} (killed PID {killed})", timeout, this, resource);

    /// <summary>The AppHost's last lines, of the named resources only when given, for a failure message.</summary>
    public string Tail(params string[] resources) =>
        _apphost is null ? "(the AppHost has not started)" : _apphost.Tail(80, [.. resources.Select(r => $"{r,-10}|")]);

    private static string Field(string line, string name) =>
        FieldPattern().Matches(line).FirstOrDefault(m => m.Groups[1].Value == name)?.Groups[2].Value
        ?? throw new Xunit.Sdk.XunitException($"The ready line has no '{name}=': {line}");

    [GeneratedRegex(@"(?:^|\s)([a-z-]+)=(\S+)")]
    private static partial Regex FieldPattern();
}
