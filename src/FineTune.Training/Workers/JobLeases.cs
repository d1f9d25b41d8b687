using FineTune.Training.Jobs;
using Microsoft.Extensions.Options;

namespace FineTune.Training.Workers;

/// <summary>
/// One worker per job at a time, through a lease in the job document: a worker takes a job whose
/// lease is free, expired or its own, and renews it while it trains. A command redelivered while
/// the first worker still heartbeats waits; once the heartbeat stops (the worker was killed) the
/// lease lapses and the waiting worker takes over from the last checkpoint.
/// </summary>
public sealed class JobLeases(JobStore jobs, IOptions<TrainingSettings> settings, TimeProvider clock)
{
    /// <summary>This process, as leases and job events name it.</summary>
    public static string Me { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public TimeSpan Duration => settings.Value.Lease;

    /// <summary>Waits until this worker holds the job; null when the job is finished (nothing to do).</summary>
    public async Task<TrainingJob?> AcquireAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = clock.GetUtcNow();
            var job = await jobs.UpdateAsync(id, j => j.Status.IsFinished() || HeldByAnother(j, now) ? null : j with { Lease = new JobLease(Me, now) }, cancellationToken);
            if (job.Status.IsFinished()) return null;
            if (job.Lease?.Worker == Me) return job;
            await Task.Delay(Duration / 4, clock, cancellationToken);
        }
    }

    /// <summary>Renews the lease; the returned job says whether it is still ours and whether a cancel was asked for.</summary>
    public Task<TrainingJob> RenewAsync(string id, CancellationToken cancellationToken) =>
        jobs.UpdateAsync(id, j => j.Lease?.Worker == Me && !j.Status.IsFinished() ? j with { Lease = new JobLease(Me, clock.GetUtcNow()) } : null, cancellationToken);

    private bool HeldByAnother(TrainingJob job, DateTimeOffset now) =>
        job.Lease is { } lease && lease.Worker != Me && now - lease.HeartbeatAt < Duration;
}
