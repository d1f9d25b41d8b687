using System.Text.Json;
using System.Threading.Channels;
using FineTune.Inference.Serving;
using FineTune.Models.Generation;
using FineTune.Models.Serving;
using FineTune.ServiceDefaults.Http;
using FineTune.Tokenizers.Chat;

namespace FineTune.Inference.Apis;

/// <summary>
/// OpenAI's <c>/v1/chat/completions</c> and <c>/v1/completions</c>: messages rendered with the model's
/// chat template, sampling settings, <c>n</c> choices generated as one batch, <c>usage</c>, and
/// streaming as server-sent events ending in <c>[DONE]</c>. A client that goes away stops its generation.
/// Every mistake is a 4xx in OpenAI's error shape naming the field.
/// </summary>
public static class CompletionsApi
{
    public static IEndpointRouteBuilder MapCompletionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", ChatAsync).WithTags("Completions");
        app.MapPost("/v1/completions", CompleteAsync).WithTags("Completions");
        return app;
    }

    public static async Task ChatAsync(HttpContext http, ModelCatalog catalog, ResultCache cache, InferenceRecords records, InferenceMetrics metrics)
    {
        if (await ReadAsync<ChatCompletionRequest>(http) is not { } request) return;
        if (request.Messages is not { Count: > 0 } messages) { await Fail(http, 400, "'messages' must hold at least one message.", "messages"); return; }
        if (messages.FirstOrDefault(m => !ChatRoles.IsKnown(m.Role ?? "") || m.Content is null) is { } bad)
        {
            await Fail(http, 400, $"Message with role '{bad.Role}' is not valid: roles are system, user or assistant, and content is required.", "messages");
            return;
        }
        await GenerateAsync(new Serving(http, catalog, cache, records, metrics), request.Model, request.MaxCompletionTokens ?? request.MaxTokens, request.Temperature, request.TopP, request.Stop,
            request.Seed, request.N, request.Stream, chat: true, model => model.Text.ChatPrompt(messages), [.. messages.Select(m => m.Content!)], "messages");
    }

    public static async Task CompleteAsync(HttpContext http, ModelCatalog catalog, ResultCache cache, InferenceRecords records, InferenceMetrics metrics)
    {
        if (await ReadAsync<CompletionRequest>(http) is not { } request) return;
        if (string.IsNullOrEmpty(request.Prompt)) { await Fail(http, 400, "'prompt' is required.", "prompt"); return; }
        await GenerateAsync(new Serving(http, catalog, cache, records, metrics), request.Model, request.MaxTokens, request.Temperature, request.TopP, request.Stop, request.Seed, request.N,
            request.Stream, chat: false, model => model.Text.Tokenizer.Encode(request.Prompt, FineTune.Tokenizers.SpecialTokenPolicy.AsText), [request.Prompt], "prompt");
    }

    /// <summary>What one request is served with.</summary>
    private sealed record Serving(HttpContext Http, ModelCatalog Catalog, ResultCache Cache, InferenceRecords Records, InferenceMetrics Metrics);

    private static async Task GenerateAsync(Serving serving, string? modelId, int? maxTokens, float? temperature, float? topP,
        JsonElement? stop, long? seed, int? n, bool stream, bool chat, Func<ModelLease, int[]> prompt, IReadOnlyList<string> promptTexts, string promptField)
    {
        var (http, catalog) = (serving.Http, serving.Catalog);
        var cancellationToken = http.RequestAborted;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (string.IsNullOrEmpty(modelId)) { await Fail(http, 400, "'model' is required.", "model"); return; }
        if (maxTokens is <= 0) { await Fail(http, 400, $"'max_tokens' must be at least 1, got {maxTokens}.", "max_tokens"); return; }
        if (temperature is < 0 or > 2) { await Fail(http, 400, $"'temperature' must be between 0 and 2, got {temperature}.", "temperature"); return; }
        if (topP is <= 0 or > 1) { await Fail(http, 400, $"'top_p' must be in (0, 1], got {topP}.", "top_p"); return; }
        if (n is < 1 or > 8) { await Fail(http, 400, $"'n' must be between 1 and 8, got {n}.", "n"); return; }
        if (Stops(stop) is not { } stops) { await Fail(http, 400, "'stop' must be a string or an array of up to 4 strings.", "stop"); return; }

        ModelLease model;
        try { model = await catalog.ResolveAsync(modelId, cancellationToken); }
        catch (UnknownModelException e) { await Fail(http, 404, e.Message, "model", "model_not_found"); return; }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FormatException or FineTune.Models.Formats.ModelFormatException)
        {
            // a registered adapter that does not fit its base model, or a base that is not here
            await Fail(http, 400, $"The model '{modelId}' cannot be served: {e.Message}", "model", "model_not_servable");
            return;
        }
        await using var held = model; // the version stays loaded until this request is done

        var ids = prompt(model);
        var context = model.ContextLength;
        if (ids.Length >= context)
        {
            await Fail(http, 400, $"The prompt is {ids.Length} tokens; this model's context is {context}, which leaves no room to answer.", promptField, "context_length_exceeded");
            return;
        }
        var stopIds = new List<int> { model.Text.EndOfTextId };
        if (model.Text.EndOfTurnId is { } endOfTurn) stopIds.Add(endOfTurn);
        var options = new SamplingOptions
        {
            Temperature = temperature ?? 1f, TopP = topP ?? 1f, MaxNewTokens = Math.Min(maxTokens ?? 256, context - ids.Length),
            StopTokenIds = stopIds, StopSequences = stops, Seed = seed is { } s ? (ulong)s : null,
        };
        var id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N")[..24];
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var choices = n ?? 1;

        if (!stream)
        {
            var key = ResultCache.KeyFor(model.Id, chat ? "chat" : "completion", ids, options.MaxNewTokens, options.Temperature, options.TopP, stops, seed, choices);
            if (await serving.Cache.GetAsync(key, cancellationToken) is { } cached)
            {
                http.Response.Headers["X-FineTune-Cache"] = "hit";
                http.Response.ContentType = "application/json";
                await http.Response.Body.WriteAsync(cached, cancellationToken);
                Record(serving, model, promptTexts, ids.Length, CachedAnswers(cached), 0, clock.Elapsed, null, "cached", cacheHit: true);
                return;
            }
            GenerationResult[] results;
            try { results = await model.GenerateAsync(ids, options, choices, null, cancellationToken); }
            catch (ServerBusyException e) { await Busy(http, e); return; }
            var usage = new Usage(ids.Length, results.Sum(r => r.CompletionTokenCount));
            object body = chat
                ? new ChatCompletion(id, created, model.Id, [.. results.Select((r, i) => new ChatChoice(i, new AssistantMessage("assistant", r.Text), r.FinishReason.ToOpenAiString()))], usage)
                : new TextCompletion(id, created, model.Id, [.. results.Select((r, i) => new TextChoice(i, r.Text, r.FinishReason.ToOpenAiString()))], usage);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), ServiceJson.Options);
            await serving.Cache.SetAsync(key, bytes, cancellationToken);
            http.Response.ContentType = "application/json";
            await http.Response.Body.WriteAsync(bytes, cancellationToken);
            Record(serving, model, promptTexts, ids.Length, [.. results.Select(r => r.Text)], usage.CompletionTokens, clock.Elapsed, null, results[0].FinishReason.ToOpenAiString(), cacheHit: false);
            return;
        }

        // tokens come on the generation thread; the request writes them as they arrive
        var events = Channel.CreateUnbounded<TokenEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Task<GenerationResult[]> generation;
        try { generation = model.GenerateAsync(ids, options, choices, e => events.Writer.TryWrite(e), cancellationToken); }
        catch (ServerBusyException e) { await Busy(http, e); return; }
        _ = generation.ContinueWith(_ => events.Writer.TryComplete(), TaskScheduler.Default);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        if (chat)
            for (var i = 0; i < choices; i++)
                await WriteEventAsync(http, new ChatCompletionChunk(id, created, model.Id, [new ChunkChoice(i, new ChunkDelta("assistant", ""), null)]), cancellationToken);
        TimeSpan? firstToken = null;
        var generated = 0;
        var answers = Enumerable.Range(0, choices).Select(_ => new System.Text.StringBuilder()).ToArray();
        string? lastFinish = null;
        await foreach (var e in events.Reader.ReadAllAsync(cancellationToken))
        {
            firstToken ??= clock.Elapsed;
            generated++;
            lastFinish = e.FinishReason?.ToOpenAiString() ?? lastFinish;
            answers[e.SequenceIndex].Append(e.Text);
            var finish = e.FinishReason?.ToOpenAiString();
            object chunk = chat
                ? new ChatCompletionChunk(id, created, model.Id, [new ChunkChoice(e.SequenceIndex, new ChunkDelta(null, e.Text), finish)])
                : new TextCompletion(id, created, model.Id, [new TextChoice(e.SequenceIndex, e.Text, finish)], null);
            await WriteEventAsync(http, chunk, cancellationToken);
        }
        await generation;
        await http.Response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        Record(serving, model, promptTexts, ids.Length, [.. answers.Select(a => a.ToString())], generated, clock.Elapsed, firstToken, lastFinish ?? "stop", cacheHit: false);
    }

    private static Task Busy(HttpContext http, ServerBusyException e)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Fail(http, 429, e.Message, null, "server_busy");
    }

    // what monitoring hears of one answered request: counts, timings, safety flags and a prompt sketch, never the text
    private static void Record(Serving serving, ModelLease model, IReadOnlyList<string> promptTexts, int promptTokens, IReadOnlyList<string> answers,
        int completionTokens, TimeSpan latency, TimeSpan? firstToken, string finish, bool cacheHit)
    {
        var (flagged, refused) = AnswerScreen.Screen(string.Join("\n", promptTexts), answers);
        serving.Metrics.Answered(model.Id, completionTokens, latency, firstToken, flagged);
        serving.Records.Record(new FineTune.Contracts.InferenceRecorded(serving.Http.TraceIdentifier, InferenceRecords.RefOf(model.Id), model.Adapter?.Id, promptTokens,
            completionTokens, latency.TotalMilliseconds, firstToken?.TotalMilliseconds, finish, cacheHit, flagged, refused, 200,
            PromptSketch.Of(promptTexts, model.Text.Tokenizer), DateTimeOffset.UtcNow));
    }

    // the choices' texts in a cached chat or text completion
    private static List<string> CachedAnswers(byte[] cached)
    {
        using var document = JsonDocument.Parse(cached);
        return [.. document.RootElement.GetProperty("choices").EnumerateArray()
            .Select(c => (c.TryGetProperty("message", out var message) ? message.GetProperty("content") : c.GetProperty("text")).GetString() ?? "")];
    }

    private static async Task WriteEventAsync(HttpContext http, object chunk, CancellationToken cancellationToken)
    {
        await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk, chunk.GetType(), StreamJson) + "\n\n", cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }

    private static readonly JsonSerializerOptions StreamJson = ServiceJson.Configure(new JsonSerializerOptions { WriteIndented = false });

    /// <summary>OpenAI's <c>stop</c>: a string, an array of up to four, or nothing; null when malformed.</summary>
    private static IReadOnlyList<string>? Stops(JsonElement? stop) => stop switch
    {
        null or { ValueKind: JsonValueKind.Null } => [],
        { ValueKind: JsonValueKind.String } one => [one.GetString()!],
        { ValueKind: JsonValueKind.Array } many when many.GetArrayLength() <= 4 && many.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String) =>
            [.. many.EnumerateArray().Select(s => s.GetString()!)],
        _ => null,
    };

    private static async Task<T?> ReadAsync<T>(HttpContext http) where T : class
    {
        try { return await http.Request.ReadFromJsonAsync<T>(ServiceJson.Options, http.RequestAborted) ?? throw new JsonException("empty body"); }
        catch (JsonException e)
        {
            await Fail(http, 400, $"The request body is not valid JSON for this endpoint: {e.Message}", null);
            return null;
        }
    }

    private static Task Fail(HttpContext http, int status, string message, string? param, string? code = null) =>
        OpenAiError.Result(status, message, param, code).ExecuteAsync(http);
}
