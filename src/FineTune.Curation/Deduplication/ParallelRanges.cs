using System.Collections.Concurrent;

namespace FineTune.Curation.Deduplication;

/// <summary>
/// Runs a body over [0, count) in contiguous ranges on the thread pool, so each range can set up its buffers once.
/// Bodies write only their own indices' slots, which makes results independent of how ranges are scheduled.
/// </summary>
internal static class ParallelRanges
{
    public static void For(int count, int rangeSize, Action<int, int> body)
    {
        if (count == 0) return; // the partitioner refuses an empty range
        Parallel.ForEach(Partitioner.Create(0, count, rangeSize), range => body(range.Item1, range.Item2));
    }
}
