using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit;

namespace FineTune.Testing;

/// <summary>
/// The real AppHost program (FineTune.AppHost.dll, copied next to a test project that references the
/// AppHost) run as a child process, its output collected line by line, so a test can wait for a line
/// and show the output's tail when something it waited for never came.
/// </summary>
public sealed class AppHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    public AppHostProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dotnet = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FineTune.AppHost.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_lines) return string.Join(Environment.NewLine, _lines) + Environment.NewLine; }
    }

    /// <summary>The last <paramref name="count"/> lines, optionally only those of resources whose prefix (<c>training |</c>) is listed.</summary>
    public string Tail(int count = 60, params string[] resources)
    {
        lock (_lines)
        {
            var lines = resources.Length == 0 ? _lines : _lines.Where(l => resources.Any(r => l.StartsWith(r, StringComparison.Ordinal)));
            return string.Join(Environment.NewLine, lines.TakeLast(count).Select(l => l.Length > 400 ? l[..400] + "…" : l));
        }
    }

    /// <summary>The first line that starts with <paramref name="prefix"/>; fails with the output's tail after <paramref name="timeout"/>, or at once if the AppHost exits.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            lock (_lines)
                if (_lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line) return line;
            if (_process.HasExited) Assert.Fail($"the AppHost exited with code {_process.ExitCode} before printing '{prefix}'. Its output ends:\n{Tail()}");
            Assert.True(deadline.Elapsed < timeout, $"gave up after {timeout.TotalSeconds:0} s waiting for the AppHost to print '{prefix}'. Its output ends:\n{Tail()}");
            await Task.Delay(100);
        }
    }

    public async Task<int> WaitForExitAsync(int seconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>
    /// Stops the AppHost as Ctrl+C would, so it stops every server it started (RabbitMQ's epmd is a
    /// daemon outside its process tree, which killing the tree would leave behind); kills the tree only
    /// if that takes longer than <paramref name="seconds"/>.
    /// </summary>
    public async Task StopAsync(int seconds = 60)
    {
        if (_process.HasExited) return;
        Processes.Signal(_process.Id, "TERM");
        try { await WaitForExitAsync(seconds); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
    }
}
