using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Models.Serving;
using FineTune.Models.Tests.FineTuning;

namespace FineTune.Models.Tests.Serving;

/// <summary>Continuous batching over a real (tiny) model: the same answers as one at a time, cancellation, a full queue.</summary>
public sealed class ContinuousBatcherSpecs
{
    private static readonly LlamaModel Model = FineTuningData.NewModel();

    private static SchedulerSettings Settings(int maxRunning = 4, int maxWaiting = 16) =>
        new(MaxRunningSequences: maxRunning, StepTokenBudget: 8, BlockSize: 4, TotalBlocks: 64, MaxWaitingSequences: maxWaiting);

    private static int[] Prompt(int seed, int length)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => random.Next(1, 64))];
    }

    [Fact]
    public async Task Sequences_joining_and_leaving_a_running_batch_get_the_answers_they_would_get_alone()
    {
        var session = new InferenceSession(Model);
        await using var batcher = new ContinuousBatcher(session, Settings());
        // prompts longer than the step budget are prefilled in chunks while others decode
        var requests = Enumerable.Range(0, 8).Select(i => (Prompt: Prompt(i, 3 + i * 2), Options: SamplingOptions.Greedy with { MaxNewTokens = 4 + i % 3 })).ToList();

        var batched = await Task.WhenAll(requests.Select(r => batcher.SubmitAsync(r.Prompt, r.Options)));

        var alone = new LlamaGenerator(new InferenceSession(Model));
        for (var i = 0; i < requests.Count; i++)
        {
            var expected = alone.Generate([requests[i].Prompt], requests[i].Options)[0];
            Assert.Equal(expected.TokenIds, batched[i].TokenIds);
            Assert.Equal(expected.FinishReason, batched[i].FinishReason);
        }
        Assert.Equal(batcher.Scheduler.Settings.TotalBlocks, batcher.Scheduler.FreeBlocks);
    }

    [Fact]
    public async Task A_request_whose_client_goes_away_is_cancelled_and_frees_its_blocks()
    {
        await using var batcher = new ContinuousBatcher(new InferenceSession(Model), Settings());
        using var gone = new CancellationTokenSource();
        var tokens = 0;

        var request = batcher.SubmitAsync(Prompt(1, 5), SamplingOptions.Greedy with { MaxNewTokens = 24 },
            onToken: _ => { if (Interlocked.Increment(ref tokens) == 2) gone.Cancel(); }, cancellationToken: gone.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (batcher.Scheduler.FreeBlocks != batcher.Scheduler.Settings.TotalBlocks && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(batcher.Scheduler.Settings.TotalBlocks, batcher.Scheduler.FreeBlocks);
        Assert.InRange(tokens, 2, 4);
    }

    [Fact]
    public async Task When_every_slot_and_the_queue_are_taken_a_request_is_refused_with_a_time_to_retry()
    {
        await using var batcher = new ContinuousBatcher(new InferenceSession(Model), Settings(maxRunning: 1, maxWaiting: 1));
        using var hold = new CancellationTokenSource();
        var running = batcher.SubmitAsync(Prompt(1, 4), SamplingOptions.Greedy with { MaxNewTokens = 20 }, cancellationToken: hold.Token);
        var waiting = batcher.SubmitAsync(Prompt(2, 4), SamplingOptions.Greedy with { MaxNewTokens = 20 }, cancellationToken: hold.Token);

        var busy = Assert.Throws<ServerBusyException>(() => batcher.SubmitAsync(Prompt(3, 4), SamplingOptions.Greedy with { MaxNewTokens = 4 }).GetAwaiter().GetResult());

        Assert.True(busy.RetryAfter > TimeSpan.Zero);
        hold.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(running, waiting));
    }
}
