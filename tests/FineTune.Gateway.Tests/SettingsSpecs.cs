using FineTune.Gateway.Auth;
using FineTune.Gateway.Balancing;
using FineTune.Gateway.Routing;
using FineTune.ServiceDefaults;
using FineTune.Testing;
using Microsoft.Extensions.Configuration;

namespace FineTune.Gateway.Tests;

public sealed class SettingsSpecs
{
    private static GatewaySettings Settings(params (string Key, string Value)[] values) =>
        Configuration(values).ReadSettings<GatewaySettings>(GatewaySettings.Section);

    private static IConfiguration Configuration((string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void The_longest_matching_prefix_wins_segment_by_segment_and_wildcards_match_one_segment()
    {
        var table = RouteTable.FromSettings(Settings(
            ("Gateway:Routes:registry:Path", "/api/registry"), ("Gateway:Routes:registry:Cluster", "registry"),
            ("Gateway:Routes:promote:Path", "/api/registry/models/*/aliases/*/promote"), ("Gateway:Routes:promote:Cluster", "registry"),
            ("Gateway:Routes:promote:Scope", "admin"),
            ("Gateway:Routes:models:Path", "/v1/models"), ("Gateway:Routes:models:Cluster", "registry")));

        Assert.Equal("promote", table.Match("/api/registry/models/support/aliases/production/promote")?.Name);
        Assert.Equal("registry", table.Match("/api/registry/models/support/aliases/production")?.Name);
        Assert.Equal("models", table.Match("/V1/Models/base")?.Name);
        Assert.Null(table.Match("/v1/modelsx"));
        Assert.Null(table.Match("/"));
    }

    [Fact]
    public void A_route_with_an_unknown_scope_stops_start_up_naming_the_setting()
    {
        var error = Assert.Throws<InvalidSettingException>(() => RouteTable.FromSettings(Settings(
            ("Gateway:Routes:chat:Path", "/v1/chat"), ("Gateway:Routes:chat:Cluster", "inference"), ("Gateway:Routes:chat:Scope", "everyone"))));

        Assert.Equal("Gateway:Routes:chat:Scope", error.Setting);
        Assert.Contains("'everyone'", error.Message);
    }

    [Fact]
    public void A_key_configured_in_plain_text_instead_of_its_hash_is_refused_without_echoing_it()
    {
        var error = Assert.Throws<InvalidSettingException>(() => ApiKeyStore.FromSettings(Settings(
            ("Gateway:Keys:ops:Sha256", "sk-plain-secret"), ("Gateway:Keys:ops:Scopes:0", "admin"))));

        Assert.Equal("Gateway:Keys:ops:Sha256", error.Setting);
        Assert.DoesNotContain("sk-plain-secret", error.Message);
    }

    [Fact]
    public void Keys_from_a_secrets_file_are_found_by_their_hash_with_their_scopes_and_limits()
    {
        using var folder = new TempDirectory("gateway-keys");
        var file = Path.Combine(folder.Path, "keys.json");
        File.WriteAllText(file, $$"""{ "batch": { "Sha256": "{{ApiKeyStore.Hash("sk-from-file")}}", "Scopes": ["fine-tune"], "TokensPerMinute": 500 } }""");

        var store = ApiKeyStore.FromSettings(Settings(("Gateway:KeysFile", file)));

        var key = store.Find("sk-from-file");
        Assert.NotNull(key);
        Assert.Equal("batch", key.Name);
        Assert.True(key.Allows(Scopes.FineTune));
        Assert.False(key.Allows(Scopes.Admin));
        Assert.Equal(500, key.TokensPerMinute);
        Assert.Null(store.Find("sk-from-fil"));
    }

    [Fact]
    public void Replicas_come_from_the_gateways_settings_and_from_Aspires_service_variables_without_duplicates()
    {
        var configuration = Configuration([
            ("Gateway:Clusters:inference:Replicas:0", "http://127.0.0.1:5001"),
            ("services:inference:http:0", "http://127.0.0.1:5001/"),
            ("services:inference:http:1", "http://127.0.0.1:5002"),
            ("services:registry:https:0", "https://127.0.0.1:5003")]);

        var clusters = ClusterRegistry.FromConfiguration(configuration, configuration.ReadSettings<GatewaySettings>(GatewaySettings.Section));

        Assert.Equal(["http://127.0.0.1:5001/", "http://127.0.0.1:5002/"], clusters["inference"].Replicas.Select(r => r.Address.ToString()));
        Assert.Equal("https://127.0.0.1:5003/", clusters["registry"].Replicas.Single().Address.ToString());
    }

    [Fact]
    public void A_replica_address_with_a_path_is_refused_naming_the_variable()
    {
        var configuration = Configuration([("services:inference:http:0", "http://127.0.0.1:5001/v1")]);

        var error = Assert.Throws<InvalidSettingException>(() =>
            ClusterRegistry.FromConfiguration(configuration, configuration.ReadSettings<GatewaySettings>(GatewaySettings.Section)));

        Assert.Equal("services:inference:http:0", error.Setting);
    }
}
