using System.Diagnostics;

namespace FineTune.Bench;

/// <summary>What every benchmark shares: the machine line, the repository, and how a step is timed.</summary>
internal static class BenchInfo
{
    /// <summary>The 1, 5 and 15 minute load averages: other work on the machine moves the numbers, so every benchmark prints them.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static string Machine => $"{Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FineTune.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Run the benchmarks from inside the FineTune repository.");
    }

    /// <summary>
    /// Seconds of the median of <paramref name="runs"/> timed calls, after warming up for at least
    /// <paramref name="warmUpCalls"/> calls and <paramref name="warmUp"/>: .NET first runs code
    /// unoptimised and recompiles what is hot in the background, and the steady state is what a long
    /// run lives in, so that is what is timed.
    /// </summary>
    public static double MedianSeconds(int runs, Action call, int warmUpCalls = 1, TimeSpan warmUp = default)
    {
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < warmUpCalls || warming.Elapsed < warmUp; i++) call();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            call();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
