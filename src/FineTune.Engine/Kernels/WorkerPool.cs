using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace FineTune.Engine.Kernels;

/// <summary>The body of a <see cref="WorkerPool.For{TBody}"/> loop: a struct, so a call allocates nothing.</summary>
public interface IParallelBody
{
    void Invoke(int index);
}

/// <summary>
/// A fork-join loop for kernels whose whole run takes microseconds (one decode step's products,
/// attention heads), where <see cref="Parallel.For(int, int, Action{int})"/>'s hand-off would cost
/// as much as the work (measured by <c>FineTune.Bench gemm</c>). <see cref="EngineThreads.Count"/>
/// participants: the calling thread plus background workers that spin briefly after each loop,
/// then sleep. One loop runs at a time; a call made while another runs (from another thread, or
/// nested inside a body) runs serially on its caller, so it is always safe, only not parallel.
/// </summary>
public static class WorkerPool
{
    /// <summary>Runs <paramref name="body"/> once for each index in [0, count); returns when all are done.</summary>
    public static void For(int count, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var action = new ActionBody(body);
        For(count, ref action);
    }

    /// <summary>
    /// As <see cref="For(int, Action{int})"/>, with a struct body. The participants share one copy of
    /// it, so what <see cref="IParallelBody.Invoke"/> writes to the struct's own fields is not seen
    /// by the caller; write results through the references or pointers it holds.
    /// </summary>
    public static void For<TBody>(int count, ref TBody body) where TBody : struct, IParallelBody
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var participants = Math.Min(count, EngineThreads.Count);
        if (participants <= 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (var i = 0; i < count; i++) body.Invoke(i);
            return;
        }
        try
        {
            var job = JobOf<TBody>.Instance;
            job.Body = body;
            RunShared(job, count, participants);
        }
        finally
        {
            JobOf<TBody>.Instance.Body = default; // drop references the body held
            Volatile.Write(ref _busy, 0);
        }
    }

    // ---- shared state of the one loop in flight ----

    private static int _busy;
    private static Job? _job;
    private static int _count;
    private static int _participantLimit;   // workers numbered below this - 1 may claim indices
    private static int _remaining;          // indices not yet finished
    private static Exception? _error;
    // Generation (high 32 bits) and next unclaimed index (low 32): one word, so a claim on a loop
    // that already ended fails its compare-exchange instead of running the wrong body.
    private static long _cursor;
    private static Worker[] _workers = [];

    private static void RunShared(Job job, int count, int participants)
    {
        EnsureWorkers(participants - 1);
        _job = job;
        _count = count;
        _participantLimit = participants;
        _remaining = count;
        _error = null;
        var generation = CurrentGeneration + 1;
        Interlocked.Exchange(ref _cursor, Pack(generation, 0)); // publishes the fields above
        for (var w = 0; w < participants - 1; w++) _workers[w].Wake();

        Participate(job, generation, count);
        var spin = new SpinWait();
        while (Volatile.Read(ref _remaining) != 0) spin.SpinOnce(sleep1Threshold: -1);
        // Close the loop before the next one may rewrite _job and _count, so that a worker still
        // holding this generation cannot claim against the next loop's count.
        Interlocked.Exchange(ref _cursor, Pack(generation, Closed));
        if (_error is { } error) ExceptionDispatchInfo.Capture(error).Throw();
    }

    private static int CurrentGeneration => (int)(Volatile.Read(ref _cursor) >> 32);

    private const int Closed = int.MaxValue;

    private static long Pack(int generation, int next) => ((long)generation << 32) | (uint)next;

    /// <summary>Claims and runs indices of loop <paramref name="generation"/> until none are left.</summary>
    private static void Participate(Job job, int generation, int count)
    {
        while (true)
        {
            var cursor = Volatile.Read(ref _cursor);
            var next = (int)cursor;
            if ((int)(cursor >> 32) != generation || next >= count) return;
            if (Interlocked.CompareExchange(ref _cursor, Pack(generation, next + 1), cursor) != cursor) continue;
            try { job.Run(next); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
            Interlocked.Decrement(ref _remaining);
        }
    }

    /// <summary>Starts workers up to <paramref name="needed"/>; only the loop holding <c>_busy</c> calls it.</summary>
    private static void EnsureWorkers(int needed)
    {
        if (_workers.Length >= needed) return;
        var grown = _workers;
        Array.Resize(ref grown, needed);
        for (var w = _workers.Length; w < needed; w++) grown[w] = new Worker(w, CurrentGeneration);
        _workers = grown;
    }

    /// <summary>A background thread that joins each loop it is allowed into.</summary>
    private sealed class Worker
    {
        // Spinning this long after a loop keeps back-to-back loops (a decode step) cheap to wake,
        // without burning a core for long when the engine goes idle.
        private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

        private readonly int _number;
        private readonly SemaphoreSlim _wake = new(0);
        private int _parked;
        private int _seen;

        /// <param name="seen">The generation already published, which this worker must not join.</param>
        public Worker(int number, int seen)
        {
            _number = number;
            _seen = seen;
            new Thread(Loop) { IsBackground = true, Name = $"FineTune worker {number + 1}" }.Start();
        }

        /// <summary>Called after a new generation is published; rouses the worker if it sleeps.</summary>
        public void Wake()
        {
            if (Interlocked.CompareExchange(ref _parked, 0, 1) == 1) _wake.Release();
        }

        private void Loop()
        {
            while (true)
            {
                var generation = AwaitGeneration(_seen);
                _seen = generation;
                // Fields read here may already belong to a later loop; then every claim fails on
                // the generation and this worker simply waits for the next one.
                var job = Volatile.Read(ref _job);
                if (job is not null && _number < Volatile.Read(ref _participantLimit) - 1)
                    Participate(job, generation, Volatile.Read(ref _count));
            }
        }

        private int AwaitGeneration(int seen)
        {
            var start = Stopwatch.GetTimestamp();
            while (true)
            {
                var generation = CurrentGeneration;
                if (generation != seen) return generation;
                if (Stopwatch.GetTimestamp() - start < SpinTicks) { Thread.SpinWait(30); continue; }
                // Park, then look once more: a publisher either sees _parked = 1 and releases us,
                // or published before our look and we see its generation here.
                Interlocked.Exchange(ref _parked, 1);
                generation = CurrentGeneration;
                if (generation != seen)
                {
                    // If the publisher already claimed the park, its Release leaves one stale
                    // wake-up in the semaphore; the next park then wakes once for nothing, harmlessly.
                    Interlocked.Exchange(ref _parked, 0);
                    return generation;
                }
                _wake.Wait();
                start = Stopwatch.GetTimestamp();
            }
        }
    }

    // ---- bodies ----

    private abstract class Job
    {
        public abstract void Run(int index);
    }

    /// <summary>One reusable job per body type; only the loop holding <c>_busy</c> uses it.</summary>
    private sealed class JobOf<TBody> : Job where TBody : struct, IParallelBody
    {
        public static readonly JobOf<TBody> Instance = new();
        public TBody Body;
        public override void Run(int index) => Body.Invoke(index);
    }

    private readonly struct ActionBody(Action<int> action) : IParallelBody
    {
        public void Invoke(int index) => action(index);
    }
}
