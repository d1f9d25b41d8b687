namespace FineTune.Engine.Layers;

/// <summary>
/// The sizes of one causal grouped-query attention call.
/// q and output: (B, Tq, NH, D). k and v: (B, KvCapacity, NKV, D), of which each batch row's first
/// Tk positions are filled — a KV cache allocated for KvCapacity positions is passed as it is; for
/// training KvCapacity = Tk. Query i sits at absolute position QueryOffset + i and sees keys
/// j ≤ QueryOffset + i. Head h reads kv head h / (NH / NKV).
/// </summary>
public readonly record struct AttentionShape
{
    public AttentionShape(int batch, int queryLength, int keyLength, int heads, int kvHeads, int headDim,
        int queryOffset, int kvCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queryLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keyLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kvHeads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headDim, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queryOffset);
        if (heads < kvHeads || heads % kvHeads != 0)
            throw new ArgumentException($"Heads ({heads}) must be a multiple of kv heads ({kvHeads}).", nameof(heads));
        if (queryOffset + queryLength > keyLength)
            throw new ArgumentException(
                $"Queries end at position {queryOffset + queryLength - 1}, past the last key {keyLength - 1}.",
                nameof(queryOffset));
        if (kvCapacity < keyLength)
            throw new ArgumentException($"KV capacity {kvCapacity} is below the key length {keyLength}.", nameof(kvCapacity));

        Batch = batch; QueryLength = queryLength; KeyLength = keyLength; Heads = heads; KvHeads = kvHeads;
        HeadDim = headDim; QueryOffset = queryOffset; KvCapacity = kvCapacity;
    }

    /// <summary>Training and prefill: queries and keys are the same T positions.</summary>
    public static AttentionShape Training(int batch, int length, int heads, int kvHeads, int headDim) =>
        new(batch, length, length, heads, kvHeads, headDim, queryOffset: 0, kvCapacity: length);

    /// <summary>One new token per batch row against a cache holding <paramref name="keyLength"/> positions (the new one included).</summary>
    public static AttentionShape Decode(int batch, int keyLength, int heads, int kvHeads, int headDim, int kvCapacity) =>
        new(batch, 1, keyLength, heads, kvHeads, headDim, queryOffset: keyLength - 1, kvCapacity);

    public int Batch { get; }
    /// <summary>Tq.</summary>
    public int QueryLength { get; }
    /// <summary>Tk: filled positions of k and v per batch row.</summary>
    public int KeyLength { get; }
    /// <summary>NH.</summary>
    public int Heads { get; }
    /// <summary>NKV.</summary>
    public int KvHeads { get; }
    /// <summary>D.</summary>
    public int HeadDim { get; }
    public int QueryOffset { get; }
    /// <summary>Positions allocated per batch row in k and v.</summary>
    public int KvCapacity { get; }

    public int GroupSize => Heads / KvHeads;
    public float Scale => (float)(1.0 / Math.Sqrt(HeadDim));

    /// <summary>Length of q, output, dq and dout: B·Tq·NH·D.</summary>
    public int QueryElements => Batch * QueryLength * Heads * HeadDim;
    /// <summary>Length of k, v, dk and dv: B·KvCapacity·NKV·D.</summary>
    public int KvElements => Batch * KvCapacity * KvHeads * HeadDim;
    /// <summary>Length of the saved log-sum-exp: B·NH·Tq.</summary>
    public int LogSumExpElements => Batch * Heads * QueryLength;

    /// <summary>Offset of (b, position 0, kv head g) in k or v; positions follow at stride NKV·D.</summary>
    internal int KvOffset(int b, int kvHead) => (b * KvCapacity * KvHeads + kvHead) * HeadDim;
    /// <summary>Offset of (b, query 0, head h) in q or output; queries follow at stride NH·D.</summary>
    internal int QueryOffsetOf(int b, int head) => (b * QueryLength * Heads + head) * HeadDim;

    internal void CheckLengths(int q, int k, int v, string qName = "q", string kName = "k", string vName = "v")
    {
        Require(q, QueryElements, qName);
        Require(k, KvElements, kName);
        Require(v, KvElements, vName);
    }

    internal static void Require(int actual, int expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements; this shape needs {expected}.", name);
    }
}
