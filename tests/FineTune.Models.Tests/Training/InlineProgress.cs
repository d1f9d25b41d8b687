namespace FineTune.Models.Tests.Training;

/// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool, after the step that raised it).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
