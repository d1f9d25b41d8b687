using System.Net;
using FineTune.LocalServers;

namespace FineTune.Gateway.Tests;

public sealed class BalancingSpecs : IAsyncLifetime
{
    private const string Key = "sk-balancing-test";
    private readonly int _downPort = FreePort.Next();
    private Upstream _up = null!;
    private GatewayApp _gateway = null!;

    private Uri Down => new($"http://127.0.0.1:{_downPort}");

    public async Task InitializeAsync()
    {
        _up = await Upstream.StartAsync();
        _gateway = new GatewayApp(new Dictionary<string, string?>(
            GatewayApp.Key("app", Key, "inference")
                .Concat(GatewayApp.Route("pair", "/pair", "pair", "inference", Down, _up.Address))
                .Concat(GatewayApp.Route("dead", "/dead", "dead", "inference", Down))
                .Concat(GatewayApp.Route("empty", "/empty", "nobody", "inference"))
                .Append(new("Gateway:Health:EjectAfterFailures", "2"))));
    }

    [Fact]
    public async Task A_replica_that_refuses_connections_is_ejected_after_consecutive_failures_and_readmitted_after_a_healthy_probe()
    {
        using var client = _gateway.Client(Key);
        var down = _gateway.Cluster("pair").Replicas.Single(r => r.Address.Port == _downPort);
        var failures = 0;
        for (var i = 0; i < 200 && !down.IsEjected; i++)
        {
            using var response = await client.PostAsync("/pair/work", null);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable) failures++;
        }
        Assert.True(down.IsEjected);
        Assert.Equal(2, failures); // POST is not retried: each failure reached the client, and no more than the threshold

        for (var i = 0; i < 20; i++)
        {
            using var response = await client.PostAsync("/pair/work", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var revived = await Upstream.StartAsync(port: _downPort);
        await _gateway.ProbeAsync();
        Assert.False(down.IsEjected);
        for (var i = 0; i < 100 && revived.Received.IsEmpty; i++)
            using (await client.PostAsync("/pair/work", null)) { }
        Assert.NotEmpty(revived.Received);
    }

    [Fact]
    public async Task An_idempotent_request_whose_connect_failed_is_retried_on_another_replica()
    {
        using var client = _gateway.Client(Key);
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("/pair/read");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(20, _up.Received.Count);
    }

    [Fact]
    public async Task A_failed_probe_ejects_a_replica_before_any_request_and_then_the_answer_is_a_fast_503_with_the_reason()
    {
        await _gateway.ProbeAsync();
        using var response = await _gateway.Client(Key).PostAsync("/dead/work", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = await OpenAiErrorBody.ReadAsync(response);
        Assert.Equal("server_error", error.Type);
        Assert.Contains("No healthy replica of the 'dead' service", error.Message);
        Assert.Contains("health probe failed", error.Message);
    }

    [Fact]
    public async Task A_request_to_a_replica_that_is_down_is_503_saying_it_could_not_be_reached()
    {
        using var response = await _gateway.Client(Key).PostAsync("/dead/work", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = await OpenAiErrorBody.ReadAsync(response);
        Assert.Contains($"{Down} could not be reached", error.Message);
        Assert.Contains("not idempotent", error.Message);
    }

    [Fact]
    public async Task A_route_to_a_service_with_no_replicas_is_503_naming_the_setting_to_fill_in()
    {
        using var response = await _gateway.Client(Key).GetAsync("/empty");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("services__nobody__http__0", (await OpenAiErrorBody.ReadAsync(response)).Message);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _up.DisposeAsync();
    }
}
