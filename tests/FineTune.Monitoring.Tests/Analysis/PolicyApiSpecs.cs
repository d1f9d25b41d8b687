using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FineTune.Monitoring.Analysis;

namespace FineTune.Monitoring.Tests.Analysis;

/// <summary>GET/PUT /api/monitoring/policies/{model} and the API's OpenAI-shaped errors.</summary>
public sealed class PolicyApiSpecs
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_model_without_a_policy_gets_the_defaults_and_a_stored_policy_is_read_back_from_the_store()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();
        var client = app.CreateClient();

        var defaults = await Json(await client.GetAsync("/api/monitoring/policies/support-bot"));
        Assert.Equal(0.2, defaults.GetProperty("thresholds").GetProperty("prompt_length_psi").GetDouble());
        Assert.Equal("none", defaults.GetProperty("sustained_action").GetString());
        Assert.Equal(2000, defaults.GetProperty("slo").GetProperty("latency_p95_ms").GetDouble());

        var put = await client.PutAsJsonAsync("/api/monitoring/policies/support-bot",
            new { thresholds = new { token_js_divergence = 0.05 }, sustained_action = "recommend_rollback" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.True(await app.Store.ExistsAsync(PolicyStore.Key("support-bot")));
        var stored = await Json(await client.GetAsync("/api/monitoring/policies/support-bot"));
        Assert.Equal(("recommend_rollback", 0.05), (stored.GetProperty("sustained_action").GetString(), stored.GetProperty("thresholds").GetProperty("token_js_divergence").GetDouble()));
    }

    [Theory]
    [InlineData("{\"thresholds\":{\"prompt_psi\":0.2}}", "thresholds.prompt_psi")]
    [InlineData("{\"rearm_fraction\":1.5}", "rearm_fraction")]
    [InlineData("{\"slo\":{\"error_rate\":0}}", "slo.error_rate")]
    public async Task A_policy_with_a_bad_field_is_refused_naming_the_field(string body, string field)
    {
        using var app = new AnalysisApp();
        await app.StartAsync();

        var response = await app.CreateClient().PutAsync("/api/monitoring/policies/support-bot", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await Json(response)).GetProperty("error");
        Assert.Equal(("invalid_request_error", field), (error.GetProperty("type").GetString(), error.GetProperty("param").GetString()));
    }

    [Fact]
    public async Task A_model_id_without_a_version_is_refused_in_openais_error_shape()
    {
        using var app = new AnalysisApp();
        await app.StartAsync();

        var response = await app.CreateClient().GetAsync("/api/monitoring/drift?model=support-bot");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("model", (await Json(response)).GetProperty("error").GetProperty("param").GetString());
    }
}
