using System.Diagnostics.Metrics;
using FineTune.Monitoring.Pipeline;
using FineTune.Testing;
using Microsoft.Extensions.DependencyInjection;
using static FineTune.Monitoring.Tests.Pipeline.PipelineEvents;

namespace FineTune.Monitoring.Tests.Pipeline;

public sealed class PipelineRedeliverySpecs
{
    [Fact]
    public async Task Every_event_delivered_twice_in_shuffled_order_gives_the_state_of_one_ordered_delivery()
    {
        using var ordered = new MonitoringApp();
        using var orderedCounts = Counters(ordered);
        var events = WholeRun();
        for (var i = 0; i < events.Count; i++)
        {
            await ordered.PublishAsync(events[i]);
            await ordered.ConsumedAsync(i + 1, "Pipeline");
        }

        using var shuffled = new MonitoringApp();
        using var shuffledCounts = Counters(shuffled);
        var twice = events.Concat(events).ToArray();
        new Random(7).Shuffle(twice);
        await shuffled.PublishAllAsync(twice);
        await shuffled.ConsumedAsync(twice.Length, "Pipeline");

        Assert.Equal(await ordered.AllViewsAsync(), await shuffled.AllViewsAsync());
        Assert.Equal(events.Count, shuffledCounts[PipelineMetrics.Duplicates]);
        Assert.Equal(0, orderedCounts[PipelineMetrics.Duplicates]);
        Assert.Equal(0, orderedCounts[PipelineMetrics.OutOfOrder]);
        Assert.Equal(0, orderedCounts[PipelineMetrics.UnknownReferences]);
    }

    [Fact]
    public async Task Progress_heard_after_completion_joins_the_curve_but_the_run_stays_succeeded()
    {
        using var app = new MonitoringApp();
        using var counts = Counters(app);
        await app.PublishAsync(Completed("ftjob-1"));
        await app.ConsumedAsync(1, "Pipeline");
        await app.PublishAsync(Progressed("ftjob-1", 30));
        await app.ConsumedAsync(2, "Pipeline");

        var run = (await app.JsonAsync("/api/monitoring/runs")).Run("ftjob-1");
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(40, run.GetProperty("step").GetInt32());
        Assert.Equal(0.42, run.GetProperty("train_loss").GetDouble());
        var curve = await app.JsonAsync("/api/monitoring/runs/ftjob-1/curve");
        Assert.Equal(30, Assert.Single(curve.GetProperty("points").EnumerateArray()).GetProperty("step").GetInt32());
        Assert.Equal(1, counts[PipelineMetrics.OutOfOrder]);
    }

    [Fact]
    public async Task The_later_of_a_failure_and_a_completion_decides_the_status_whatever_order_they_arrive_in()
    {
        using var app = new MonitoringApp();
        await app.PublishAllAsync([Completed("ftjob-a"), Failed("ftjob-a", 20, minute: 30), Failed("ftjob-b", 20, minute: 30), Completed("ftjob-b")]);
        await app.ConsumedAsync(4, "Pipeline");

        var runs = await app.JsonAsync("/api/monitoring/runs");
        Assert.Equal("succeeded", runs.Run("ftjob-a").GetProperty("status").GetString()); // completed at minute 41
        Assert.Equal("succeeded", runs.Run("ftjob-b").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_promotion_heard_before_its_registration_is_kept_and_joined_when_the_registration_arrives()
    {
        using var app = new MonitoringApp();
        using var counts = Counters(app);
        await app.PublishAsync(Promoted(2, 1, minute: 60));
        await app.ConsumedAsync(1, "Pipeline");

        var early = Assert.Single((await app.JsonAsync("/api/monitoring/models")).GetProperty("data").EnumerateArray());
        Assert.Equal(2, early.GetProperty("aliases").GetProperty("production").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, Assert.Single(early.GetProperty("versions").EnumerateArray()).GetProperty("job_id").ValueKind);
        Assert.Equal(1, counts[PipelineMetrics.UnknownReferences]);

        await app.PublishAllAsync([Registered("ftjob-2", 2), Promoted(1, null, minute: 55)]);
        await app.ConsumedAsync(3, "Pipeline");

        var model = Assert.Single((await app.JsonAsync("/api/monitoring/models")).GetProperty("data").EnumerateArray());
        Assert.Equal(2, model.GetProperty("aliases").GetProperty("production").GetInt32()); // the older promotion does not move it back
        Assert.Equal("ftjob-2", model.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == 2).GetProperty("job_id").GetString());
        Assert.Equal([1, 2], model.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("to").GetInt32()));
        Assert.Equal(["production"], (await app.JsonAsync("/api/monitoring/runs")).Run("ftjob-2").GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(1, counts[PipelineMetrics.OutOfOrder]);
    }

    [Fact]
    public async Task An_evaluation_of_a_job_never_heard_of_creates_its_run_and_is_counted()
    {
        using var app = new MonitoringApp();
        using var counts = Counters(app);
        await app.PublishAsync(Evaluated("ftjob-9", passed: false));
        await app.ConsumedAsync(1, "Pipeline");

        var run = (await app.JsonAsync("/api/monitoring/runs")).Run("ftjob-9");
        Assert.Equal("succeeded", run.GetProperty("status").GetString()); // only a trained model is evaluated
        Assert.False(run.GetProperty("evaluation").GetProperty("passed").GetBoolean());
        Assert.Equal(["min_task_score"], run.GetProperty("evaluation").GetProperty("failed_checks").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1, counts[PipelineMetrics.UnknownReferences]);
    }

    [Fact]
    public async Task A_restarted_instance_on_the_same_storage_sees_the_same_runs_and_ignores_a_redelivery()
    {
        using var storage = new TempDirectory("monitoring-restart");
        IReadOnlyList<string> before;
        using (var first = new MonitoringApp(storage: storage.Path))
        {
            await first.PublishAllAsync(WholeRun());
            await first.ConsumedAsync(WholeRun().Count, "Pipeline");
            before = await first.AllViewsAsync();
        }

        using var restarted = new MonitoringApp(storage: storage.Path);
        using var counts = Counters(restarted);
        Assert.Equal(before, await restarted.AllViewsAsync());
        await restarted.PublishAsync(Completed("ftjob-1"));
        await restarted.ConsumedAsync(1, "Pipeline");
        Assert.Equal(before, await restarted.AllViewsAsync());
        Assert.Equal(1, counts[PipelineMetrics.Duplicates]);
    }

    private static PipelineCounters Counters(MonitoringApp app) => new(app.Services.GetRequiredService<IMeterFactory>());
}
