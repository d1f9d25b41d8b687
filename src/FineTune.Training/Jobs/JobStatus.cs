namespace FineTune.Training.Jobs;

/// <summary>OpenAI's job states: validating_files → queued → running → succeeded | failed | cancelled.</summary>
public enum JobStatus
{
    ValidatingFiles,
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

public static class JobStatuses
{
    public static bool IsFinished(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;
}
