using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FineTune.LocalServers;

/// <summary>
/// A real server binary (RabbitMQ, Redis, Azurite) started on a free loopback port with its data in
/// a folder of its own, and stopped by PID. Tests and the AppHost share this one launcher, so what
/// the tests exercise is exactly what the suite runs on.
/// </summary>
public abstract partial class LocalServer : IAsyncDisposable
{
    private const int KeptLogLines = 200;
    private readonly Queue<string> _recentOutput = new();
    private Process? _process;

    protected LocalServer(string name, string? dataRoot)
    {
        Name = name;
        Port = FreePort.Next();
        DataDirectory = Path.Combine(dataRoot ?? Path.Combine(Path.GetTempPath(), "finetune-servers"),
            $"{name}-{Port}-{Guid.NewGuid():N}"[..(name.Length + 14)]);
    }

    /// <summary>Resource name, used as the log prefix.</summary>
    public string Name { get; }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The folder that holds everything the server writes.</summary>
    public string DataDirectory { get; }

    /// <summary>The PID of the running server, or null before start and after stop.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>The connection string a client uses, in the format the matching client expects.</summary>
    public abstract string ConnectionString { get; }

    /// <summary>Raised for every line the server writes to stdout or stderr.</summary>
    public event Action<LocalServer, string>? OutputReceived;

    /// <summary>The last lines of output, oldest first (for error messages and dashboards).</summary>
    public IReadOnlyList<string> RecentOutput
    {
        get { lock (_recentOutput) return [.. _recentOutput]; }
    }

    /// <summary>How long to wait for the server to become ready before giving up.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    protected abstract ProcessStartInfo CreateStartInfo();

    /// <summary>True once the server answers on its port the way a client needs.</summary>
    protected abstract Task<bool> IsReadyAsync(CancellationToken cancellationToken);

    /// <summary>Starts the server and returns once it is ready; throws with its last output if it is not.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_process is not null) throw new InvalidOperationException($"{Name} was already started.");
        Directory.CreateDirectory(DataDirectory);
        var startInfo = CreateStartInfo();
        if (!File.Exists(startInfo.FileName))
            throw new LocalServerException(
                $"{Name}: '{startInfo.FileName}' is not installed. Run scripts/install-dependencies.sh to install it.");
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardInput = true;

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "launcher.pid"), process.Id.ToString(), cancellationToken);

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
                throw Failure($"exited with code {process.ExitCode} before it was ready");
            try
            {
                using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                probe.CancelAfter(TimeSpan.FromSeconds(2));
                if (await IsReadyAsync(probe.Token)) return;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException
                                          or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            await Task.Delay(100, cancellationToken);
        }
        await StopAsync();
        throw Failure($"was not ready after {StartTimeout.TotalSeconds:0} s");
    }

    /// <summary>
    /// Stops the server: SIGTERM so it shuts down cleanly, SIGKILL of the whole tree if it has not
    /// exited after <paramref name="grace"/>. Safe to call twice.
    /// </summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        var process = _process;
        if (process is null) return;
        try
        {
            if (!process.HasExited)
            {
                await StopGracefullyAsync(process);
                using var wait = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(15));
                try { await process.WaitForExitAsync(wait.Token); }
                catch (OperationCanceledException) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(); }
            }
            await AfterStopAsync();
        }
        finally
        {
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Asks the server to stop; SIGTERM by default.</summary>
    protected virtual Task StopGracefullyAsync(Process process)
    {
        if (Kill(process.Id, SigTerm) != 0) process.Kill(entireProcessTree: true);
        return Task.CompletedTask;
    }

    /// <summary>Cleans up helpers the server left behind (RabbitMQ's epmd).</summary>
    protected virtual Task AfterStopAsync() => Task.CompletedTask;

    /// <summary>Deletes the data folder. Call after <see cref="StopAsync"/> when the data is throwaway.</summary>
    public void DeleteData()
    {
        if (_process is not null) throw new InvalidOperationException($"{Name} is still running.");
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        GC.SuppressFinalize(this);
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_recentOutput)
        {
            _recentOutput.Enqueue(line);
            while (_recentOutput.Count > KeptLogLines) _recentOutput.Dequeue();
        }
        OutputReceived?.Invoke(this, line);
    }

    private LocalServerException Failure(string what)
    {
        var tail = string.Join(Environment.NewLine, RecentOutput.TakeLast(20));
        return new LocalServerException($"{Name} on 127.0.0.1:{Port} {what}. Data folder: {DataDirectory}. Last output:{Environment.NewLine}{tail}");
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

public sealed class LocalServerException(string message) : Exception(message);
