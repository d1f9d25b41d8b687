namespace FineTune.Models.Serving;

/// <summary>
/// Bookkeeping for a KV cache preallocated as a fixed pool of equal blocks, each holding
/// <see cref="BlockSize"/> token positions. It hands out block indices per sequence and takes them
/// back; the memory behind the indices belongs to whoever allocated the cache, so the pool never
/// grows and a full pool means a request must wait rather than the process running out of memory.
/// Not thread-safe: its owner (the <see cref="IterationScheduler"/>) serialises access.
/// </summary>
public sealed class KvBlockAllocator
{
    private readonly Stack<int> _free;
    private readonly Dictionary<long, List<int>> _held = [];

    public KvBlockAllocator(int totalBlocks, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalBlocks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        TotalBlocks = totalBlocks;
        BlockSize = blockSize;
        // Pushed in reverse so block 0 is handed out first; the order only matters for readable logs.
        _free = new Stack<int>(Enumerable.Range(0, totalBlocks).Reverse());
    }

    public int TotalBlocks { get; }

    public int BlockSize { get; }

    public int FreeBlocks => _free.Count;

    public int UsedBlocks => TotalBlocks - FreeBlocks;

    /// <summary>Blocks needed to hold <paramref name="tokens"/> positions.</summary>
    public int BlocksFor(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        return (int)(((long)tokens + BlockSize - 1) / BlockSize);
    }

    /// <summary>Whether a new sequence of <paramref name="tokensNeeded"/> positions fits in the free blocks now.</summary>
    public bool CanAdmit(int tokensNeeded) => BlocksFor(tokensNeeded) <= FreeBlocks;

    public bool Holds(long sequenceId) => _held.ContainsKey(sequenceId);

    /// <summary>The blocks <paramref name="sequenceId"/> holds, in the order its positions fill them; empty if none.</summary>
    public IReadOnlyList<int> BlocksOf(long sequenceId) =>
        _held.TryGetValue(sequenceId, out var blocks) ? blocks.AsReadOnly() : [];

    /// <summary>Gives a sequence that holds nothing enough blocks for <paramref name="tokens"/> positions.</summary>
    public IReadOnlyList<int> Allocate(long sequenceId, int tokens)
    {
        if (_held.ContainsKey(sequenceId))
            throw new InvalidOperationException($"Sequence {sequenceId} already holds blocks; grow it with Extend.");
        var needed = BlocksFor(tokens);
        ThrowIfShort(sequenceId, needed);
        var blocks = new List<int>(needed);
        TakeInto(blocks, needed);
        _held.Add(sequenceId, blocks);
        return blocks.AsReadOnly();
    }

    /// <summary>Grows a sequence's blocks to cover <paramref name="totalTokens"/> positions; never shrinks them.</summary>
    public IReadOnlyList<int> Extend(long sequenceId, int totalTokens)
    {
        if (!_held.TryGetValue(sequenceId, out var blocks))
            throw new InvalidOperationException($"Sequence {sequenceId} holds no blocks to extend; Allocate first.");
        var missing = BlocksFor(totalTokens) - blocks.Count;
        if (missing > 0)
        {
            ThrowIfShort(sequenceId, missing);
            TakeInto(blocks, missing);
        }
        return blocks.AsReadOnly();
    }

    /// <summary>Returns every block of the sequence to the pool; returns how many.</summary>
    public int Free(long sequenceId)
    {
        if (!_held.Remove(sequenceId, out var blocks))
            throw new InvalidOperationException($"Sequence {sequenceId} holds no blocks: it was never allocated or was already freed.");
        foreach (var block in blocks) _free.Push(block);
        return blocks.Count;
    }

    private void ThrowIfShort(long sequenceId, int needed)
    {
        if (needed > _free.Count)
            throw new InvalidOperationException(
                $"Sequence {sequenceId} needs {needed} more blocks but only {_free.Count} of {TotalBlocks} are free; check CanAdmit first.");
    }

    private void TakeInto(List<int> blocks, int count)
    {
        for (var i = 0; i < count; i++) blocks.Add(_free.Pop());
    }
}
