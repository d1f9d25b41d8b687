using FineTune.Models.Generation;
using FineTune.Models.Serving;

namespace FineTune.Models.Tests.Serving;

/// <summary>A seeded random workload, checking the scheduler's invariants after every step.</summary>
public sealed class SchedulerSimulationSpecs
{
    private const int SequenceCount = 200;
    private static readonly SchedulerSettings Settings = new(
        MaxRunningSequences: 8, StepTokenBudget: 32, BlockSize: 16, TotalBlocks: 64, MaxWaitingSequences: 12);

    [Theory]
    [InlineData(1)]
    [InlineData(20251125)]
    public void Two_hundred_random_sequences_with_cancellations_never_over_allocate_blocks(int seed)
    {
        var random = new Random(seed);
        var scheduler = new IterationScheduler(Settings);
        var accepted = new List<ServingSequence>();
        int submitted = 0, rejected = 0, steps = 0;

        while (submitted < SequenceCount || scheduler.Running.Count + scheduler.Waiting.Count > 0)
        {
            Assert.True(++steps < 100_000, "the simulation stopped making progress");
            for (var arrivals = random.Next(3); arrivals > 0 && submitted < SequenceCount; arrivals--)
            {
                var sequence = new ServingSequence(submitted++, random.Next(1, 400), random.Next(1, 200));
                if (scheduler.Submit(sequence).Outcome == SubmitOutcome.Rejected) rejected++;
                else accepted.Add(sequence);
            }

            var plan = scheduler.NextStep();
            CheckPlan(scheduler, plan);
            CancelOrStopSomeAtRandom(scheduler, random);   // also while the step is in flight
            scheduler.OnTokensDone(plan);
            CancelOrStopSomeAtRandom(scheduler, random);
            CheckBlocks(scheduler);
        }

        Assert.All(accepted, sequence => Assert.True(sequence.IsEnded));
        Assert.All(accepted.Where(s => s.FinishReason == FinishReason.Length), s => Assert.Equal(s.MaxNewTokens, s.GeneratedCount));
        Assert.Contains(accepted, s => s.State == SequenceState.Cancelled);
        Assert.Contains(accepted, s => s.FinishReason == FinishReason.Length);
        Assert.True(rejected > 0, "the workload never filled the queue, so rejection went untested");
        Assert.Equal(Settings.TotalBlocks, scheduler.FreeBlocks);
    }

    private static void CancelOrStopSomeAtRandom(IterationScheduler scheduler, Random random)
    {
        var live = scheduler.Running.Concat(scheduler.Waiting).ToList();
        if (live.Count == 0) return;
        var pick = live[random.Next(live.Count)];
        var roll = random.NextDouble();
        if (roll < 0.03) Assert.True(scheduler.Cancel(pick.Id));
        else if (roll < 0.06 && pick.State == SequenceState.Decoding) Assert.True(scheduler.Complete(pick.Id, FinishReason.Stop));
    }

    private static void CheckPlan(IterationScheduler scheduler, StepPlan plan)
    {
        var running = scheduler.Running;
        Assert.True(running.Count <= Settings.MaxRunningSequences);
        Assert.True(plan.TokenCount <= Settings.StepTokenBudget);
        Assert.Equal(running.Where(s => s.State == SequenceState.Decoding), plan.Decodes);
        if (running.Any(s => s.State == SequenceState.Prefilling)) Assert.NotEmpty(plan.Prefills);
        Assert.All(plan.Prefills, chunk =>
        {
            Assert.Equal(chunk.Sequence.PrefilledTokens, chunk.Start);
            Assert.InRange(chunk.Length, 1, chunk.Sequence.RemainingPromptTokens);
        });
    }

    private static void CheckBlocks(IterationScheduler scheduler)
    {
        var running = scheduler.Running;
        var held = running.SelectMany(s => s.Blocks).ToList();
        Assert.Equal(scheduler.UsedBlocks, held.Count);
        Assert.Equal(held.Count, held.Distinct().Count());
        Assert.All(held, block => Assert.InRange(block, 0, Settings.TotalBlocks - 1));
        Assert.Equal(Settings.TotalBlocks, scheduler.UsedBlocks + scheduler.FreeBlocks);
        Assert.All(running, s => Assert.True(s.Blocks.Count * Settings.BlockSize >= s.PrefilledTokens + s.GeneratedCount));
        Assert.All(scheduler.Waiting, s => Assert.Empty(s.Blocks));
    }
}
