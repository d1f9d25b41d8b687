using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FineTune.ServiceDefaults.Http;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Files;

namespace FineTune.Cli.Client;

/// <summary>
/// The FineTune suite as one typed client, through its gateway with an API key: upload and curate
/// data, run fine-tuning jobs, read and move the registry's aliases, and chat with any served model.
/// OpenAI's endpoints go through the OpenAI .NET SDK (files, streaming chat); FineTune's own
/// endpoints through plain HTTP. Every failure, whatever its shape, is a <see cref="SuiteApiException"/>.
/// </summary>
public sealed class SuiteClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = ServiceJson.Options;

    private readonly HttpClient _http;
    private readonly string? _apiKey;
    private readonly OpenAIClient _openAi;

    public SuiteClient(Uri gateway, string? apiKey, HttpMessageHandler? handler = null)
    {
        Gateway = gateway.AbsoluteUri.EndsWith('/') ? gateway : new Uri(gateway.AbsoluteUri + "/");
        _apiKey = apiKey;
        // the client's own timeout would cut a long stream; callers pass cancellation tokens instead
        _http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = Gateway, Timeout = Timeout.InfiniteTimeSpan };
        _openAi = new OpenAIClient(new ApiKeyCredential(apiKey ?? "none"), new OpenAIClientOptions
        {
            Endpoint = new Uri(Gateway, "v1"),
            Transport = new HttpClientPipelineTransport(_http),
            // a refused connection should say so at once, not after the SDK's backoff
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromMinutes(10),
        });
    }

    public Uri Gateway { get; }

    public Uri DashboardUrl => new(Gateway, "dashboard");

    // ---- curation

    /// <summary>Uploads a raw data file (<c>purpose=fine-tune</c>); <paramref name="content"/> may report progress as it is read.</summary>
    public Task<UploadedFile> UploadFileAsync(Stream content, string fileName, CancellationToken cancellationToken = default) =>
        Sdk(async () =>
        {
            var result = await _openAi.GetOpenAIFileClient().UploadFileAsync(content, fileName, FileUploadPurpose.FineTune, cancellationToken);
            return Read<UploadedFile>(result.GetRawResponse().Content);
        });

    /// <summary>Curates uploaded files into the dataset's next version (or returns the version already made from them).</summary>
    public Task<DatasetVersion> CurateAsync(string dataset, IReadOnlyList<string> fileIds, CancellationToken cancellationToken = default) =>
        SendAsync<DatasetVersion>(HttpMethod.Post, $"api/datasets/{Escape(dataset)}/versions", new { FileIds = fileIds }, cancellationToken);

    public Task<DatasetCardCounts> GetDatasetCardAsync(string dataset, int version, CancellationToken cancellationToken = default) =>
        SendAsync<DatasetCardCounts>(HttpMethod.Get, $"api/datasets/{Escape(dataset)}/versions/{version}/card", null, cancellationToken);

    /// <summary>The first <paramref name="count"/> examples of a version's test split, as questions and the answers they expect.</summary>
    public async Task<IReadOnlyList<HeldOutPrompt>> GetHeldOutPromptsAsync(string dataset, int version, int count, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Get, $"api/datasets/{Escape(dataset)}/versions/{version}/files/test", null, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(HeldOutPrompts.Parse).OfType<HeldOutPrompt>().Take(count)];
    }

    // ---- training

    public Task<FineTuningJob> CreateJobAsync(JobRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<FineTuningJob>(HttpMethod.Post, "v1/fine_tuning/jobs", new
        {
            request.Model,
            request.TrainingFile,
            request.Suffix,
            request.Seed,
            Hyperparameters = new { NEpochs = request.Epochs, request.BatchSize },
            Extensions = new { request.Method, request.MaxSteps, request.LearningRate },
        }, cancellationToken);

    public Task<FineTuningJob> GetJobAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<FineTuningJob>(HttpMethod.Get, $"v1/fine_tuning/jobs/{Escape(id)}", null, cancellationToken);

    public async Task<IReadOnlyList<FineTuningJob>> ListJobsAsync(int limit = 20, CancellationToken cancellationToken = default) =>
        (await SendAsync<DataPage<FineTuningJob>>(HttpMethod.Get, $"v1/fine_tuning/jobs?limit={limit}", null, cancellationToken)).Data;

    /// <summary>The job's newest events, newest first (as OpenAI lists them).</summary>
    public async Task<IReadOnlyList<JobEventEntry>> GetJobEventsAsync(string id, int limit = 20, CancellationToken cancellationToken = default) =>
        (await SendAsync<DataPage<JobEventEntry>>(HttpMethod.Get, $"v1/fine_tuning/jobs/{Escape(id)}/events?limit={limit}", null, cancellationToken)).Data;

    public Task<FineTuningJob> CancelJobAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<FineTuningJob>(HttpMethod.Post, $"v1/fine_tuning/jobs/{Escape(id)}/cancel", null, cancellationToken);

    // ---- registry

    public Task<IReadOnlyList<RegistryModel>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<RegistryModel>>(HttpMethod.Get, "api/registry/models", null, cancellationToken);

    public Task<RegistryModelView> GetModelAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<RegistryModelView>(HttpMethod.Get, $"api/registry/models/{Escape(name)}", null, cancellationToken);

    /// <summary>The model, or null while the registry has no model by that name.</summary>
    public async Task<RegistryModelView?> FindModelAsync(string name, CancellationToken cancellationToken = default)
    {
        try { return await GetModelAsync(name, cancellationToken); }
        catch (SuiteApiException e) when (e.Status == 404) { return null; }
    }

    public Task<RegistryVersionView> GetModelVersionAsync(string name, int version, CancellationToken cancellationToken = default) =>
        SendAsync<RegistryVersionView>(HttpMethod.Get, $"api/registry/models/{Escape(name)}/versions/{version}", null, cancellationToken);

    public async Task<AliasMove> PromoteAsync(string name, int version, string alias, string reason, bool force = false, CancellationToken cancellationToken = default)
    {
        var moved = await SendAsync<JsonElement>(HttpMethod.Post, $"api/registry/models/{Escape(name)}/aliases/{Escape(alias)}/promote",
            new { Version = version, Reason = reason, Force = force }, cancellationToken);
        return new AliasMove(name, alias, moved.TryGetProperty("previous_version", out var from) && from.ValueKind == JsonValueKind.Number ? from.GetInt32() : null, version);
    }

    public async Task<AliasMove> RollbackAsync(string name, string alias, string reason, CancellationToken cancellationToken = default)
    {
        var moved = await SendAsync<JsonElement>(HttpMethod.Post, $"api/registry/models/{Escape(name)}/aliases/{Escape(alias)}/rollback",
            new { Reason = reason }, cancellationToken);
        return new AliasMove(name, alias, moved.GetProperty("from_version").GetInt32(), moved.GetProperty("to_version").GetInt32());
    }

    // ---- monitoring

    public async Task<MonitoringRun?> FindRunAsync(string jobId, CancellationToken cancellationToken = default) =>
        (await SendAsync<DataPage<MonitoringRun>>(HttpMethod.Get, "api/monitoring/runs", null, cancellationToken)).Data.FirstOrDefault(r => r.JobId == jobId);

    // ---- inference

    /// <summary>The model's answer, piece by piece as the server streams it (greedy, so answers are comparable).</summary>
    public async IAsyncEnumerable<string> StreamChatAsync(string model, IReadOnlyList<ChatTurn> messages, int maxTokens = 128,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = maxTokens, Temperature = 0 };
        var updates = _openAi.GetChatClient(model).CompleteChatStreamingAsync(messages.Select(ToSdk), options, cancellationToken);
        // the first MoveNext sends the request, so errors surface there; a try with a catch cannot hold a yield
        await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);
        while (await Sdk(async () => await enumerator.MoveNextAsync()))
            foreach (var part in enumerator.Current.ContentUpdate)
                if (!string.IsNullOrEmpty(part.Text)) yield return part.Text;
    }

    public async Task<string> ChatAsync(string model, IReadOnlyList<ChatTurn> messages, int maxTokens = 128, CancellationToken cancellationToken = default)
    {
        var answer = new System.Text.StringBuilder();
        await foreach (var piece in StreamChatAsync(model, messages, maxTokens, cancellationToken)) answer.Append(piece);
        return answer.ToString();
    }

    private static ChatMessage ToSdk(ChatTurn turn) => turn.Role switch
    {
        "system" => new SystemChatMessage(turn.Content),
        "assistant" => new AssistantChatMessage(turn.Content),
        _ => new UserChatMessage(turn.Content),
    };

    // ---- plumbing

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
               ?? throw new SuiteApiException((int)response.StatusCode, $"{method} /{path} answered with an empty body");
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (_apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        HttpResponseMessage response;
        try { response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken); }
        catch (HttpRequestException e) { throw SuiteErrors.NoAnswer(Gateway, e); }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await SuiteErrors.FromResponseAsync(response, cancellationToken);
    }

    private async Task<T> Sdk<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (ClientResultException e) { throw SuiteErrors.FromSdk(e, Gateway); }
        catch (HttpRequestException e) { throw SuiteErrors.NoAnswer(Gateway, e); }
    }

    private static T Read<T>(BinaryData content) => content.ToObjectFromJson<T>(Json)!;

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    public void Dispose() => _http.Dispose();

    private sealed record DataPage<T>(IReadOnlyList<T> Data);
}
