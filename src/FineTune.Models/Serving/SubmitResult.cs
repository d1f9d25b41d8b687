namespace FineTune.Models.Serving;

/// <summary>What became of a submitted sequence.</summary>
public enum SubmitOutcome
{
    /// <summary>Running now: blocks reserved, it is prefilled from the next step.</summary>
    Admitted,

    /// <summary>Waiting for a running slot or cache blocks.</summary>
    Queued,

    /// <summary>The waiting queue is full: answer 429 with <see cref="SubmitResult.RetryAfter"/>.</summary>
    Rejected,
}

/// <summary>
/// The answer to <see cref="IterationScheduler.Submit"/>. A rejection carries an estimate of when a
/// place in the queue opens, in steps and as whole seconds ready for a Retry-After header.
/// </summary>
public readonly record struct SubmitResult(SubmitOutcome Outcome, int RetryAfterSteps = 0, TimeSpan RetryAfter = default)
{
    public static SubmitResult Admitted { get; } = new(SubmitOutcome.Admitted);

    public static SubmitResult Queued { get; } = new(SubmitOutcome.Queued);

    public static SubmitResult Rejected(int retryAfterSteps, TimeSpan retryAfter) =>
        new(SubmitOutcome.Rejected, retryAfterSteps, retryAfter);

    /// <summary>The Retry-After header value: whole seconds, at least 1.</summary>
    public int RetryAfterSeconds => (int)Math.Max(1, Math.Ceiling(RetryAfter.TotalSeconds));
}
