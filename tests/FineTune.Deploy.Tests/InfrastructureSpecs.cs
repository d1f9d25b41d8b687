using FineTune.Testing;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FineTune.Deploy.Tests;

[Collection(DeploymentCollection.Name)]
public sealed partial class InfrastructureSpecs(DeploymentFixture deployment)
{
    [Fact]
    public void The_templates_compile_without_errors_or_linter_warnings() =>
        Assert.True(deployment.BuildDiagnostics.Length == 0, $"bicep build infra/main.bicep reported:\n{deployment.BuildDiagnostics}");

    [Fact]
    public void The_template_creates_its_resource_group_at_subscription_scope()
    {
        Assert.Contains("subscriptionDeploymentTemplate", (string)deployment.Template["$schema"]!);
        Assert.Contains(deployment.PredictedResources, r => (string?)r["type"] == "Microsoft.Resources/resourceGroups");
    }

    [Theory]
    [InlineData("Microsoft.OperationalInsights/workspaces")]
    [InlineData("Microsoft.App/managedEnvironments")]
    [InlineData("Microsoft.App/managedEnvironments/storages")]
    [InlineData("Microsoft.ContainerRegistry/registries")]
    [InlineData("Microsoft.ManagedIdentity/userAssignedIdentities")]
    [InlineData("Microsoft.Authorization/roleAssignments")]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices/containers")]
    [InlineData("Microsoft.Storage/storageAccounts/fileServices/shares")]
    [InlineData("Microsoft.Cache/redis")]
    public void The_deployment_creates_the_infrastructure_the_services_need(string type) =>
        Assert.Contains(deployment.PredictedResources, r => (string?)r["type"] == type);

    [Fact]
    public void Artifacts_live_in_a_blob_container_named_as_the_services_expect()
    {
        var container = Assert.Single(deployment.PredictedResources, r => (string?)r["type"] == "Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.EndsWith("/artifacts", (string)container["name"]!);
    }

    [Fact]
    public void Apps_pull_images_as_the_identity_the_registry_grants_AcrPull()
    {
        var assignment = Assert.Single(deployment.PredictedResources, r => (string?)r["type"] == "Microsoft.Authorization/roleAssignments");
        Assert.EndsWith("7f951dda-4ed3-4680-a7ca-43fe172d538d", (string)assignment["properties"]!["roleDefinitionId"]!); // AcrPull
        foreach (var app in deployment.ServiceApps.Values)
        {
            var registry = Assert.Single(app.Resource["properties"]!["configuration"]!["registries"]!.AsArray());
            var identity = (string)registry!["identity"]!;
            Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities", identity);
            Assert.NotNull(app.Resource["identity"]!["userAssignedIdentities"]![identity]);
        }
    }

    [Fact]
    public void Every_azd_service_has_one_container_app_and_every_tagged_app_a_service()
    {
        var tagged = deployment.ContainerApps.Values.Select(a => a.AzdServiceName).OfType<string>().ToList();
        Assert.Equal(tagged.Distinct().Count(), tagged.Count);
        Assert.Equal(deployment.AzureYaml.Services.Select(s => s.Name).Order(), tagged.Order());
    }

    [Fact]
    public void RabbitMQ_runs_the_management_image_on_a_persistent_Azure_Files_volume_inside_the_environment()
    {
        var broker = deployment.ContainerApps["rabbitmq"];
        var container = broker.Resource["properties"]!["template"]!["containers"]![0]!;
        Assert.Matches("^rabbitmq:.*management", (string)container["image"]!);
        var volume = Assert.Single(broker.Resource["properties"]!["template"]!["volumes"]!.AsArray());
        Assert.Equal("AzureFile", (string)volume!["storageType"]!);
        Assert.Contains(container["volumeMounts"]!.AsArray(), m => (string?)m!["volumeName"] == (string?)volume["name"]);
        Assert.False(broker.IsExternal);
        Assert.Equal("tcp", (string)broker.Ingress!["transport"]!);
        Assert.Equal(5672, broker.Ingress["exposedPort"]!.GetValue<int>());
        Assert.Equal(1, broker.MaxReplicas);
    }

    [Fact]
    public void Every_container_app_has_liveness_and_readiness_probes()
    {
        foreach (var app in deployment.ContainerApps.Values)
        {
            Assert.True(app.Probe("Liveness") is not null, $"{app} has no liveness probe.");
            Assert.True(app.Probe("Readiness") is not null, $"{app} has no readiness probe.");
        }
    }

    [Fact]
    public void Every_service_is_probed_on_the_ServiceDefaults_endpoints_it_serves()
    {
        foreach (var app in deployment.ServiceApps.Values)
        {
            Assert.Equal("/alive", (string?)app.Probe("Startup")?["httpGet"]?["path"]);
            Assert.Equal("/alive", (string?)app.Probe("Liveness")?["httpGet"]?["path"]);
            Assert.Equal("/health", (string?)app.Probe("Readiness")?["httpGet"]?["path"]);
            Assert.All(app.Probes, probe => Assert.Equal(8080, probe["httpGet"]!["port"]!.GetValue<int>()));
            if (app.Ingress is { } ingress) Assert.Equal(8080, ingress["targetPort"]!.GetValue<int>());
        }
    }

    [Fact]
    public void Every_secretRef_names_a_secret_its_app_declares()
    {
        foreach (var app in deployment.ContainerApps.Values)
        {
            var declared = app.Secrets.Select(s => (string)s["name"]!).ToHashSet();
            foreach (var reference in app.SecretRefs)
                Assert.True(declared.Contains(reference), $"{app} refers to secret '{reference}' but declares only [{string.Join(", ", declared)}].");
        }
    }

    [Fact]
    public void Secret_values_reach_Azure_only_as_Container_Apps_secrets()
    {
        var copy = JsonNode.Parse(deployment.Snapshot.ToJsonString())!.AsObject();
        foreach (var resource in copy["predictedResources"]!.AsArray())
            if (resource!["properties"]?["configuration"]?["secrets"] is JsonArray secrets)
                foreach (var secret in secrets) secret!.AsObject().Remove("value");

        var everythingElse = copy.ToJsonString();
        Assert.DoesNotContain(DeploymentFixture.RabbitMqPasswordSentinel, everythingElse);
        Assert.DoesNotContain(DeploymentFixture.GatewayKeyHashSentinel, everythingElse);
    }

    [Fact]
    public void No_environment_variable_holds_a_credential_in_plain_text()
    {
        foreach (var app in deployment.ContainerApps.Values)
            foreach (var variable in app.Env.Where(e => e["value"] is not null))
            {
                var value = (string)variable["value"]!;
                Assert.False(CredentialLike().IsMatch(value), $"{app}: {variable["name"]} holds what looks like a credential in plain text; use a secretRef.");
                Assert.DoesNotMatch("(?i)(password|secret|sha256|key)$|^ConnectionStrings__", (string)variable["name"]!);
            }
    }

    [Fact]
    public void Parameters_that_carry_credentials_are_secure_in_every_template()
    {
        var checkedParameters = 0;
        foreach (var template in Templates(deployment.Template))
            foreach (var (name, definition) in template["parameters"]?.AsObject() ?? [])
            {
                if (!CredentialName().IsMatch(name)) continue;
                checkedParameters++;
                var type = ((string)definition!["type"]!).ToLowerInvariant();
                Assert.True(type is "securestring" or "secureobject", $"Template parameter '{name}' carries a credential but is {type}, not @secure().");
            }
        Assert.True(checkedParameters >= 3, "Expected the password, key-hash and secrets parameters to be checked.");
    }

    [Fact]
    public void Only_the_gateway_is_reachable_from_outside()
    {
        Assert.Equal(["gateway"], deployment.ContainerApps.Values.Where(a => a.IsExternal).Select(a => a.Name));
        Assert.False(deployment.ContainerApps["gateway"].Ingress!["allowInsecure"]!.GetValue<bool>());
    }

    [Fact]
    public void The_outputs_give_the_gateway_and_dashboard_urls()
    {
        var gateway = (string)deployment.Outputs["GATEWAY_URL"]!;
        Assert.Contains("containerApps/gateway", gateway);
        Assert.Contains("https://", gateway);
        var dashboard = (string)deployment.Outputs["DASHBOARD_URL"]!;
        Assert.Contains("/dashboard", dashboard);
        Assert.Contains("containerApps/gateway", dashboard);
    }

    [Fact]
    public void The_outputs_give_azd_the_registry_and_every_service_image()
    {
        Assert.Contains("Microsoft.ContainerRegistry/registries", (string)deployment.Outputs["AZURE_CONTAINER_REGISTRY_ENDPOINT"]!);
        foreach (var service in deployment.AzureYaml.Services)
        {
            var output = $"SERVICE_{service.Name.ToUpperInvariant().Replace('-', '_')}_IMAGE_NAME";
            Assert.True(deployment.Outputs[output] is not null, $"main.bicep has no output {output} for azd service '{service.Name}'.");
            Assert.Equal((string)deployment.Outputs[output]!, (string)deployment.ServiceApps[service.Name].Resource["properties"]!["template"]!["containers"]![0]!["image"]!);
        }
    }

    [Fact]
    public void The_parameters_file_feeds_azd_values_to_parameters_the_template_declares()
    {
        var file = JsonNode.Parse(File.ReadAllText(RepositoryFiles.PathOf("infra", "main.parameters.json")))!["parameters"]!.AsObject();
        var declared = deployment.Template["parameters"]!.AsObject();
        Assert.Equal("${AZURE_ENV_NAME}", (string)file["environmentName"]!["value"]!);
        Assert.Equal("${AZURE_LOCATION}", (string)file["location"]!["value"]!);
        foreach (var (name, _) in file)
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare.");
        foreach (var (name, definition) in declared)
        {
            var suppliedByAzd = file.ContainsKey(name) || definition!["defaultValue"] is not null
                || (string?)definition!["metadata"]?["azd"]?["type"] == "generate";
            Assert.True(suppliedByAzd, $"main.bicep parameter '{name}' has no value in main.parameters.json, no default and no azd generate metadata; azd would prompt for it.");
        }
    }

    // The template, then every nested module template inside it.
    private static IEnumerable<JsonObject> Templates(JsonObject template)
    {
        yield return template;
        foreach (var resource in Resources(template))
            if (resource["properties"]?["template"] is JsonObject nested)
                foreach (var inner in Templates(nested)) yield return inner;
    }

    // Bicep writes resources as an array, or as an object keyed by symbolic name.
    private static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject byName => byName.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    [GeneratedRegex(@"(?i)AccountKey=|password=|://[^/\s:@]+:[^/\s@]+@|\b[0-9a-f]{64}\b")]
    private static partial Regex CredentialLike();

    [GeneratedRegex("(?i)password|secret|key")]
    private static partial Regex CredentialName();
}
