using FineTune.Models.Generation;

namespace FineTune.Models.Training;

/// <summary>
/// Seeds derived from a run's seed and where the run is (epoch, step, round…), the same in every
/// process — unlike <see cref="HashCode"/>, which .NET randomizes per process and so would make a
/// resumed run draw other shuffles, masks or halves than the run it continues.
/// </summary>
public static class Seeds
{
    public static int Derive(long seed, long purpose, long position = 0)
    {
        var mix = new SplitMix64((ulong)seed);
        var a = mix.Next() ^ (ulong)purpose;
        var b = new SplitMix64(a).Next() ^ (ulong)position;
        return (int)(new SplitMix64(b).Next() >> 33);
    }
}
