namespace FineTune.Curation.Deduplication;

/// <summary>SplitMix64's finalizer: spreads every input bit over the output, for seeds, shingle hashes and band keys.</summary>
internal static class SplitMix
{
    public const ulong Increment = 0x9E3779B97F4A7C15;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
