using System.Net.Http.Json;
using System.Text.Json;
using FineTune.Storage.Artifacts;
using FineTune.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Training.Tests;

/// <summary>The training service's real Program on a test server: by default the embedded hosting (in-memory bus, artifacts in a temporary folder, the worker in process).</summary>
public sealed class TrainingApp(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    private readonly TempDirectory _folder = new("training");

    public IArtifactStore Store => Services.GetRequiredService<IArtifactStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Path", Path.Combine(_folder.Path, "artifacts"));
        builder.UseSetting("Training:WorkFolder", Path.Combine(_folder.Path, "work"));
        builder.UseSetting("Training:ProgressEvery", "2");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}

/// <summary>Calls on the API that the specs share.</summary>
internal static class JobCalls
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>A small LoRA job: a few steps, a checkpoint and a validation pass every two.</summary>
    public static object SmallJob(string trainingFile, object? extensions = null) => new
    {
        model = "finetune-base",
        training_file = trainingFile,
        seed = 7,
        suffix = "tickets",
        hyperparameters = new { n_epochs = 1, batch_size = 4 },
        extensions = extensions ?? new { method = "lora", rank = 4, learning_rate = 3e-3, max_steps = 6, save_steps = 2, eval_steps = 2, max_seq_length = 192 },
    };

    public static async Task<JsonElement> CreateAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/v1/fine_tuning/jobs", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string id) =>
        JsonDocument.Parse(await client.GetStringAsync($"/v1/fine_tuning/jobs/{id}")).RootElement;

    /// <summary>Polls the job until <paramref name="done"/> holds or patience runs out.</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient client, string id, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        JsonElement job;
        do
        {
            job = await GetAsync(client, id);
            if (done(job)) return job;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Job {id} did not reach '{what}' in {Patience.TotalSeconds} s; it is {job}");
    }

    public static Task<JsonElement> FinishedAsync(HttpClient client, string id) =>
        WaitAsync(client, id, j => j.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled", "finished");
}
