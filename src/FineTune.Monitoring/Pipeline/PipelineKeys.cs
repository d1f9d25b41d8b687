namespace FineTune.Monitoring.Pipeline;

/// <summary>Where the pipeline view keeps its documents in the artifact store; ids are escaped so any id is one key segment.</summary>
public static class PipelineKeys
{
    public const string Runs = "monitoring/pipeline/runs/";
    public const string Evaluations = "monitoring/pipeline/evaluations/";
    public const string Models = "monitoring/pipeline/models/";
    public const string Suffix = ".json";

    public static string Run(string jobId) => Runs + Escape(jobId) + Suffix;

    public static string Evaluation(string evaluationId) => Evaluations + Escape(evaluationId) + Suffix;

    public static string Model(string name) => Models + Escape(name) + Suffix;

    private static string Escape(string id) => Uri.EscapeDataString(id);
}
