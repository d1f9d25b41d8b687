using System.Text.Json;
using OpenAI.Chat;

namespace FineTune.EndToEnd.Tests;

[Collection(SuiteCollection.Name)]
public sealed class PipelineSpecs(Suite suite)
{
    private static readonly ChatCompletionOptions Short = new() { MaxOutputTokenCount = 16 };

    [Fact]
    public async Task An_uploaded_dataset_is_curated_trained_evaluated_promoted_and_answers_through_the_gateway()
    {
        var model = await suite.TrainedModel;

        Assert.StartsWith("file-", model.FileId);
        Assert.Equal("succeeded", model.Job.GetProperty("status").GetString());
        Assert.Equal(model.TrainingFile, model.Job.GetProperty("training_file").GetString());
        var version = model.RegisteredVersion.GetProperty("version");
        Assert.Equal("lora", version.GetProperty("method").GetString());
        Assert.Equal(model.DatasetVersion, version.GetProperty("dataset").GetProperty("version").GetInt32());
        Assert.Equal(model.Job.GetProperty("extensions").GetProperty("model_sha256").GetString(), version.GetProperty("artifact").GetProperty("sha256").GetString());
        Assert.True(model.RegisteredVersion.GetProperty("evaluation").GetProperty("passed").GetBoolean());

        var chat = suite.OpenAi().GetChatClient(model.Name);
        ChatCompletion answer = await chat.CompleteChatAsync([new UserChatMessage("How do I reset my password?")], Short);
        Assert.Equal($"{model.Name}:{model.Version}", answer.Model); // the production alias resolved to the trained version
        Assert.NotEmpty(answer.Content[0].Text.Trim());
        Assert.InRange(answer.Usage.OutputTokenCount, 1, 16);

        var streamed = new List<string>();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("My invoice looks wrong, what now?")], Short))
            streamed.AddRange(update.ContentUpdate.Select(c => c.Text));
        Assert.True(streamed.Count > 1, $"expected the answer in several chunks, got {streamed.Count}");
        Assert.NotEmpty(string.Concat(streamed).Trim());
    }

    [Fact]
    public async Task Monitoring_shows_the_run_from_dataset_to_deployment()
    {
        var model = await suite.TrainedModel;

        var run = await Eventually.ValueAsync<JsonElement>(async () =>
        {
            var runs = (await suite.TryGetJsonAsync("/api/monitoring/runs"))!.Value.GetProperty("data").EnumerateArray();
            var found = runs.FirstOrDefault(r => r.GetProperty("job_id").GetString() == model.JobId);
            return found.ValueKind == JsonValueKind.Object && found.GetProperty("aliases").EnumerateArray().Any(a => a.GetString() == "production")
                ? found : throw new NotYetException(found.ValueKind == JsonValueKind.Object ? found.ToString() : "no run for the job");
        }, $"monitoring to show run {model.JobId} deployed", TimeSpan.FromSeconds(60), suite, "monitoring");

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(model.TrainingFile, run.GetProperty("dataset").GetString());
        Assert.True(run.GetProperty("evaluation").GetProperty("passed").GetBoolean());
        Assert.Equal(model.Version, run.GetProperty("model").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task The_dashboard_is_served_through_the_gateway_without_a_key()
    {
        using var anonymous = new HttpClient { BaseAddress = suite.Gateway };

        using var page = await anonymous.GetAsync("/dashboard");
        using var models = await anonymous.GetAsync("/v1/models");

        Assert.True(page.IsSuccessStatusCode, $"/dashboard answered {(int)page.StatusCode}");
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, models.StatusCode); // everything else needs the key
    }

    [Fact]
    public async Task Settings_in_the_apphosts_environment_reach_the_services()
    {
        var training = await suite.PidOfAsync("training", "training");

        Assert.NotNull(training);
        Assert.Equal("00:00:05", FineTune.Testing.Processes.EnvironmentOf(training.Value)["Training__Lease"]);
    }
}
