using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using FineTune.Contracts;
using OpenAI.Chat;

namespace FineTune.Inference.Tests;

/// <summary>The OpenAI .NET SDK against the inference service: plain and streaming chat, the registry's versions, hot switching, bad requests.</summary>
public sealed class CompletionsSpecs : IClassFixture<CompletionsSpecs.App>
{
    public sealed class App : IAsyncLifetime
    {
        public InferenceApp Inference { get; } = new();

        public async Task InitializeAsync()
        {
            await Inference.RegisterAdapterAsync("support-bot", 1, seed: 1, production: true);
            await Inference.RegisterAdapterAsync("support-bot", 2, seed: 2, production: false);
        }

        public Task DisposeAsync()
        {
            Inference.Dispose();
            return Task.CompletedTask;
        }
    }

    private static readonly ChatCompletionOptions Greedy = new() { Temperature = 0, MaxOutputTokenCount = 12 };
    private readonly InferenceApp _app;

    public CompletionsSpecs(App app) => _app = app.Inference;

    [Fact]
    public async Task The_sdk_gets_a_chat_completion_with_usage_and_a_finish_reason()
    {
        ChatCompletion completion = await _app.Chat("finetune-base").CompleteChatAsync([new UserChatMessage("How do I reset my password?")], Greedy);

        Assert.Equal("finetune-base", completion.Model);
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.True(completion.Usage.InputTokenCount > 5);
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 12);
        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
    }

    [Fact]
    public async Task Streaming_delivers_the_same_text_token_by_token()
    {
        ChatCompletion whole = await _app.Chat("finetune-base").CompleteChatAsync([new UserChatMessage("Where is my order?")], Greedy);

        var pieces = new List<string>();
        ChatFinishReason? finish = null;
        await foreach (var update in _app.Chat("finetune-base").CompleteChatStreamingAsync([new UserChatMessage("Where is my order?")], Greedy))
        {
            pieces.AddRange(update.ContentUpdate.Select(p => p.Text));
            finish ??= update.FinishReason;
        }

        Assert.True(pieces.Count(p => p.Length > 0) > 1, "the text came in more than one piece");
        Assert.Equal(whole.Content[0].Text, string.Concat(pieces));
        Assert.Equal(whole.FinishReason, finish);
    }

    [Fact]
    public async Task A_registered_name_serves_its_production_version_and_switches_when_it_is_promoted()
    {
        var before = await _app.Chat("support-bot").CompleteChatAsync([new UserChatMessage("Hello")], Greedy);
        Assert.Equal("support-bot:1", before.Value.Model);
        var pinned = await _app.Chat("support-bot:2").CompleteChatAsync([new UserChatMessage("Hello")], Greedy);
        Assert.Equal("support-bot:2", pinned.Value.Model);
        Assert.NotEqual(before.Value.Content[0].Text, pinned.Value.Content[0].Text); // two different adapters on one base

        // a request in flight on version 1 finishes there while production moves to version 2
        var inFlight = _app.Chat("support-bot").CompleteChatAsync([new UserChatMessage("Tell me about my invoice")], new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 48 });
        await _app.Store.PutAsync("registry/models/support-bot/model.json", new MemoryStream("""{"name":"support-bot","aliases":{"production":2}}"""u8.ToArray()));
        await _app.PublishAsync(new ModelPromoted(new ModelRef("support-bot", 2), "production", 1, "finetune-base",
            new ArtifactRef("artifacts://jobs/ftjob-support-bot2/output/adapter_model.safetensors", "x", 1), true, "registry", "gate passed", DateTimeOffset.UtcNow));
        Assert.Equal("support-bot:1", (await inFlight).Value.Model);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        string served;
        do served = (await _app.Chat("support-bot").CompleteChatAsync([new UserChatMessage("Hello")], Greedy)).Value.Model;
        while (served != "support-bot:2" && DateTime.UtcNow < deadline && await Task.Delay(100).ContinueWith(_ => true));
        Assert.Equal("support-bot:2", served);
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_the_sdk_reports()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => _app.Chat("gpt-4o").CompleteChatAsync([new UserChatMessage("Hi")], Greedy));
        Assert.Equal(404, error.Status);
        Assert.Contains("gpt-4o", error.Message);
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { """{"model": "finetune-base", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 0}""", "max_tokens", "at least 1" },
        { """{"model": "finetune-base", "messages": []}""", "messages", "at least one message" },
        { """{"model": "finetune-base", "messages": [{"role": "robot", "content": "Hi"}]}""", "messages", "role 'robot'" },
        { """{"model": "finetune-base", "messages": [{"role": "user", "content": "Hi"}], "temperature": 5}""", "temperature", "between 0 and 2" },
        { """{"model": "finetune-base", "messages": [{"role": "user", "content": "LONG"}]}""", "messages", "context is 512" },
        { """{"model": "finetune-base", "messages": [{"role": "user", "content": "Hi"}""", "", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_is_a_400_in_OpenAIs_shape_naming_the_field(string body, string param, string message)
    {
        var request = body.Replace("LONG", string.Join(' ', Enumerable.Repeat("password", 600)));
        var response = await _app.CreateClient().PostAsync("/v1/chat/completions", new StringContent(request, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        if (param.Length > 0) Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_plain_completion_continues_the_prompt_and_n_gives_that_many_choices()
    {
        var response = await _app.CreateClient().PostAsync("/v1/completions", new StringContent(
            """{"model": "finetune-base", "prompt": "In the beginning God created the", "max_tokens": 6, "temperature": 0, "n": 2}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var completion = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("text_completion", completion.GetProperty("object").GetString());
        var choices = completion.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(choices[0].GetProperty("text").GetString(), choices[1].GetProperty("text").GetString()); // greedy: the same answer twice
        Assert.False(string.IsNullOrWhiteSpace(choices[0].GetProperty("text").GetString()));
        Assert.Equal(completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() + completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32(),
            completion.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Concurrent_requests_share_one_running_batch_and_get_the_answers_they_get_alone()
    {
        var questions = Enumerable.Range(0, 8).Select(i => $"Question {i}: where is parcel {i * 37}?").ToList();
        var alone = new List<string>();
        foreach (var question in questions)
            alone.Add((await _app.Chat("finetune-base").CompleteChatAsync([new UserChatMessage(question)], Greedy)).Value.Content[0].Text);

        var together = await Task.WhenAll(questions.Select(q => _app.Chat("finetune-base").CompleteChatAsync([new UserChatMessage(q)], Greedy)));

        Assert.Equal(alone, together.Select(c => c.Value.Content[0].Text));
    }

    [Fact]
    public async Task An_adapter_trained_on_another_base_is_refused_with_a_400_and_serving_goes_on()
    {
        var other = FineTune.Models.Llama.LlamaModel.CreateRandom(new FineTune.Models.LlamaConfig
        {
            VocabSize = 64, HiddenSize = 64, IntermediateSize = 128, NumLayers = 2, NumHeads = 4, NumKeyValueHeads = 2, MaxPositionEmbeddings = 32,
        }, seed: 3, std: 0.1f);
        await _app.RegisterAdapterAsync("mismatch", 1, seed: 3, production: true, trainedOn: other);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => _app.Chat("mismatch").CompleteChatAsync([new UserChatMessage("Hi")], Greedy));

        Assert.Equal(400, error.Status);
        Assert.Contains("cannot be served", error.Message);
        Assert.Equal("finetune-base", (await _app.Chat("finetune-base").CompleteChatAsync([new UserChatMessage("Hi")], Greedy)).Value.Model);
    }
}
