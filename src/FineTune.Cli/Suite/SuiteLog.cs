using Microsoft.Extensions.Logging;

namespace FineTune.Cli.Suite;

/// <summary>
/// The embedded suite's log file: one line per warning or error from any of its hosts, so the CLI's
/// console shows progress while what went wrong inside a service can still be read afterwards.
/// </summary>
internal sealed class SuiteLog(string path) : IDisposable
{
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };

    public ILoggerProvider For(string host) => new Provider(this, host);

    public void Dispose()
    {
        lock (_writer) _writer.Dispose();
    }

    private void Write(string host, string category, LogLevel level, string message, Exception? exception)
    {
        var line = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {level} {host} {category}: {message}{(exception is null ? "" : Environment.NewLine + exception)}";
        lock (_writer)
        {
            if (_writer.BaseStream.CanWrite) _writer.WriteLine(line);
        }
    }

    private sealed class Provider(SuiteLog log, string host) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(log, host, categoryName);

        public void Dispose() { } // the file belongs to the suite, which outlives each host
    }

    private sealed class Logger(SuiteLog log, string host, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log.Write(host, category, logLevel, formatter(state, exception), exception);
        }
    }
}
