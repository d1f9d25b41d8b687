using FineTune.AppHost.Hosting;

namespace FineTune.AppHost.Tests;

public sealed class ServiceEnvironmentSpecs
{
    [Fact]
    public void The_apphosts_otlp_exporter_settings_are_given_to_every_service()
    {
        var builder = DistributedApplication.CreateBuilder([], new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
        });
        var registry = builder.AddProject("registry", "src/FineTune.Registry");
        var gateway = builder.AddProject("gateway", "src/FineTune.Gateway").WithReference(registry);

        Assert.All([registry, gateway], service =>
        {
            Assert.Equal("http://127.0.0.1:4317", service.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            Assert.Equal("grpc", service.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        });
        registry.Configure();
        Assert.Equal("http://127.0.0.1:4317", registry.Process.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
    }

    [Fact]
    public void Without_an_otlp_endpoint_on_the_apphost_services_get_no_exporter_setting()
    {
        var builder = DistributedApplication.CreateBuilder([], new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = " " });
        var registry = builder.AddProject("registry", "src/FineTune.Registry");

        Assert.DoesNotContain(registry.Environment.Keys, k => k.StartsWith("OTEL_EXPORTER_OTLP", StringComparison.Ordinal));
    }

    [Fact]
    public void The_gateway_gets_the_sha256_of_FINETUNE_API_KEY_every_scope_and_generous_limits()
    {
        var builder = DistributedApplication.CreateBuilder([], new Dictionary<string, string> { ["FINETUNE_API_KEY"] = "abc" });
        var gateway = builder.AddProject("gateway", "src/FineTune.Gateway").WithApiKey(builder.ApiKey);

        var environment = gateway.Environment;
        // SHA-256("abc"), FIPS 180-2's first test vector
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", environment["Gateway__Keys__local__Sha256"]);
        Assert.Equal(["inference", "fine-tune", "admin"], [.. Enumerable.Range(0, 3).Select(i => environment[$"Gateway__Keys__local__Scopes__{i}"])]);
        Assert.True(int.Parse(environment["Gateway__Keys__local__RequestsPerMinute"]) >= 10_000);
        Assert.DoesNotContain("abc", environment.Values); // the key itself is never handed out
        Assert.Null(builder.ApiKey.Value.FilePath);
        Assert.Equal("env:FINETUNE_API_KEY", builder.ApiKey.Value.Location);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Without_FINETUNE_API_KEY_a_random_key_is_written_to_the_data_folder_for_the_user_only()
    {
        using var data = new FineTune.Testing.TempDirectory("apphost-key");
        var first = DistributedApplication.CreateBuilder(["--data", data.Path], new Dictionary<string, string>());
        var gateway = first.AddProject("gateway", "src/FineTune.Gateway").WithApiKey(first.ApiKey);
        var hash = gateway.Environment["Gateway__Keys__local__Sha256"];

        var path = Path.Combine(data.Path, "api-key");
        var key = File.ReadAllText(path);
        Assert.Matches("^ft-[A-Za-z0-9_-]{32}$", key);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))), hash);
        Assert.Equal($"file:{path}", first.ApiKey.Value.Location);

        var second = DistributedApplication.CreateBuilder(["--data", data.Path], new Dictionary<string, string>());
        Assert.NotEqual(key, second.ApiKey.Value.Key);
    }

    [Fact]
    public void The_ready_line_names_the_gateway_the_dashboard_and_where_the_key_is_but_not_the_key()
    {
        var key = DistributedApplication.CreateBuilder([], new Dictionary<string, string> { ["FINETUNE_API_KEY"] = "ft-secret-value" }).ApiKey.Value;

        var line = ReadyAnnouncement.Format("http://127.0.0.1:41234", key, new Uri("http://127.0.0.1:40000/"));

        Assert.Equal("FineTune is ready: gateway=http://127.0.0.1:41234 dashboard=http://127.0.0.1:41234/dashboard api-key=env:FINETUNE_API_KEY resources=http://127.0.0.1:40000/", line);
        Assert.DoesNotContain("ft-secret-value", line);
    }
}
