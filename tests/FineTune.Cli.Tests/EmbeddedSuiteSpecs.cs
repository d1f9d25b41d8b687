using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FineTune.Cli.Suite;

namespace FineTune.Cli.Tests;

/// <summary>
/// The whole suite in one process (<c>finetune run</c>'s embedded default): every service's module
/// composed on one in-memory bus and one file store, behind the real gateway.
/// </summary>
public sealed class EmbeddedSuiteSpecs(SuiteFixture fixture) : IClassFixture<SuiteFixture>, IDisposable
{
    private readonly HttpClient _client = Client(fixture.Suite);

    private static HttpClient Client(EmbeddedSuite suite)
    {
        var client = new HttpClient { BaseAddress = suite.GatewayUrl, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", suite.ApiKey);
        return client;
    }

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("/v1/files")]
    [InlineData("/api/datasets")]
    [InlineData("/v1/fine_tuning/jobs")]
    [InlineData("/api/evaluation/policies/any-model")]
    [InlineData("/v1/models")]
    [InlineData("/api/registry/models")]
    [InlineData("/api/inference/models")]
    [InlineData("/api/monitoring/runs")]
    [InlineData("/dashboard")]
    public async Task Every_service_answers_through_the_one_gateway(string path)
    {
        using var response = await _client.GetAsync(path);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task The_gateway_refuses_a_request_without_the_suites_key()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Suite.GatewayUrl };

        using var response = await anonymous.GetAsync("/v1/fine_tuning/jobs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_trained_job_reaches_the_registry_evaluation_and_monitoring_over_the_composed_bus()
    {
        using var upload = new MultipartFormDataContent
        {
            { new StringContent("fine-tune"), "purpose" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(SuiteFixture.SampleData)), "file", "support-chat.jsonl" },
        };
        var file = await ReadAsync(await _client.PostAsync("/v1/files", upload));
        var version = await ReadAsync(await _client.PostAsJsonAsync("/api/datasets/embedded-spec/versions", new JsonObject { ["file_ids"] = new JsonArray(file["id"]!.GetValue<string>()) }));
        var job = await ReadAsync(await _client.PostAsJsonAsync("/v1/fine_tuning/jobs", new JsonObject
        {
            ["model"] = "finetune-base",
            ["training_file"] = $"embedded-spec:{version["version"]}",
            ["suffix"] = "embedded-spec",
            ["extensions"] = new JsonObject { ["method"] = "lora", ["max_steps"] = 2 },
        }));

        // TrainingCompleted → the registry registers version 1; EvaluationCompleted → its verdict is attached
        var registered = await PollAsync("/api/registry/models/embedded-spec/versions/1", v => v?["evaluation"] is JsonObject, "version 1 of embedded-spec with its evaluation");
        Assert.Equal(job["id"]!.GetValue<string>(), registered["version"]!["job_id"]!.GetValue<string>());
        // … and monitoring, from the same events, shows the run
        var runs = await PollAsync("/api/monitoring/runs", r => r?["data"]?.AsArray().Any(run => run?["job_id"]?.GetValue<string>() == job["id"]!.GetValue<string>()) == true, "the job's run in monitoring");
        Assert.NotEmpty(runs["data"]!.AsArray());
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
            return JsonNode.Parse(body)!;
        }
    }

    private async Task<JsonNode> PollAsync(string path, Func<JsonNode?, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await _client.GetAsync(path);
            if (response.IsSuccessStatusCode && done(last = JsonNode.Parse(await response.Content.ReadAsStringAsync()))) return last!;
            await Task.Delay(500);
        }
        throw new TimeoutException($"no {what} after 5 minutes; last answer: {last?.ToJsonString()}; suite log: {File.ReadAllText(fixture.Suite.LogFile)}");
    }
}
