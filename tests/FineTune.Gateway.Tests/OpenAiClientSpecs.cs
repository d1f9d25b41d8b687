using System.ClientModel;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenAI;
using OpenAI.Chat;

namespace FineTune.Gateway.Tests;

/// <summary>OpenAI's own .NET client, pointed at the gateway with an API key, against a replica that speaks <c>/v1/chat/completions</c>.</summary>
public sealed class OpenAiClientSpecs : IAsyncLifetime
{
    private const string Key = "sk-openai-client-test";
    private Upstream _inference = null!;
    private GatewayApp _gateway = null!;

    public async Task InitializeAsync()
    {
        _inference = await Upstream.StartAsync(app => app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var request = await JsonDocument.ParseAsync(context.Request.Body);
            var question = request.RootElement.GetProperty("messages")[0].GetProperty("content").GetString();
            var words = new[] { "echo:", " ", question };
            if (!request.RootElement.TryGetProperty("stream", out var stream) || !stream.GetBoolean())
            {
                await context.Response.WriteAsJsonAsync(new
                {
                    id = "chatcmpl-1", @object = "chat.completion", created = 1, model = "base",
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(words) }, finish_reason = "stop" } },
                    usage = new { prompt_tokens = 3, completion_tokens = 3, total_tokens = 6 },
                });
                return;
            }
            context.Response.ContentType = "text/event-stream";
            foreach (var word in words)
            {
                var chunk = new { id = "chatcmpl-1", @object = "chat.completion.chunk", created = 1, model = "base",
                    choices = new[] { new { index = 0, delta = new { content = word }, finish_reason = (string?)null } } };
                await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n");
                await context.Response.Body.FlushAsync();
            }
            await context.Response.WriteAsync("data: [DONE]\n\n");
        }));
        _gateway = new GatewayApp(new Dictionary<string, string?>(GatewayApp.Key("sdk", Key, "inference")
            .Append(new("Gateway:Clusters:inference:Replicas:0", _inference.Address.ToString()))));
    }

    private ChatClient Chat(string key) =>
        new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(_gateway.Address, "/v1") }).GetChatClient("base");

    [Fact]
    public async Task The_OpenAI_client_completes_through_the_gateway()
    {
        ChatCompletion completion = await Chat(Key).CompleteChatAsync([new UserChatMessage("ping")]);

        Assert.Equal("echo: ping", completion.Content[0].Text);
        Assert.Equal(6, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task The_OpenAI_client_streams_through_the_gateway_update_by_update()
    {
        var parts = new List<string>();
        await foreach (var update in Chat(Key).CompleteChatStreamingAsync([new UserChatMessage("ping")]))
            parts.AddRange(update.ContentUpdate.Select(c => c.Text));

        Assert.Equal(["echo:", " ", "ping"], parts);
    }

    [Fact]
    public async Task The_OpenAI_client_shows_the_gateways_401_message_for_a_wrong_key()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat("sk-not-a-key").CompleteChatAsync([new UserChatMessage("ping")]));

        Assert.Equal(401, error.Status);
        Assert.Contains("Incorrect API key provided", error.Message);
        Assert.Empty(_inference.Received);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _inference.DisposeAsync();
    }
}
