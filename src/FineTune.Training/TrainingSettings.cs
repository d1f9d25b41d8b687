namespace FineTune.Training;

/// <summary>The service's settings (section <c>Training</c>).</summary>
public sealed class TrainingSettings
{
    public const string Section = "Training";

    /// <summary>Folder of base models, one Hugging Face folder per name (a job's <c>model</c>).</summary>
    public string Models { get; set; } = Path.Combine(AppContext.BaseDirectory, "Models");

    /// <summary>Local scratch for downloaded data and the running checkpoint; durable copies go to the artifact store.</summary>
    public string WorkFolder { get; set; } = Path.Combine(Path.GetTempPath(), "finetune-training");

    /// <summary>Whether this process takes jobs off the queue (an API-only replica sets false).</summary>
    public bool Worker { get; set; } = true;

    /// <summary>Jobs one worker process trains at once.</summary>
    public int WorkerConcurrency { get; set; } = 1;

    /// <summary>Publish <c>TrainingProgressed</c> and a job event every this many steps.</summary>
    public int ProgressEvery { get; set; } = 10;

    /// <summary>
    /// How long a worker's claim on a job lasts without a heartbeat. A worker that dies (kill -9) loses
    /// its job after this long, and the redelivered command resumes it elsewhere from the last checkpoint.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Memory a job may use; unset: what the runtime says the machine (or container) has.</summary>
    public long? MemoryLimitBytes { get; set; }

    public long AvailableMemory => MemoryLimitBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
}
