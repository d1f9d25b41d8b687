using FineTune.Models.Generation;
using FineTune.Models.Serving;

namespace FineTune.Models.Tests.Serving;

public sealed class IterationSchedulerSpecs
{
    private static IterationScheduler Scheduler(
        int maxRunning = 4, int budget = 8, int blockSize = 4, int totalBlocks = 100, int maxWaiting = 10, double stepSeconds = 0) =>
        new(new SchedulerSettings(maxRunning, budget, blockSize, totalBlocks, maxWaiting, TimeSpan.FromSeconds(stepSeconds)));

    private static StepPlan RunStep(IterationScheduler scheduler)
    {
        var plan = scheduler.NextStep();
        scheduler.OnTokensDone(plan);
        return plan;
    }

    [Fact]
    public void A_long_prompt_is_prefilled_in_chunks_while_running_sequences_decode_every_step()
    {
        var scheduler = Scheduler(budget: 8);
        ServingSequence a = new(1, 2, 50), b = new(2, 2, 50), longPrompt = new(3, 20, 5);
        scheduler.Submit(a);
        scheduler.Submit(b);
        RunStep(scheduler);
        scheduler.Submit(longPrompt);

        var plans = Enumerable.Range(0, 4).Select(_ => RunStep(scheduler)).ToList();

        Assert.All(plans, plan => Assert.Equal([a, b], plan.Decodes));
        var chunks = plans.Select(plan => Assert.Single(plan.Prefills)).ToList();
        Assert.Equal([0, 6, 12, 18], chunks.Select(chunk => chunk.Start));
        Assert.Equal([6, 6, 6, 2], chunks.Select(chunk => chunk.Length));
        Assert.True(chunks[^1].CompletesPrompt);
        Assert.Equal(SequenceState.Decoding, longPrompt.State);
        Assert.Contains(longPrompt, scheduler.NextStep().Decodes);
    }

    [Fact]
    public void Prompt_chunks_fill_what_the_decodes_leave_of_the_budget_in_arrival_order()
    {
        var scheduler = Scheduler(budget: 8);
        ServingSequence first = new(1, 5, 10), second = new(2, 10, 10);
        scheduler.Submit(first);
        scheduler.Submit(second);

        var step1 = RunStep(scheduler);
        var step2 = RunStep(scheduler);

        Assert.Equal([(first, 5), (second, 3)], step1.Prefills.Select(chunk => (chunk.Sequence, chunk.Length)));
        Assert.Equal([first], step2.Decodes);
        Assert.Equal((second, 3, 7), (step2.Prefills[0].Sequence, step2.Prefills[0].Start, step2.Prefills[0].Length));
    }

    [Fact]
    public void Admission_waits_while_blocks_are_exhausted_and_resumes_when_a_sequence_finishes()
    {
        var scheduler = Scheduler(blockSize: 4, totalBlocks: 10);
        ServingSequence a = new(1, 10, 10), b = new(2, 10, 10), c = new(3, 4, 4), d = new(4, 1, 1);
        Assert.Equal(SubmitOutcome.Admitted, scheduler.Submit(a).Outcome);
        Assert.Equal(SubmitOutcome.Admitted, scheduler.Submit(b).Outcome);
        Assert.Equal(SubmitOutcome.Queued, scheduler.Submit(c).Outcome);
        Assert.Equal(SubmitOutcome.Queued, scheduler.Submit(d).Outcome);
        Assert.Equal(0, scheduler.FreeBlocks);

        var blocked = RunStep(scheduler);
        Assert.Equal([a, b], blocked.Admitted);   // admitted by Submit, announced with the first plan
        Assert.Equal([c, d], scheduler.Waiting);

        Assert.True(scheduler.Complete(a.Id, FinishReason.Stop));
        var resumed = RunStep(scheduler);

        Assert.Equal([c, d], resumed.Admitted);
        Assert.Equal(SequenceState.Prefilling, c.State);
        Assert.Equal(2, c.Blocks.Count);
        Assert.Equal(FinishReason.Stop, a.FinishReason);
        Assert.Empty(a.Blocks);
    }

    [Fact]
    public void A_waiting_sequence_that_does_not_fit_keeps_smaller_later_ones_waiting()
    {
        var scheduler = Scheduler(blockSize: 4, totalBlocks: 6);
        ServingSequence running = new(1, 8, 8), large = new(2, 12, 8), small = new(3, 1, 1);
        scheduler.Submit(running);
        scheduler.Submit(large);

        Assert.Equal(SubmitOutcome.Queued, scheduler.Submit(small).Outcome);
        Assert.Equal([running], RunStep(scheduler).Admitted);
        Assert.Equal(SequenceState.Waiting, small.State);
    }

    [Fact]
    public void A_full_waiting_queue_rejects_with_the_steps_until_the_soonest_running_sequence_ends()
    {
        var scheduler = Scheduler(maxRunning: 1, budget: 8, maxWaiting: 1, stepSeconds: 2);
        scheduler.Submit(new ServingSequence(1, 12, 10));
        scheduler.Submit(new ServingSequence(2, 1, 1));

        // Running: 12 prompt tokens left at 8 a step is 2 steps, the second yielding token 1; 9 more decodes.
        var whilePrefilling = scheduler.Submit(new ServingSequence(3, 1, 1));
        RunStep(scheduler);
        RunStep(scheduler);
        var whileDecoding = scheduler.Submit(new ServingSequence(4, 1, 1));

        Assert.Equal(SubmitOutcome.Rejected, whilePrefilling.Outcome);
        Assert.Equal(11, whilePrefilling.RetryAfterSteps);
        Assert.Equal(22, whilePrefilling.RetryAfterSeconds);
        Assert.Equal(9, whileDecoding.RetryAfterSteps);
        Assert.Equal(18, whileDecoding.RetryAfterSeconds);
        Assert.Single(scheduler.Waiting);
    }

    [Fact]
    public void Retry_after_follows_the_observed_step_time()
    {
        var scheduler = Scheduler(maxRunning: 1, maxWaiting: 0, stepSeconds: 1);
        scheduler.Submit(new ServingSequence(1, 4, 11));
        RunStep(scheduler);

        scheduler.ObserveStepDuration(TimeSpan.FromSeconds(6));
        var rejected = scheduler.Submit(new ServingSequence(2, 1, 1));

        // Estimate 1 s moves a fifth of the way to 6 s: 2 s; 10 decodes left.
        Assert.Equal(TimeSpan.FromSeconds(2), scheduler.StepDurationEstimate);
        Assert.Equal(20, rejected.RetryAfterSeconds);
    }

    [Fact]
    public void Cancel_frees_blocks_at_once_and_the_sequence_never_appears_in_a_plan_again()
    {
        var scheduler = Scheduler(blockSize: 4);
        ServingSequence kept = new(1, 4, 20), cancelled = new(2, 30, 20);
        scheduler.Submit(kept);
        scheduler.Submit(cancelled);
        var inFlight = scheduler.NextStep();
        var usedBefore = scheduler.UsedBlocks;

        Assert.True(scheduler.Cancel(cancelled.Id));

        Assert.Equal(usedBefore - 13, scheduler.UsedBlocks);
        Assert.Equal(SequenceState.Cancelled, cancelled.State);
        Assert.Empty(cancelled.Blocks);
        scheduler.OnTokensDone(inFlight);
        Assert.Equal(0, cancelled.PrefilledTokens);
        for (var i = 0; i < 5; i++)
        {
            var plan = RunStep(scheduler);
            Assert.DoesNotContain(cancelled, plan.Decodes);
            Assert.DoesNotContain(plan.Prefills, chunk => chunk.Sequence == cancelled);
        }
        Assert.False(scheduler.Cancel(cancelled.Id));
    }

    [Fact]
    public void A_client_whose_token_fires_has_its_sequence_cancelled_without_a_call_to_cancel()
    {
        var scheduler = Scheduler();
        using var disconnect = new CancellationTokenSource();
        var sequence = new ServingSequence(1, 4, 4, disconnect.Token);
        scheduler.Submit(sequence);

        disconnect.Cancel();

        Assert.Equal(SequenceState.Cancelled, sequence.State);
        Assert.Equal(0, scheduler.UsedBlocks);
        Assert.True(scheduler.NextStep().IsEmpty);
    }

    [Fact]
    public void A_sequence_submitted_with_a_token_already_fired_is_cancelled_straight_away()
    {
        var scheduler = Scheduler();
        var sequence = new ServingSequence(1, 4, 4, new CancellationToken(canceled: true));

        scheduler.Submit(sequence);

        Assert.Equal(SequenceState.Cancelled, sequence.State);
        Assert.Empty(scheduler.Running);
        Assert.Equal(0, scheduler.UsedBlocks);
    }

    [Fact]
    public void A_sequence_reaching_max_new_tokens_is_reported_finished_with_length_and_frees_its_blocks()
    {
        var scheduler = Scheduler();
        var sequence = new ServingSequence(1, 3, 3);
        scheduler.Submit(sequence);

        var prefillStep = scheduler.OnTokensDone(scheduler.NextStep());
        var firstDecode = scheduler.OnTokensDone(scheduler.NextStep());
        var lastDecode = scheduler.OnTokensDone(scheduler.NextStep());

        Assert.Empty(prefillStep);
        Assert.Empty(firstDecode);
        Assert.Equal([sequence], lastDecode);
        Assert.Equal(FinishReason.Length, sequence.FinishReason);
        Assert.Equal(3, sequence.GeneratedCount);
        Assert.Equal(0, scheduler.UsedBlocks);
        Assert.True(scheduler.NextStep().IsEmpty);
    }

    [Fact]
    public void A_request_larger_than_the_whole_cache_is_refused_naming_the_sizes()
    {
        var scheduler = Scheduler(blockSize: 4, totalBlocks: 3);

        var error = Assert.Throws<ArgumentException>(() => scheduler.Submit(new ServingSequence(1, 10, 5)));

        Assert.Contains("needs 4 cache blocks of 4 tokens, but the cache has 3 blocks", error.Message);
    }

    [Fact]
    public void A_token_budget_below_the_batch_size_is_refused_naming_both_settings()
    {
        var error = Assert.Throws<ArgumentException>(() => Scheduler(maxRunning: 8, budget: 4));

        Assert.Contains("StepTokenBudget (4) must be at least MaxRunningSequences (8)", error.Message);
    }

    [Fact]
    public void Planning_again_before_the_step_in_flight_is_reported_throws()
    {
        var scheduler = Scheduler();
        scheduler.Submit(new ServingSequence(1, 4, 4));
        var plan = scheduler.NextStep();

        Assert.Throws<InvalidOperationException>(scheduler.NextStep);
        scheduler.OnTokensDone(plan);
        Assert.Throws<InvalidOperationException>(() => scheduler.OnTokensDone(plan));
    }

    [Fact]
    public void Completing_a_sequence_that_is_still_waiting_throws()
    {
        var scheduler = Scheduler(maxRunning: 1);
        scheduler.Submit(new ServingSequence(1, 4, 4));
        scheduler.Submit(new ServingSequence(2, 4, 4));

        Assert.Throws<InvalidOperationException>(() => scheduler.Complete(2, FinishReason.Stop));
    }
}
