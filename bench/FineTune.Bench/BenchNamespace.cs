namespace FineTune.Bench;

/// <summary>Anchors the namespace the benchmarks live in.</summary>
internal static class BenchInfo
{
    public static string Machine => $"{Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
}
