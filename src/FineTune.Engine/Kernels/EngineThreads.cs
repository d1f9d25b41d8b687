namespace FineTune.Engine.Kernels;

/// <summary>
/// How many threads the engine's kernels use: OpenBLAS's own threads and <see cref="WorkerPool"/>.
/// Defaults to the environment variable <c>FINETUNE_THREADS</c> when set, else to
/// <see cref="Environment.ProcessorCount"/>.
/// </summary>
public static class EngineThreads
{
    /// <summary>The environment variable that overrides the default thread count.</summary>
    public const string EnvironmentVariable = "FINETUNE_THREADS";

    private static int _count; // 0 until first read, so a bad FINETUNE_THREADS fails where it is used, with its message

    /// <summary>Threads per kernel call, at least 1; setting it also sets OpenBLAS's (openblas_set_num_threads).</summary>
    public static int Count
    {
        get
        {
            if (_count == 0) Count = Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));
            return _count;
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _count = value;
            OpenBlas.SetThreadCount(value);
        }
    }

    /// <summary>The count a <c>FINETUNE_THREADS</c> value asks for; unset or blank means one per processor.</summary>
    internal static int Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Environment.ProcessorCount;
        if (int.TryParse(text, out var count) && count >= 1) return count;
        throw new InvalidOperationException(
            $"{EnvironmentVariable}='{text}' is not a thread count; set it to a whole number of at least 1 or unset it.");
    }
}
