namespace FineTune.Models.Generation;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014; the variant Vigna recommends for seeding xoshiro): a
/// counter advanced by the golden-ratio increment, scrambled by two xor-shift-multiply rounds.
/// Its only job here is to spread one 64-bit seed over xoshiro's 256-bit state, so that nearby
/// seeds (0, 1, 2 …) still give unrelated streams and the all-zero state cannot occur.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    internal const ulong GoldenGamma = 0x9E3779B97F4A7C15;

    private ulong _state = seed;

    public ulong Next()
    {
        _state += GoldenGamma;
        ulong z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
