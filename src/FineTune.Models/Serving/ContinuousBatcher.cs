using System.Collections.Concurrent;
using System.Diagnostics;
using FineTune.Models.Adapters;
using FineTune.Models.Generation;
using FineTune.Models.Llama;

namespace FineTune.Models.Serving;

/// <summary>The scheduler's queue is full: come back after <see cref="RetryAfter"/>.</summary>
public sealed class ServerBusyException(TimeSpan retryAfter)
    : Exception($"The server is busy: every sequence slot and the waiting queue are taken. Retry after {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} s.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Continuous batching over one model: requests join and leave between steps. A loop asks the
/// <see cref="IterationScheduler"/> for a step — one token for every decoding sequence, prompt chunks
/// for the rest of the token budget — runs it as one <see cref="InferenceSession.Forward"/> over every
/// sequence's own KV cache, samples where a row yields a token, and reports back. Requests for
/// different adapters of the model share the batch: each row carries its own adapter, and rows with
/// the same adapter are put side by side. A request whose client goes away is cancelled at once and
/// frees its slot; a full queue is refused with a retry time.
/// </summary>
public sealed class ContinuousBatcher : IAsyncDisposable
{
    private readonly InferenceSession _session;
    private readonly IterationScheduler _scheduler;
    private readonly ConcurrentDictionary<long, Entry> _entries = new();
    private readonly SemaphoreSlim _work = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private float[] _logits = [];
    private long _nextId;

    public ContinuousBatcher(InferenceSession session, SchedulerSettings settings)
    {
        _session = session;
        _scheduler = new IterationScheduler(settings);
        _loop = Task.Factory.StartNew(Loop, TaskCreationOptions.LongRunning);
    }

    public IterationScheduler Scheduler => _scheduler;

    /// <summary>Generates one sequence as part of whatever batch is running; completes when it finishes.</summary>
    /// <param name="adapter">Serve the sequence with this adapter on the batcher's model; null for the model itself.</param>
    public Task<GenerationResult> SubmitAsync(int[] prompt, SamplingOptions options, Func<int, string>? decode = null, TokenCallback? onToken = null,
        ServingAdapter? adapter = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (adapter is not null && !ReferenceEquals(adapter.Base, _session.Model))
            throw new ArgumentException($"The adapter '{adapter.Id}' was prepared for another base model than this batcher serves.", nameof(adapter));
        var config = _session.Model.Config;
        if (prompt.Length == 0) throw new ArgumentException("A prompt needs at least one token.", nameof(prompt));
        var room = config.MaxPositionEmbeddings - prompt.Length;
        if (room < 1) throw new ArgumentException($"The prompt has {prompt.Length} tokens; the model's context holds {config.MaxPositionEmbeddings}.", nameof(prompt));
        var maxNew = Math.Min(options.MaxNewTokens, room);
        var id = Interlocked.Increment(ref _nextId);
        var entry = new Entry(new ServingSequence(id, prompt.Length, maxNew, cancellationToken), new SequenceGeneration(options, prompt, 0, room),
            _session.NewCache(prompt.Length + maxNew), prompt, decode, onToken, adapter);
        _entries[id] = entry;
        var submitted = _scheduler.Submit(entry.Sequence);
        if (submitted.Outcome == SubmitOutcome.Rejected)
        {
            _entries.TryRemove(id, out _);
            throw new ServerBusyException(submitted.RetryAfter);
        }
        cancellationToken.Register(() => { entry.Result.TrySetCanceled(cancellationToken); _work.Release(); });
        _work.Release();
        return entry.Result.Task;
    }

    private void Loop()
    {
        var steps = new List<SequenceStep>();
        var rows = new List<(Entry Entry, bool Samples)>();
        while (!_stop.IsCancellationRequested)
        {
            Forget(e => e.Sequence.State == SequenceState.Cancelled, e => e.Result.TrySetCanceled());
            var plan = _scheduler.NextStep();
            if (plan.IsEmpty)
            {
                try { _work.Wait(50, _stop.Token); } catch (OperationCanceledException) { return; }
                continue;
            }
            var clock = Stopwatch.StartNew();
            steps.Clear();
            rows.Clear();
            foreach (var e in plan.Decodes.Select(Live).OfType<Entry>().OrderBy(AdapterOrder))
            {
                steps.Add(new SequenceStep(e.Cache, new[] { e.LastToken }, e.Adapter));
                rows.Add((e, true));
            }
            foreach (var (e, chunk) in plan.Prefills.Select(c => (Entry: Live(c.Sequence), Chunk: c)).Where(p => p.Entry is not null).OrderBy(p => AdapterOrder(p.Entry!)))
            {
                steps.Add(new SequenceStep(e!.Cache, e.Prompt.AsMemory(chunk.Start, chunk.Length), e.Adapter));
                rows.Add((e, chunk.CompletesPrompt));
            }
            try { Step(steps, rows); }
            catch (Exception error)
            {
                // a step that fails fails the sequences in it, not the server
                foreach (var (e, _) in rows)
                {
                    _scheduler.Cancel(e.Sequence.Id);
                    e.Result.TrySetException(error);
                }
            }
            foreach (var finished in _scheduler.OnTokensDone(plan))
                if (_entries.TryRemove(finished.Id, out var e)) e.Result.TrySetResult(e.Generation.ToResult());
            _scheduler.ObserveStepDuration(clock.Elapsed);
        }
    }

    private Entry? Live(ServingSequence sequence) => _entries.GetValueOrDefault(sequence.Id);

    // rows of one adapter side by side: each adapter's delta is then one product per projection
    private static string AdapterOrder(Entry entry) => entry.Adapter?.Id ?? "";

    private void Step(List<SequenceStep> steps, List<(Entry Entry, bool Samples)> rows)
    {
        var vocabulary = _session.Model.Config.VocabSize;
        if (_logits.Length < steps.Count * vocabulary) _logits = new float[steps.Count * vocabulary];
        _session.Forward(steps, _logits.AsSpan(0, steps.Count * vocabulary));
        for (var i = 0; i < rows.Count; i++)
        {
            var (e, samples) = rows[i];
            if (!samples || e.Result.Task.IsCompleted) continue;
            var token = e.Generation.SampleNext(_logits.AsSpan(i * vocabulary, vocabulary));
            var tokenEvent = e.Generation.Accept(token, e.Decode?.Invoke(token) ?? "");
            e.OnToken?.Invoke(tokenEvent);
            e.LastToken = token;
            if (!tokenEvent.IsLast) continue;
            _scheduler.Complete(e.Sequence.Id, tokenEvent.FinishReason!.Value);
            _entries.TryRemove(e.Sequence.Id, out _);
            e.Result.TrySetResult(e.Generation.ToResult());
        }
    }

    private void Forget(Func<Entry, bool> gone, Action<Entry> settle)
    {
        foreach (var (id, entry) in _entries)
            if (gone(entry) && _entries.TryRemove(id, out _)) settle(entry);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Forget(_ => true, e => e.Result.TrySetCanceled());
        _stop.Dispose();
    }

    private sealed class Entry(ServingSequence sequence, SequenceGeneration generation, KvCache cache, int[] prompt, Func<int, string>? decode, TokenCallback? onToken,
        ServingAdapter? adapter)
    {
        public ServingAdapter? Adapter { get; } = adapter;
        public ServingSequence Sequence { get; } = sequence;
        public SequenceGeneration Generation { get; } = generation;
        public KvCache Cache { get; } = cache;
        public int[] Prompt { get; } = prompt;
        public Func<int, string>? Decode { get; } = decode;
        public TokenCallback? OnToken { get; } = onToken;
        public int LastToken { get; set; }
        public TaskCompletionSource<GenerationResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
