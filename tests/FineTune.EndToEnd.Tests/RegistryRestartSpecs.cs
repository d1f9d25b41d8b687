using FineTune.Testing;

namespace FineTune.EndToEnd.Tests;

[Collection(SuiteCollection.Name)]
public sealed class RegistryRestartSpecs(Suite suite)
{
    [Fact]
    public async Task A_killed_registry_comes_back_with_the_same_models_versions_and_aliases()
    {
        var demo = await suite.TrainedModel;
        string[] reads = [$"/api/registry/models/{demo.Name}", $"/api/registry/models/{demo.Name}/versions/{demo.Version}", $"/api/registry/models/{demo.Name}/audit", $"/v1/models/{demo.Name}"];
        var before = new List<string>();
        foreach (var path in reads) before.Add((await suite.GetJsonAsync(path)).GetRawText());
        var registry = (await suite.PidOfAsync("registry", "registry"))!.Value;

        Processes.Signal(registry, "KILL");

        await suite.RestartedAsync("registry", "registry", registry, TimeSpan.FromSeconds(60));
        for (var i = 0; i < reads.Length; i++)
        {
            var path = reads[i];
            // the gateway may have ejected the dead replica; it answers again once a probe passes
            var after = await Eventually.ValueAsync(async () => await suite.TryGetJsonAsync(path), $"{path} to answer after the restart",
                TimeSpan.FromSeconds(60), suite, "registry", "gateway");
            Assert.Equal(before[i], after.GetRawText());
        }
    }
}
