using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FineTune.Training.Tests;

/// <summary>Every request a user can get wrong is a 4xx in OpenAI's error shape naming the field.</summary>
public sealed class BadRequestSpecs : IClassFixture<BadRequestSpecs.App>
{
    public sealed class App : IAsyncLifetime
    {
        public TrainingApp Training { get; } = new(new Dictionary<string, string?> { ["Training:Worker"] = "false" });
        public string File { get; private set; } = "";

        public async Task InitializeAsync() => File = await CuratedData.WriteAsync(Training.Store, "tickets");

        public Task DisposeAsync()
        {
            Training.Dispose();
            return Task.CompletedTask;
        }
    }

    private readonly HttpClient _client;
    private readonly string _file;

    public BadRequestSpecs(App app) => (_client, _file) = (app.Training.CreateClient(), app.File);

    public static TheoryData<string, string, string> Mistakes => new()
    {
        { """{"model": "gpt-4o", "training_file": "FILE"}""", "model", "Unknown base model 'gpt-4o'; this service has: finetune-base" },
        { """{"model": "finetune-base", "training_file": "file-abc123"}""", "training_file", "'file-abc123' is not a curated dataset version" },
        { """{"model": "finetune-base", "training_file": "tickets:9"}""", "training_file", "No curated dataset version 'tickets:9'" },
        { """{"model": "finetune-base"}""", "training_file", "'training_file' is required" },
        { """{"model": "finetune-base", "training_file": "FILE", "hyperparameters": {"n_epochs": "lots"}}""", "hyperparameters.n_epochs", "must be a number or \"auto\"" },
        { """{"model": "finetune-base", "training_file": "FILE", "hyperparameters": {"batch_size": 0}}""", "hyperparameters.batch_size", "must be in [1, 1024], got 0" },
        { """{"model": "finetune-base", "training_file": "FILE", "extensions": {"learning_rate": 5}}""", "extensions.learning_rate", "must be in (0, 1], got 5" },
        { """{"model": "finetune-base", "training_file": "FILE", "extensions": {"method": "ia3"}}""", "extensions.method", "Unknown fine-tuning method 'ia3'" },
        { """{"model": "finetune-base", "training_file": "FILE", "extensions": {"target_modules": ["attn"]}}""", "extensions.target_modules", "attn" },
        { """{"model": "finetune-base", "training_file": "FILE", "extensions": {"max_seq_length": 100000}}""", "extensions.max_seq_length", "the model's context" },
        { """{"model": "finetune-base", "training_file": "FILE", "method": {"type": "dpo"}}""", "method.type", "'dpo' is not supported" },
        { """{"model": "finetune-base", "training_file": "FILE", "extensions": {"method": "full", "search": {"learning_rates": [0.001]}}}""", "extensions.search", "trains adapters" },
        { """{"model": "finetune-base", "training_file": "FILE", "extensions": {"search": {"learning_rates": []}}}""", "extensions.search.learning_rates", "at least one candidate" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_is_a_400_naming_the_field(string request, string param, string message)
    {
        var response = await _client.PostAsync("/v1/fine_tuning/jobs", new StringContent(request.Replace("FILE", _file), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_unknown_job_is_a_404_for_every_route()
    {
        foreach (var path in new[] { "ftjob-nope", "ftjob-nope/events", "ftjob-nope/checkpoints" })
        {
            var response = await _client.GetAsync($"/v1/fine_tuning/jobs/{path}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("not_found_error", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync("/v1/fine_tuning/jobs/ftjob-nope/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task The_openapi_description_documents_the_extensions()
    {
        var description = await _client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/v1/fine_tuning/jobs/{id}/checkpoints", description);
        Assert.Contains("extensions", description);
        Assert.Contains("early_stopping_patience", description);
    }
}
