using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FineTune.Contracts;

namespace FineTune.Registry.Tests;

/// <summary>The registry on the embedded hosting: registration, evaluation, promotion, rollback, the audit log, OpenAI's model ids.</summary>
public sealed class RegistrySpecs
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task RegisterAsync(RegistryApp app, string jobId, bool? passed)
    {
        await app.PublishAsync(Outcomes.Trained(jobId));
        await app.EventuallyAsync<ModelRegistered>(r => r.JobId == jobId);
        if (passed is not { } verdict) return;
        await app.PublishAsync(Outcomes.Evaluated(jobId, verdict));
        var client = app.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(await client.GetStringAsync("/api/registry/models/support-bot/audit")).Contains($"eval-{jobId}")) await Task.Delay(50);
    }

    [Fact]
    public async Task A_candidate_registers_once_is_promoted_when_its_gate_passes_and_rolls_back_in_one_call()
    {
        using var app = new RegistryApp();
        await app.ListenAsync();
        var client = app.CreateClient();

        await app.PublishAsync(Outcomes.Trained("ftjob-a"));
        await app.PublishAsync(Outcomes.Trained("ftjob-a")); // redelivered
        var registered = await app.EventuallyAsync<ModelRegistered>(r => r.JobId == "ftjob-a");
        Assert.Equal(new ModelRef("support-bot", 1), registered.Model);

        await app.PublishAsync(Outcomes.Evaluated("ftjob-a", passed: true));
        var promoted = await app.EventuallyAsync<ModelPromoted>(p => p.Model.Version == 1);
        Assert.Equal("production", promoted.Alias);
        Assert.Null(promoted.PreviousVersion);
        Assert.Equal("registry", promoted.By);

        await RegisterAsync(app, "ftjob-b", passed: true);
        await app.EventuallyAsync<ModelPromoted>(p => p.Model.Version == 2);
        var model = await Json(await client.GetAsync("/api/registry/models/support-bot"));
        Assert.Equal(2, model.GetProperty("model").GetProperty("aliases").GetProperty("production").GetInt32());
        Assert.Equal(2, model.GetProperty("versions").GetArrayLength()); // the redelivery registered nothing

        var rollback = await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/production/rollback", new { by = "alice", reason = "latency regression" });
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        var rolledBack = await app.EventuallyAsync<ModelRolledBack>(r => r.ModelName == "support-bot");
        Assert.Equal((2, 1, "alice"), (rolledBack.FromVersion, rolledBack.ToVersion, rolledBack.By));
        Assert.Equal(1, (await Json(await client.GetAsync("/api/registry/models/support-bot"))).GetProperty("model").GetProperty("aliases").GetProperty("production").GetInt32());
        var again = await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/production/rollback", new { });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);

        var audit = (await Json(await client.GetAsync("/api/registry/models/support-bot/audit"))).EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["registered", "evaluated", "promoted", "registered", "evaluated", "promoted", "rolled back"], audit);
    }

    [Fact]
    public async Task A_version_that_failed_its_gate_is_promoted_only_when_forced_with_a_reason()
    {
        using var app = new RegistryApp();
        await app.ListenAsync();
        var client = app.CreateClient();
        await RegisterAsync(app, "ftjob-bad", passed: false);

        var refused = await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/production/promote", new { version = 1 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("failed its gate (min_task_score)", (await Json(refused)).GetProperty("detail").GetString());

        var noReason = await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/production/promote", new { version = 1, force = true });
        Assert.Equal("reason", (await Json(noReason)).GetProperty("field").GetString());

        var forced = await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/production/promote", new { version = 1, force = true, by = "admin-bob", reason = "hotfix approved by QA" });
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        var audit = (await Json(await client.GetAsync("/api/registry/models/support-bot/audit"))).EnumerateArray().Last();
        Assert.Equal(("promoted (forced)", "admin-bob", "hotfix approved by QA"), (audit.GetProperty("action").GetString(), audit.GetProperty("by").GetString(), audit.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task A_manual_policy_is_kept_so_a_passing_gate_promotes_nothing_until_a_person_does()
    {
        using var app = new RegistryApp();
        await app.ListenAsync();
        var client = app.CreateClient();
        await RegisterAsync(app, "ftjob-a", passed: null);

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/registry/models/support-bot/policy", new { auto_promote_to = (string?)null })).StatusCode);
        await RegisterAsync(app, "ftjob-a", passed: true);

        var model = (await Json(await client.GetAsync("/api/registry/models/support-bot"))).GetProperty("model");
        Assert.False(model.TryGetProperty("auto_promote_to", out var policy) && policy.ValueKind == JsonValueKind.String, $"policy read back as {policy}");
        Assert.Empty(model.GetProperty("aliases").EnumerateObject());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/production/promote", new { version = 1 })).StatusCode);
    }

    [Fact]
    public async Task Of_twenty_racing_promotions_of_one_alias_exactly_one_wins_and_the_rest_get_409()
    {
        using var app = new RegistryApp();
        await app.ListenAsync();
        var client = app.CreateClient();
        foreach (var job in new[] { "ftjob-1", "ftjob-2", "ftjob-3" }) await RegisterAsync(app, job, passed: true);
        await client.PutAsJsonAsync("/api/registry/models/support-bot/policy", new { auto_promote_to = (string?)null });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/staging/promote", new { version = 1 })).StatusCode);

        var racers = Enumerable.Range(0, 20).Select(i => client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/staging/promote",
            new { version = 2 + i % 2, expected_version = 1, by = $"racer-{i}" }));
        var responses = await Task.WhenAll(racers);

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var conflict = await Json(responses.First(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal("expected_version", conflict.GetProperty("field").GetString());
        var staging = (await Json(await client.GetAsync("/api/registry/models/support-bot"))).GetProperty("model").GetProperty("aliases").GetProperty("staging").GetInt32();
        Assert.Contains(staging, new[] { 2, 3 });
        Assert.Single((await Json(await client.GetAsync("/api/registry/models/support-bot/audit"))).EnumerateArray(), e => e.TryGetProperty("alias", out var alias) && alias.GetString() == "staging" && e.TryGetProperty("from", out _));
    }

    [Fact]
    public async Task OpenAIs_model_ids_name_the_production_version_or_a_version_and_unknown_ones_are_404()
    {
        using var app = new RegistryApp();
        await app.ListenAsync();
        var client = app.CreateClient();
        await RegisterAsync(app, "ftjob-a", passed: true);
        await RegisterAsync(app, "ftjob-b", passed: false);

        var ids = (await Json(await client.GetAsync("/v1/models"))).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(["support-bot", "support-bot:1", "support-bot:2"], ids);
        Assert.Equal("model", (await Json(await client.GetAsync("/v1/models/support-bot"))).GetProperty("object").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/models/support-bot:2")).StatusCode);
        var missing = await client.GetAsync("/v1/models/support-bot:9");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model_not_found", (await Json(missing)).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Bad_requests_are_clear_4xx_naming_what_was_wrong()
    {
        using var app = new RegistryApp();
        await app.ListenAsync();
        var client = app.CreateClient();
        await RegisterAsync(app, "ftjob-a", passed: true);

        var unknownVersion = await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/production/promote", new { version = 7 });
        Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
        Assert.Contains("no version 7", (await Json(unknownVersion)).GetProperty("detail").GetString());

        var badAlias = await client.PostAsJsonAsync("/api/registry/models/support-bot/aliases/Prod!/promote", new { version = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, badAlias.StatusCode);
        Assert.Equal("alias", (await Json(badAlias)).GetProperty("field").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/registry/models/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/registry/models/Bad%20Name/audit")).StatusCode);
    }

    [Fact]
    public async Task Lineage_walks_from_a_version_to_the_raw_upload_and_to_its_deployments_and_the_card_reads_it()
    {
        using var app = new RegistryApp();
        await app.ListenAsync();
        var client = app.CreateClient();
        await Outcomes.WriteDatasetAsync(app.Store);
        await RegisterAsync(app, "ftjob-a", passed: true);
        await app.EventuallyAsync<ModelPromoted>(p => p.Model.Version == 1);

        var lineage = await Json(await client.GetAsync("/api/registry/models/support-bot/versions/1/lineage"));
        Assert.Equal("ftjob-a", lineage.GetProperty("model").GetProperty("job_id").GetString());
        Assert.Equal("tickets", lineage.GetProperty("dataset").GetProperty("dataset").GetString());
        var source = lineage.GetProperty("sources")[0];
        Assert.Equal(("file-raw1", "tickets-raw.jsonl", "feedface"), (source.GetProperty("file_id").GetString(), source.GetProperty("filename").GetString(), source.GetProperty("sha256").GetString()));
        var deployment = lineage.GetProperty("deployments")[0];
        Assert.Equal("production", deployment.GetProperty("alias").GetString());
        Assert.True(deployment.GetProperty("current").GetBoolean());
        Assert.True(lineage.GetProperty("evaluation").GetProperty("passed").GetBoolean());

        var card = await client.GetStringAsync("/api/registry/models/support-bot/versions/1/card");
        foreach (var section in new[] { "# support-bot version 1", "## Intended use", "## Base model and method", "## Data", "## Evaluation, safety and bias", "## Limitations", "## Deployments" })
            Assert.Contains(section, card);
        Assert.Contains("`tickets-raw.jsonl`", card);
        Assert.Contains("Records: train 40, validation 5, test 5.", card);
        Assert.Contains("| task_score | 0.8 |", card);
        Assert.Contains("rank 8, alpha 16", card);
    }

    [Fact]
    public async Task A_restarted_registry_answers_from_its_documents()
    {
        var storage = Path.Combine(Path.GetTempPath(), "finetune-tests", $"registry-{Guid.NewGuid():N}");
        try
        {
            using (var before = new RegistryApp(storage: storage))
            {
                await before.ListenAsync();
                await RegisterAsync(before, "ftjob-a", passed: true);
                await before.EventuallyAsync<ModelPromoted>(p => p.Model.Version == 1);
            }
            using var after = new RegistryApp(storage: storage);
            var model = await Json(await after.CreateClient().GetAsync("/api/registry/models/support-bot"));
            Assert.Equal(1, model.GetProperty("model").GetProperty("aliases").GetProperty("production").GetInt32());
        }
        finally { Directory.Delete(storage, recursive: true); }
    }
}
