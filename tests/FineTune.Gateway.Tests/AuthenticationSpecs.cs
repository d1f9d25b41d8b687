using System.Net;
using System.Net.Http.Json;

namespace FineTune.Gateway.Tests;

public sealed class AuthenticationSpecs : IAsyncLifetime
{
    private const string InferenceKey = "sk-inference-0123456789";
    private const string AdminKey = "sk-admin-9876543210";
    private Upstream _registry = null!;
    private GatewayApp _gateway = null!;

    public async Task InitializeAsync()
    {
        _registry = await Upstream.StartAsync();
        _gateway = new GatewayApp(new Dictionary<string, string?>(
            GatewayApp.Key("app", InferenceKey, "inference")
                .Concat(GatewayApp.Key("ops", AdminKey, "admin"))
                .Append(new("Gateway:Clusters:registry:Replicas:0", _registry.Address.ToString()))));
    }

    [Fact]
    public async Task A_request_without_a_key_is_401_in_OpenAIs_shape_and_never_reaches_the_service()
    {
        using var response = await _gateway.Client().GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await OpenAiErrorBody.ReadAsync(response);
        Assert.Equal("authentication_error", error.Type);
        Assert.Contains("didn't provide an API key", error.Message);
        Assert.Empty(_registry.Received);
    }

    [Fact]
    public async Task A_wrong_key_is_401_and_the_message_does_not_repeat_it()
    {
        using var response = await _gateway.Client("sk-guessed-key-42").GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await OpenAiErrorBody.ReadAsync(response);
        Assert.Equal("Incorrect API key provided.", error.Message);
        Assert.Equal("invalid_api_key", error.Code);
        Assert.Empty(_registry.Received);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz", "not Bearer")]
    [InlineData("Bearer", "exactly one key")]
    [InlineData("Bearer two keys", "exactly one key")]
    public async Task A_malformed_Authorization_header_is_401_saying_what_is_wrong(string header, string expected)
    {
        using var client = _gateway.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await OpenAiErrorBody.ReadAsync(response);
        Assert.Contains("Malformed Authorization header", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Promotion_with_an_inference_key_is_403_and_with_an_admin_key_reaches_the_registry()
    {
        const string promote = "/api/registry/models/support/aliases/production/promote";

        using var refused = await _gateway.Client(InferenceKey).PostAsJsonAsync(promote, new { version = 2 });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var error = await OpenAiErrorBody.ReadAsync(refused);
        Assert.Equal("permission_error", error.Type);
        Assert.Contains("'admin' scope", error.Message);
        Assert.Empty(_registry.Received);

        using var allowed = await _gateway.Client(AdminKey).PostAsJsonAsync(promote, new { version = 2 });
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var received = Assert.Single(_registry.Received);
        Assert.Equal(promote, received.Path);
    }

    [Fact]
    public async Task The_service_sees_the_keys_name_but_never_the_key_and_no_log_line_holds_a_key()
    {
        using (await _gateway.Client(InferenceKey).GetAsync("/v1/models")) { }
        using (await _gateway.Client("sk-wrong-secret-777").GetAsync("/v1/models")) { }

        var received = Assert.Single(_registry.Received);
        Assert.False(received.Headers.ContainsKey("Authorization"));
        Assert.Equal("app", received.Headers["X-FineTune-Key-Name"]);
        Assert.NotEmpty(_gateway.Logs);
        Assert.DoesNotContain(_gateway.Logs, line => line.Contains(InferenceKey) || line.Contains("sk-wrong-secret-777"));
    }

    [Fact]
    public async Task An_unknown_route_is_404_in_OpenAIs_shape()
    {
        using var response = await _gateway.Client(InferenceKey).GetAsync("/v2/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await OpenAiErrorBody.ReadAsync(response);
        Assert.Equal("not_found_error", error.Type);
        Assert.Contains("/v2/nothing-here", error.Message);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _registry.DisposeAsync();
    }
}
