using System.Text.Json;
using FineTune.AppHost.Hosting;

namespace FineTune.AppHost.Tests;

public sealed class HostingModelSpecs
{
    [Fact]
    public void A_reference_also_means_waiting_for_the_referenced_resource()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var cache = builder.AddRedis("cache");
        var messaging = builder.AddRabbitMQ("messaging");
        var gateway = builder.AddProject("gateway", "src/FineTune.Gateway").WithReference(cache).WaitFor(messaging);

        Assert.Equal(["cache", "messaging"], gateway.WaitsFor.Select(r => r.Name));
        Assert.Equal(cache.ConnectionString, gateway.Environment["ConnectionStrings__cache"]);
        Assert.False(gateway.Environment.ContainsKey("ConnectionStrings__messaging")); // waiting is not wiring
    }

    [Fact]
    public void Every_replica_of_a_referenced_service_is_wired_with_its_own_port()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var inference = builder.AddProject("inference", "src/FineTune.Inference");
        var gateway = builder.AddProject("gateway", "src/FineTune.Gateway").WithReference(inference);
        inference.WithReplicas(2); // after the reference: the gateway still sees both

        Assert.Equal(["inference-0", "inference-1"], inference.Replicas.Select(r => r.Name));
        Assert.NotEqual(inference.Replicas[0].Port, inference.Replicas[1].Port);
        Assert.Equal(inference.Replicas[0].ConnectionString, gateway.Environment["services__inference__http__0"]);
        Assert.Equal(inference.Replicas[1].ConnectionString, gateway.Environment["services__inference__http__1"]);
        inference.Configure();
        Assert.All(inference.Replicas, r => Assert.Equal("inference", r.Environment["OTEL_SERVICE_NAME"]));
    }

    [Fact]
    public void A_service_needs_at_least_one_replica()
    {
        var inference = DistributedApplication.CreateBuilder([]).AddProject("inference", "src/FineTune.Inference");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => inference.WithReplicas(0));
        Assert.Contains("inference", error.Message);
    }

    [Fact]
    public void A_wait_cycle_is_refused_when_the_application_is_built()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var first = builder.AddRedis("first");
        var second = builder.AddRedis("second").WaitFor(first);
        first.WaitFor(second);

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build(TextWriter.Null));
        Assert.Contains("first -> second -> first", error.Message);
    }

    [Fact]
    public void Only_keeps_the_named_resources_and_what_they_wait_for()
    {
        var builder = DistributedApplication.CreateBuilder(["--only", "registry"]);
        var messaging = builder.AddRabbitMQ("messaging");
        builder.AddRedis("cache");
        builder.AddProject("registry", "src/FineTune.Registry").WithReference(messaging);

        Assert.Equal(["messaging", "registry"], builder.Build(TextWriter.Null).Resources.Select(r => r.Name));
    }

    [Fact]
    public void Only_with_an_unknown_name_lists_the_declared_ones()
    {
        var builder = DistributedApplication.CreateBuilder(["--only", "cahce"]);
        builder.AddRedis("cache");

        var error = Assert.Throws<ArgumentException>(() => builder.Build(TextWriter.Null));
        Assert.Contains("'cahce'", error.Message);
        Assert.Contains("declared are cache", error.Message);
    }

    [Fact]
    public void Restart_delays_double_from_the_first()
    {
        var policy = RestartPolicy.Default;

        Assert.Equal([1, 2, 4, 8], Enumerable.Range(0, 4).Select(i => policy.DelayBefore(i).TotalSeconds));
    }

    [Fact]
    public async Task The_manifest_publisher_writes_resources_references_and_environment_expressions_without_starting_anything()
    {
        using var folder = new FineTune.Testing.TempDirectory();
        var path = Path.Combine(folder.Path, "manifest.json");
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", path]);
        var cache = builder.AddRedis("cache");
        var inference = builder.AddProject("inference", "src/FineTune.Inference").WithReference(cache).WithReplicas(2);
        builder.AddProject("gateway", "src/FineTune.Gateway").WithReference(inference);

        Assert.Equal(0, await builder.Build(TextWriter.Null).RunAsync());

        Assert.Null(cache.Server.ProcessId);
        var resources = JsonDocument.Parse(await File.ReadAllTextAsync(path)).RootElement.GetProperty("resources");
        Assert.Equal("redis", resources.GetProperty("cache").GetProperty("kind").GetString());
        var inferenceJson = resources.GetProperty("inference");
        Assert.Equal("project.v0", inferenceJson.GetProperty("type").GetString());
        Assert.Equal(2, inferenceJson.GetProperty("replicas").GetInt32());
        Assert.Equal("{cache.connectionString}", inferenceJson.GetProperty("env").GetProperty("ConnectionStrings__cache").GetString());
        var gatewayEnv = resources.GetProperty("gateway").GetProperty("env");
        Assert.Equal("{inference.bindings.http.url}", gatewayEnv.GetProperty("services__inference__http__1").GetString());
        Assert.Equal("inference", resources.GetProperty("gateway").GetProperty("waitFor")[0].GetString());
    }
}
