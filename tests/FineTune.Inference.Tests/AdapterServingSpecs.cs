using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI.Chat;

namespace FineTune.Inference.Tests;

/// <summary>Many adapters on one base through the OpenAI SDK: one shared base and batch, an LRU with a memory budget, unloading at run time.</summary>
public sealed class AdapterServingSpecs : IAsyncLifetime
{
    private static readonly ChatCompletionOptions Greedy = new() { Temperature = 0, MaxOutputTokenCount = 10 };
    private readonly InferenceApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.RegisterAdapterAsync("support-bot", 1, seed: 1, production: true);
        await _app.RegisterAdapterAsync("legal-bot", 1, seed: 7, production: true);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_adapters_and_the_base_asked_at_once_share_one_base_and_each_gets_the_answer_it_gets_alone()
    {
        var models = new[] { "support-bot", "legal-bot", "finetune-base", "support-bot", "legal-bot", "finetune-base" };
        var question = new UserChatMessage("Where is my parcel?");
        var alone = new List<string>();
        foreach (var model in models) alone.Add((await _app.Chat(model).CompleteChatAsync([question], Greedy)).Value.Content[0].Text);

        var together = await Task.WhenAll(models.Select(model => _app.Chat(model).CompleteChatAsync([question], Greedy)));

        Assert.Equal(alone, together.Select(c => c.Value.Content[0].Text));
        Assert.NotEqual(alone[0], alone[1]); // the adapters answer differently from each other
        Assert.Equal(["support-bot:1", "legal-bot:1", "finetune-base"], together.Take(3).Select(c => c.Value.Model));
        var loaded = await LoadedAsync();
        Assert.Equal(["finetune-base"], loaded.Where(m => m.Kind == "base").Select(m => m.Id));
        Assert.Equal(["legal-bot:1", "support-bot:1"], loaded.Where(m => m.Kind == "adapter").Select(m => m.Id).Order());
        Assert.All(loaded.Where(m => m.Kind == "adapter"), m => Assert.Equal("finetune-base", m.Base));
    }

    [Fact]
    public async Task An_operator_unloads_a_version_at_run_time_and_the_next_request_loads_it_again()
    {
        var first = (await _app.Chat("support-bot").CompleteChatAsync([new UserChatMessage("Hello")], Greedy)).Value.Content[0].Text;
        using var http = _app.CreateClient();

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/inference/models/support-bot:1")).StatusCode);
        Assert.DoesNotContain(await LoadedAsync(), m => m.Id == "support-bot:1");
        var missing = await http.DeleteAsync("/api/inference/models/support-bot:1");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model_not_found", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(first, (await _app.Chat("support-bot").CompleteChatAsync([new UserChatMessage("Hello")], Greedy)).Value.Content[0].Text);
        Assert.Contains(await LoadedAsync(), m => m.Id == "support-bot:1");
    }

    [Fact]
    public async Task Past_the_memory_budget_an_idle_adapter_is_unloaded_and_still_answers_the_same_when_asked_again()
    {
        using var tight = new InferenceApp(new Dictionary<string, string?> { ["Inference:LoadedVersionsMegabytes"] = "0" });
        await tight.RegisterAdapterAsync("support-bot", 1, seed: 1, production: true);
        var first = (await tight.Chat("support-bot").CompleteChatAsync([new UserChatMessage("Hello")], Greedy)).Value.Content[0].Text;

        Assert.DoesNotContain(await LoadedAsync(tight), m => m.Kind == "adapter");
        Assert.Equal(first, (await tight.Chat("support-bot").CompleteChatAsync([new UserChatMessage("Hello")], Greedy)).Value.Content[0].Text);
    }

    [Fact]
    public async Task A_fully_fine_tuned_version_is_served_as_a_model_of_its_own_beside_the_shared_base()
    {
        await _app.RegisterFullModelAsync("full-bot", 1, seed: 3, production: true);

        var full = (await _app.Chat("full-bot").CompleteChatAsync([new UserChatMessage("Hello")], Greedy)).Value;
        var baseAnswer = (await _app.Chat("finetune-base").CompleteChatAsync([new UserChatMessage("Hello")], Greedy)).Value;

        Assert.Equal("full-bot:1", full.Model);
        Assert.NotEqual(baseAnswer.Content[0].Text, full.Content[0].Text); // its own weights answered
        var loaded = (await LoadedAsync()).Single(m => m.Id == "full-bot:1");
        Assert.Equal(("model", "finetune-base"), (loaded.Kind, loaded.Base));
        Assert.True(loaded.Bytes > 5_000_000 * 4L, $"{loaded.Bytes} bytes: a whole model's weights, not an adapter's");
    }

    private sealed record Loaded(string Id, string Kind, string Base, long Bytes, int Requests);

    private Task<List<Loaded>> LoadedAsync() => LoadedAsync(_app);

    private static async Task<List<Loaded>> LoadedAsync(InferenceApp app)
    {
        using var http = app.CreateClient();
        var body = await http.GetFromJsonAsync<JsonElement>("/api/inference/models");
        return [.. body.GetProperty("data").EnumerateArray().Select(m => new Loaded(m.GetProperty("id").GetString()!, m.GetProperty("kind").GetString()!,
            m.GetProperty("base").GetString()!, m.GetProperty("bytes").GetInt64(), m.GetProperty("requests").GetInt32()))];
    }
}
