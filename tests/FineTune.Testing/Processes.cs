using System.Diagnostics;
using Xunit;

namespace FineTune.Testing;

/// <summary>Process helpers for the tests: is a PID alive, its children, send it a signal, wait for a condition.</summary>
public static class Processes
{
    public static bool IsAlive(int pid) => StatOf(pid) is { } stat && stat.State != "Z";

    /// <summary>The PIDs whose parent is <paramref name="pid"/> (from /proc).</summary>
    public static IReadOnlyList<int> ChildrenOf(int pid) =>
    [
        .. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var child) ? child : 0)
            .Where(child => child > 0 && StatOf(child)?.Parent == pid),
    ];

    /// <summary>The variables a running process started with (from /proc/PID/environ).</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split('=', 2)).Where(v => v.Length == 2)
            .GroupBy(v => v[0]).ToDictionary(g => g.Key, g => g.Last()[1]);

    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, int seconds = 20)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(seconds), $"gave up waiting: {what}");
            await Task.Delay(50);
        }
    }

    // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'
    private static (string State, int Parent)? StatOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0], int.Parse(fields[1]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
