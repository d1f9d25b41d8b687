using FineTune.Models.Llama;

namespace FineTune.Models.FineTuning.Search;

/// <summary>
/// Runs the trials of a <see cref="SearchSpace"/> one after another with <see cref="FineTuner"/>, each
/// on a fresh copy of the base model and in its own run folder, compares them by validation loss,
/// and stops a hopeless trial at an evaluation by the median stopping rule (see
/// <see cref="PruneMargin"/>). A trial whose loss stops being finite fails without ending the search.
/// </summary>
public sealed class HyperparameterSearch(SearchSpace space, FineTuneOptions baseOptions)
{
    public SearchSpace Space { get; } = space;
    public FineTuneOptions BaseOptions { get; } = baseOptions;

    /// <summary>How much worse than the completed trials' median a trial's best validation loss may be before it is stopped (0: any worse).</summary>
    public double PruneMargin { get; init; }

    /// <param name="newModel">Makes the base model afresh for each trial (full fine-tuning and Half Fine-Tuning train it in place), e.g.
    /// <c>() =&gt; new LlamaModel(base.Config, (float[])base.Parameters.Clone())</c> or a load from disk.</param>
    /// <param name="validation">Required: trials are compared and stopped by their validation loss.</param>
    /// <param name="folder">Each trial runs in its own subfolder, <c>trial-01</c>, <c>trial-02</c>…; they must not exist yet.</param>
    /// <exception cref="OperationCanceledException">The search was cancelled; the running trial's folder holds its checkpoint.</exception>
    public SearchResult Run(Func<LlamaModel> newModel, ExampleSet train, ExampleSet? validation, string folder, int padId,
        string? baseModelName = null, IProgress<SearchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (validation is null)
            throw new ArgumentException("A hyperparameter search needs a validation set: it compares and stops trials by their validation loss.", nameof(validation));
        if (!(PruneMargin >= 0) || double.IsInfinity(PruneMargin))
            throw new ArgumentException($"Setting 'prune_margin': must be finite and ≥ 0, got {PruneMargin}.", "prune_margin");
        var trials = Space.Trials(BaseOptions).ToList();
        var digits = Math.Max(2, trials.Count.ToString().Length); // trial folders list in the order they ran
        var folders = trials.Select(t => Path.Combine(folder, $"trial-{t.Number.ToString().PadLeft(digits, '0')}")).ToList();
        if (folders.FirstOrDefault(Directory.Exists) is { } taken)
            throw new ArgumentException($"{taken} already exists; a search starts in a folder of its own.", nameof(folder));

        var rule = new MedianStoppingRule(PruneMargin);
        var results = new List<TrialResult>(trials.Count);
        for (var i = 0; i < trials.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var model = newModel();
            // a setting no trial can train with is refused before the first trial spends anything
            if (i == 0) trials.ForEach(t => t.Options.Validate(model.Config));
            var trial = new TrialRun(trials[i], trials.Count, folders[i], rule, progress);
            var result = trial.Run(model, train, validation, padId, baseModelName, cancellationToken);
            if (result.Status == TrialStatus.Completed) rule.AddCompleted(result.History);
            results.Add(result);
            progress?.Report(new SearchProgress(i + 1, trials.Count, trials[i], null, result));
        }
        return new SearchResult(results);
    }

    /// <summary>One trial: follows its steps, stops it when the rule says so, and records how it ended.</summary>
    private sealed class TrialRun(TrialSettings settings, int trialCount, string runFolder, MedianStoppingRule rule, IProgress<SearchProgress>? progress)
        : IProgress<FineTuneProgress>
    {
        private readonly List<FineTuneRecord> _history = [];
        private CancellationTokenSource? _stop;
        private float? _bestLoss;
        private long? _bestStep;
        private TrialStatus? _stoppedAs;
        private string? _error;

        public TrialResult Run(LlamaModel model, ExampleSet train, ExampleSet validation, int padId, string? baseModelName, CancellationToken searchCancelled)
        {
            // cancelling the linked source stops this trial alone; cancelling the search stops it too
            using var stop = _stop = CancellationTokenSource.CreateLinkedTokenSource(searchCancelled);
            FineTuneResult? run = null;
            try
            {
                run = new FineTuner(settings.Options).Run(model, train, validation, runFolder, padId, baseModelName, this, stop.Token);
            }
            catch (OperationCanceledException) when (_stoppedAs is not null && !searchCancelled.IsCancellationRequested) { }
            catch (InvalidOperationException e)
            {
                (_stoppedAs, _error) = (TrialStatus.Failed, e.Message);
            }

            return new TrialResult
            {
                Settings = settings,
                Status = _stoppedAs ?? TrialStatus.Completed,
                RunFolder = runFolder,
                Steps = _history.Count > 0 ? _history[^1].Step : 0,
                History = _history,
                BestValidationLoss = _bestLoss,
                BestStep = _bestStep,
                Error = _error,
                Run = run,
            };
        }

        public void Report(FineTuneProgress p)
        {
            _history.Add(new FineTuneRecord(p.Step, p.Epoch, p.Loss, p.ValidationLoss, p.LearningRate));
            progress?.Report(new SearchProgress(settings.Number, trialCount, settings, p, null));
            if (p.ValidationLoss is not { } loss || _stoppedAs is not null) return;
            if (!float.IsFinite(loss))
            {
                Stop(TrialStatus.Failed, $"The validation loss became {loss} at step {p.Step}; lower learning_rate (now {settings.LearningRate}).");
                return;
            }
            if (_bestLoss is null || loss < _bestLoss) (_bestLoss, _bestStep) = (loss, p.Step);
            // at the last step there is nothing left to save: the trial counts as completed
            if (p.Step < p.TotalSteps && rule.IsHopeless(p.Step, _bestLoss.Value)) Stop(TrialStatus.Pruned, null);
        }

        private void Stop(TrialStatus status, string? error)
        {
            (_stoppedAs, _error) = (status, error);
            _stop!.Cancel();
        }
    }
}
