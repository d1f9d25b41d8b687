using FineTune.Models.Generation;

namespace FineTune.Models.Serving;

/// <summary>
/// Continuous batching at the level of single iterations. Each <see cref="NextStep"/> admits waiting
/// sequences whose cache blocks fit, decodes one token for every decoding sequence, and spends the
/// rest of the token budget on prompt chunks in arrival order, so a long prompt is fed over several
/// steps while running sequences keep decoding. <see cref="OnTokensDone"/> then advances states.
/// <para>
/// Admission policy: a sequence reserves blocks for its whole prompt plus max_new_tokens when it is
/// admitted, so a running sequence can never run out of cache and nothing ever has to be preempted;
/// the cost is that a request asking for far more tokens than it uses holds that room until it ends.
/// Admission is first-come first-served: a waiting sequence that does not fit blocks those behind it,
/// so a large request cannot be starved by a stream of small ones.
/// </para>
/// <para>
/// <see cref="Submit"/>, <see cref="Cancel"/> and <see cref="Complete"/> may be called from any thread;
/// planning is meant for one serving loop. Blocks freed while a step is in flight are handed out
/// again only by a later step (or a later Submit), never to a sequence of the step in flight.
/// </para>
/// </summary>
public sealed class IterationScheduler
{
    // Weight of the newest observation in the running step-time estimate.
    private const double StepDurationSmoothing = 0.2;

    private readonly Lock _gate = new();
    private readonly KvBlockAllocator _blocks;
    private readonly List<ServingSequence> _running = [];          // admission order, which is arrival order
    private readonly List<ServingSequence> _waiting = [];          // arrival order
    private readonly Dictionary<long, Live> _live = [];
    private readonly List<ServingSequence> _admittedSincePlan = [];
    private StepPlan? _inFlight;
    private long _lastStepNumber;
    private TimeSpan _stepDuration;

    public IterationScheduler(SchedulerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
        _blocks = new KvBlockAllocator(settings.TotalBlocks, settings.BlockSize);
        _stepDuration = settings.StepDurationEstimate;
    }

    public SchedulerSettings Settings { get; }

    public int FreeBlocks { get { lock (_gate) return _blocks.FreeBlocks; } }

    public int UsedBlocks { get { lock (_gate) return _blocks.UsedBlocks; } }

    /// <summary>Prefilling and decoding sequences, in arrival order (a snapshot).</summary>
    public IReadOnlyList<ServingSequence> Running { get { lock (_gate) return [.. _running]; } }

    /// <summary>Queued sequences, in arrival order (a snapshot).</summary>
    public IReadOnlyList<ServingSequence> Waiting { get { lock (_gate) return [.. _waiting]; } }

    /// <summary>Smoothed time of one step, used for Retry-After.</summary>
    public TimeSpan StepDurationEstimate { get { lock (_gate) return _stepDuration; } }

    /// <summary>
    /// Admits the sequence if nothing waits ahead of it and its blocks fit, else queues it, else — the
    /// queue being full — rejects it with a Retry-After estimate. A sequence whose reservation exceeds
    /// the whole cache can never run and is refused with an exception.
    /// </summary>
    public SubmitResult Submit(ServingSequence sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        lock (_gate)
        {
            if (sequence.State != SequenceState.Waiting)
                throw new ArgumentException($"Sequence {sequence.Id} is {sequence.State}; only a new sequence can be submitted.", nameof(sequence));
            if (_live.ContainsKey(sequence.Id))
                throw new ArgumentException($"A sequence with id {sequence.Id} is already being served.", nameof(sequence));
            var blocksNeeded = _blocks.BlocksFor(sequence.ReservedTokens);
            if (blocksNeeded > _blocks.TotalBlocks)
                throw new ArgumentException(
                    $"A prompt of {sequence.PromptTokenCount} tokens plus max_new_tokens {sequence.MaxNewTokens} needs {blocksNeeded} cache blocks " +
                    $"of {_blocks.BlockSize} tokens, but the cache has {_blocks.TotalBlocks} blocks in all.", nameof(sequence));

            SubmitResult result;
            if (_waiting.Count == 0 && TryAdmit(sequence)) result = SubmitResult.Admitted;
            else if (_waiting.Count >= Settings.MaxWaitingSequences) return Rejection();
            else
            {
                _waiting.Add(sequence);
                result = SubmitResult.Queued;
            }

            // Registered last: a token cancelled already runs Cancel right here, on consistent state.
            var live = new Live(sequence);
            _live.Add(sequence.Id, live);
            live.Registration = sequence.Cancellation.Register(static state =>
            {
                var (scheduler, id) = ((IterationScheduler, long))state!;
                scheduler.Cancel(id);
            }, (this, sequence.Id));
            return result;
        }
    }

    /// <summary>Ends a live sequence at its client's request and frees its blocks at once; false if it is not live.</summary>
    public bool Cancel(long sequenceId)
    {
        lock (_gate)
        {
            if (!_live.TryGetValue(sequenceId, out var live)) return false;
            live.Sequence.Cancel();
            End(live);
            return true;
        }
    }

    /// <summary>
    /// Ends a running sequence the serving loop saw stop (a stop token or string) and frees its blocks.
    /// False if it is no longer live, e.g. its client cancelled it meanwhile.
    /// </summary>
    public bool Complete(long sequenceId, FinishReason reason)
    {
        lock (_gate)
        {
            if (!_live.TryGetValue(sequenceId, out var live)) return false;
            live.Sequence.Finish(reason);
            End(live);
            return true;
        }
    }

    /// <summary>Plans the next step. The previous non-empty plan must have been reported to <see cref="OnTokensDone"/>.</summary>
    public StepPlan NextStep()
    {
        lock (_gate)
        {
            if (_inFlight is not null)
                throw new InvalidOperationException($"Step {_inFlight.Number} is still in flight; report it to OnTokensDone before planning the next.");
            while (_waiting.Count > 0 && TryAdmit(_waiting[0])) _waiting.RemoveAt(0);

            var decodes = _running.Where(s => s.State == SequenceState.Decoding).ToList();
            var prefills = new List<PrefillChunk>();
            var budget = Settings.StepTokenBudget - decodes.Count;
            foreach (var sequence in _running)
            {
                if (budget == 0) break;
                if (sequence.State != SequenceState.Prefilling) continue;
                var length = Math.Min(sequence.RemainingPromptTokens, budget);
                prefills.Add(new PrefillChunk(sequence, sequence.PrefilledTokens, length));
                budget -= length;
            }

            var plan = new StepPlan(++_lastStepNumber, [.. _admittedSincePlan], decodes, prefills);
            _admittedSincePlan.Clear();
            if (!plan.IsEmpty) _inFlight = plan;
            return plan;
        }
    }

    /// <summary>
    /// Records that the model ran <paramref name="plan"/>: prompt chunks are in the cache (a finished
    /// prompt also yields its first token) and each decode produced one token. Sequences cancelled or
    /// completed meanwhile are skipped. Returns the sequences that reached max_new_tokens, now ended.
    /// </summary>
    public IReadOnlyList<ServingSequence> OnTokensDone(StepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (_gate)
        {
            if (plan.IsEmpty && plan.Number == _lastStepNumber) return [];
            if (!ReferenceEquals(plan, _inFlight))
                throw new InvalidOperationException(
                    $"Step {plan.Number} is not the step in flight ({_inFlight?.Number.ToString() ?? "none"}); each plan is reported done once, in order.");
            _inFlight = null;

            var finished = new List<ServingSequence>();
            foreach (var chunk in plan.Prefills)
            {
                if (chunk.Sequence.State != SequenceState.Prefilling) continue;
                chunk.Sequence.RecordPrefill(chunk.Length);
                EndIfFinished(chunk.Sequence, finished);
            }
            foreach (var sequence in plan.Decodes)
            {
                if (sequence.State != SequenceState.Decoding) continue;
                sequence.RecordDecodedToken();
                EndIfFinished(sequence, finished);
            }
            return finished;
        }
    }

    /// <summary>Folds the measured time of one step into <see cref="StepDurationEstimate"/>.</summary>
    public void ObserveStepDuration(TimeSpan elapsed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        lock (_gate) _stepDuration += (elapsed - _stepDuration) * StepDurationSmoothing;
    }

    private bool TryAdmit(ServingSequence sequence)
    {
        if (_running.Count >= Settings.MaxRunningSequences || !_blocks.CanAdmit(sequence.ReservedTokens)) return false;
        sequence.Admit(_blocks.Allocate(sequence.Id, sequence.ReservedTokens));
        _running.Add(sequence);
        _admittedSincePlan.Add(sequence);
        return true;
    }

    private void EndIfFinished(ServingSequence sequence, List<ServingSequence> finished)
    {
        if (sequence.State != SequenceState.Finished) return;
        End(_live[sequence.Id]);
        finished.Add(sequence);
    }

    private void End(Live live)
    {
        var sequence = live.Sequence;
        _live.Remove(sequence.Id);
        // Unregister, not Dispose: Dispose would wait for a callback blocked on this very lock.
        live.Registration.Unregister();
        if (!_running.Remove(sequence)) _waiting.Remove(sequence);
        _admittedSincePlan.Remove(sequence);
        if (_blocks.Holds(sequence.Id)) _blocks.Free(sequence.Id);
        sequence.ReleaseBlocks();
    }

    // A queue place opens when a running sequence ends; the soonest one, assuming it runs to its
    // token limit, bounds the wait. Prompts are assumed to get the whole budget, hence "estimate".
    private SubmitResult Rejection()
    {
        var steps = _running.Count == 0 ? 1 : _running.Min(StepsToFinish);
        return SubmitResult.Rejected(steps, _stepDuration * steps);
    }

    private int StepsToFinish(ServingSequence sequence) => sequence.State == SequenceState.Decoding
        ? sequence.MaxNewTokens - sequence.GeneratedCount
        : (sequence.RemainingPromptTokens + Settings.StepTokenBudget - 1) / Settings.StepTokenBudget + sequence.MaxNewTokens - 1;

    private sealed class Live(ServingSequence sequence)
    {
        public ServingSequence Sequence { get; } = sequence;

        public CancellationTokenRegistration Registration { get; set; }
    }
}
