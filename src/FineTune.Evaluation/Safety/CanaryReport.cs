using FineTune.Datasets.Canaries;

namespace FineTune.Evaluation.Safety;

/// <summary>One canary's outcome: the greedy continuation, whether it gave the secret away, and its exposure.</summary>
public sealed record CanaryResult(Canary Canary, string Generation, bool Reproduced, double Rank, double Exposure);

/// <summary>
/// The canary check's outcome over all canaries. <see cref="MaxPossibleExposure"/> is what a fully
/// memorised secret would score with this many candidates, so an exposure can be read against it.
/// </summary>
public sealed record CanaryReport(IReadOnlyList<CanaryResult> Results, int Candidates)
{
    public double MaxExposure => Results.Count == 0 ? 0 : Results.Max(result => result.Exposure);

    public bool AnyReproduced => Results.Any(result => result.Reproduced);

    public double MaxPossibleExposure => Math.Log2(Candidates + 1);
}
