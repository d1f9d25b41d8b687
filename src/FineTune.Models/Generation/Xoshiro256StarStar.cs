using System.Numerics;

namespace FineTune.Models.Generation;

/// <summary>
/// xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number generators", 2018):
/// 256 bits of state, period 2^256 − 1. The project carries its own generator instead of
/// <see cref="System.Random"/> because a seeded generation must give the same tokens on every
/// platform and .NET version, and Random's algorithm is not a documented contract.
/// </summary>
/// <remarks>
/// Seeding: the four state words are the outputs 4·stream+1 … 4·stream+4 of a
/// <see cref="SplitMix64"/> started at <c>seed</c>. Stream 0 is the usual "SplitMix64 fills the
/// state" seeding; other streams give each sequence of a batch its own draws from one user seed.
/// Not thread-safe; not for cryptography.
/// </remarks>
public sealed class Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256StarStar(ulong seed, ulong stream = 0)
    {
        // SplitMix64's state is a plain counter, so skipping 4·stream outputs is one addition.
        var expander = new SplitMix64(unchecked(seed + 4 * stream * SplitMix64.GoldenGamma));
        _s0 = expander.Next();
        _s1 = expander.Next();
        _s2 = expander.Next();
        _s3 = expander.Next();
    }

    private Xoshiro256StarStar() { }

    /// <summary>Starts from raw state words, as the published reference vectors do. Not all zero.</summary>
    internal static Xoshiro256StarStar FromState(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0) throw new ArgumentException("xoshiro256** state must not be all zero.");
        return new Xoshiro256StarStar { _s0 = s0, _s1 = s1, _s2 = s2, _s3 = s3 };
    }

    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1): the top 53 bits (the best-scrambled ones) times 2^-53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
