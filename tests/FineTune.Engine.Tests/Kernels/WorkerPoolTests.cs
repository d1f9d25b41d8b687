using FineTune.Engine.Kernels;

namespace FineTune.Engine.Tests.Kernels;

public class WorkerPoolTests
{
    [Fact]
    public void EveryIndexRunsExactlyOnce()
    {
        // Many short loops back to back: each must see only its own indices, never a neighbour's.
        foreach (var count in new[] { 0, 1, 2, 3, 7, 64, 1000 })
        for (var repeat = 0; repeat < 50; repeat++)
        {
            var hits = new int[count];
            WorkerPool.For(count, i => Interlocked.Increment(ref hits[i]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    private struct CountingBody(int[] hits) : IParallelBody
    {
        public readonly void Invoke(int index) => Interlocked.Increment(ref hits[index]);
    }

    [Fact]
    public void StructBodyRunsEveryIndexExactlyOnce()
    {
        var hits = new int[333];
        var body = new CountingBody(hits);
        for (var repeat = 0; repeat < 20; repeat++) WorkerPool.For(hits.Length, ref body);
        Assert.All(hits, h => Assert.Equal(20, h));
    }

    [Fact]
    public void NestedAndConcurrentLoopsAllComplete()
    {
        // An inner loop inside a body, and loops from two threads at once, run serially on their
        // callers rather than waiting on the pool they are part of.
        var hits = new int[2, 8, 16];
        Parallel.For(0, 2, caller =>
            WorkerPool.For(8, outer => WorkerPool.For(16, inner => Interlocked.Increment(ref hits[caller, outer, inner]))));
        foreach (var h in hits) Assert.Equal(1, h);
    }

    [Fact]
    public void ExceptionReachesTheCallerAndThePoolStaysUsable()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            WorkerPool.For(10, i => { if (i == 7) throw new InvalidOperationException("index 7"); }));
        Assert.Equal("index 7", error.Message);

        var hits = new int[10];
        WorkerPool.For(10, i => Interlocked.Increment(ref hits[i]));
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void NegativeCountIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkerPool.For(-1, _ => { }));
}
