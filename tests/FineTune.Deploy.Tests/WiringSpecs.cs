using FineTune.Testing;
namespace FineTune.Deploy.Tests;

/// <summary>The Azure wiring equals the AppHost's: same connection strings, service URLs and names.</summary>
[Collection(DeploymentCollection.Name)]
public sealed class WiringSpecs(DeploymentFixture deployment)
{
    public static TheoryData<string> Services() =>
        [.. AzureYaml.Load(RepositoryFiles.PathOf("azure.yaml")).Services.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Services))]
    public void A_service_gets_a_secret_connection_string_for_each_resource_it_references_in_the_AppHost(string service)
    {
        var local = AppHostResourceOf(service);
        var infrastructure = deployment.AppHost.Where(r => r.ProjectPath is null).Select(r => r.Name).ToHashSet();
        var app = deployment.ServiceApps[service];

        var expected = local.References.Where(infrastructure.Contains).Select(name => $"ConnectionStrings__{name}").Order();
        var actual = app.Env.Select(e => (string)e["name"]!).Where(n => n.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).Order();
        Assert.Equal(expected, actual);
        foreach (var name in actual)
            Assert.True(app.EnvSecretRef(name) is not null, $"{service}: {name} is not read from a secret.");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void A_service_gets_the_address_of_each_service_it_references_in_the_AppHost(string service)
    {
        var local = AppHostResourceOf(service);
        var projects = deployment.AppHost.Where(r => r.ProjectPath is not null).Select(r => r.Name).ToHashSet();
        var app = deployment.ServiceApps[service];

        var referenced = local.References.Where(projects.Contains).ToList();
        var urls = app.Env.Select(e => (string)e["name"]!).Where(n => n.StartsWith("services__", StringComparison.Ordinal)).Order();
        Assert.Equal(referenced.Select(name => $"services__{name}__http__0").Order(), urls);
        foreach (var target in referenced)
        {
            Assert.Equal($"http://{target}", app.EnvValue($"services__{target}__http__0"));
            Assert.True(deployment.ContainerApps[target].Ingress is not null, $"{service} calls {target}, which has no ingress.");
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void A_service_names_itself_in_telemetry(string service) =>
        Assert.Equal(service, deployment.ServiceApps[service].EnvValue("OTEL_SERVICE_NAME"));

    [Fact]
    public void The_gateway_holds_the_admin_key_only_as_a_hash_with_all_scopes()
    {
        var gateway = deployment.ServiceApps["gateway"];
        Assert.NotNull(gateway.EnvSecretRef("Gateway__Keys__admin__Sha256"));
        var scopes = Enumerable.Range(0, 3).Select(i => gateway.EnvValue($"Gateway__Keys__admin__Scopes__{i}"));
        Assert.Equal(["inference", "fine-tune", "admin"], scopes);
    }

    // training-worker runs training's project, so it is wired as training is.
    private AppHostResource AppHostResourceOf(string service)
    {
        var project = deployment.AzureYaml.Services.Single(s => s.Name == service).Project!;
        var full = Path.GetFullPath(RepositoryFiles.PathOf(project));
        return deployment.AppHost.Single(r => r.ProjectPath is not null && Path.GetFullPath(RepositoryFiles.PathOf(r.ProjectPath)) == full);
    }
}
