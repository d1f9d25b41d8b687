namespace FineTune.Cli.Terminal;

/// <summary>Reports on the calling thread: Progress&lt;T&gt; would post to the thread pool, behind the work it reports on.</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
