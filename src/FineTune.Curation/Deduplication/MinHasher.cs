using System.Runtime.Intrinsics;

namespace FineTune.Curation.Deduplication;

/// <summary>
/// MinHash signatures: for each of its permutations, the minimum over a text's shingle hashes of
/// <see cref="Permute"/>. The shingle hashes are already well mixed, so one multiply per permutation is enough
/// to reorder them independently; the whole signature is taken in one pass over the shingles, 8 permutations per
/// AVX-512 instruction. <see cref="ScalarSignature"/> is the plain definition the vector path must match.
/// </summary>
internal sealed class MinHasher
{
    public const int FinalShift = 29;
    private readonly ulong[] _seeds;
    private readonly ulong[] _multipliers;

    public MinHasher(int permutations, ulong seed)
    {
        _seeds = new ulong[permutations];
        _multipliers = new ulong[permutations];
        var state = seed;
        for (var i = 0; i < permutations; i++)
        {
            _seeds[i] = SplitMix.Mix(state += SplitMix.Increment);
            _multipliers[i] = SplitMix.Mix(state += SplitMix.Increment) | 1; // odd, so the multiply is a bijection
        }
    }

    public int Permutations => _seeds.Length;

    // the xor-shift feeds the product's well-mixed high bits back into its low ones
    public static ulong Permute(ulong shingle, ulong seed, ulong multiplier)
    {
        var x = (shingle ^ seed) * multiplier;
        return x ^ (x >> FinalShift);
    }

    /// <summary>The signature, by the widest vectors the hardware runs natively.</summary>
    public void Signature(ReadOnlySpan<ulong> shingles, Span<ulong> signature)
    {
        if (Vector512.IsHardwareAccelerated) Signature<Lanes512, Vector512<ulong>>(shingles, signature);
        else if (Vector256.IsHardwareAccelerated) Signature<Lanes256, Vector256<ulong>>(shingles, signature);
        else ScalarSignature(shingles, signature);
    }

    public void ScalarSignature(ReadOnlySpan<ulong> shingles, Span<ulong> signature) => ScalarMinima(shingles, _seeds, _multipliers, signature);

    public void Signature<TLanes, TVector>(ReadOnlySpan<ulong> shingles, Span<ulong> signature)
        where TLanes : IVectorLanes<TVector> where TVector : struct
    {
        var width = TLanes.Count;
        var p = 0;
        // four registers of permutations per pass over the shingles, so four multiplies are in flight at once
        for (; p + 4 * width <= _seeds.Length; p += 4 * width)
        {
            var (s0, s1, s2, s3) = (Seeds(p), Seeds(p + width), Seeds(p + 2 * width), Seeds(p + 3 * width));
            var (m0, m1, m2, m3) = (Multipliers(p), Multipliers(p + width), Multipliers(p + 2 * width), Multipliers(p + 3 * width));
            var (min0, min1, min2, min3) = (TLanes.AllBitsSet, TLanes.AllBitsSet, TLanes.AllBitsSet, TLanes.AllBitsSet);
            foreach (var shingle in shingles)
            {
                var h = TLanes.Broadcast(shingle);
                min0 = TLanes.Min(min0, TLanes.Permute(h, s0, m0));
                min1 = TLanes.Min(min1, TLanes.Permute(h, s1, m1));
                min2 = TLanes.Min(min2, TLanes.Permute(h, s2, m2));
                min3 = TLanes.Min(min3, TLanes.Permute(h, s3, m3));
            }
            TLanes.Store(min0, signature[p..]);
            TLanes.Store(min1, signature[(p + width)..]);
            TLanes.Store(min2, signature[(p + 2 * width)..]);
            TLanes.Store(min3, signature[(p + 3 * width)..]);
        }
        for (; p + width <= _seeds.Length; p += width)
        {
            var (seeds, multipliers, min) = (Seeds(p), Multipliers(p), TLanes.AllBitsSet);
            foreach (var shingle in shingles) min = TLanes.Min(min, TLanes.Permute(TLanes.Broadcast(shingle), seeds, multipliers));
            TLanes.Store(min, signature[p..]);
        }
        ScalarMinima(shingles, _seeds.AsSpan(p), _multipliers.AsSpan(p), signature[p..]);

        TVector Seeds(int at) => TLanes.Load(_seeds.AsSpan(at));
        TVector Multipliers(int at) => TLanes.Load(_multipliers.AsSpan(at));
    }

    /// <summary>Folds each band's rows of the signature into one key; two texts share a key only if they agree on every row (or collide in 64 bits).</summary>
    public static void BandKeys(ReadOnlySpan<ulong> signature, Span<ulong> keys)
    {
        var rows = signature.Length / keys.Length;
        for (var band = 0; band < keys.Length; band++)
        {
            var key = (ulong)band;
            foreach (var min in signature.Slice(band * rows, rows)) key = SplitMix.Mix(key ^ min);
            keys[band] = key;
        }
    }

    private static void ScalarMinima(ReadOnlySpan<ulong> shingles, ReadOnlySpan<ulong> seeds, ReadOnlySpan<ulong> multipliers, Span<ulong> minima)
    {
        for (var p = 0; p < seeds.Length; p++)
        {
            var min = ulong.MaxValue;
            foreach (var shingle in shingles) min = Math.Min(min, Permute(shingle, seeds[p], multipliers[p]));
            minima[p] = min;
        }
    }
}
