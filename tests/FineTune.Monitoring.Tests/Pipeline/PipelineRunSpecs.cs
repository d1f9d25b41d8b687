using System.Net;
using System.Text.Json;
using static FineTune.Monitoring.Tests.Pipeline.PipelineEvents;

namespace FineTune.Monitoring.Tests.Pipeline;

public sealed class PipelineRunSpecs
{
    [Fact]
    public async Task A_whole_run_shows_up_as_one_run_from_dataset_to_production()
    {
        using var app = new MonitoringApp();
        await app.PublishAllAsync(WholeRun());
        await app.ConsumedAsync(WholeRun().Count, "Pipeline");

        var runs = await app.JsonAsync("/api/monitoring/runs");
        var run = Assert.Single(runs.GetProperty("data").EnumerateArray());
        Assert.Equal("ftjob-1", run.GetProperty("job_id").GetString());
        Assert.Equal("tickets:2", run.GetProperty("dataset").GetString());
        Assert.Equal("finetune-base", run.GetProperty("base_model").GetString());
        Assert.Equal("lora", run.GetProperty("method").GetString());
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(40, run.GetProperty("step").GetInt32());
        Assert.Equal(40, run.GetProperty("total_steps").GetInt32());
        Assert.Equal(0.42, run.GetProperty("train_loss").GetDouble());
        Assert.Equal(0.51, run.GetProperty("validation_loss").GetDouble());
        var evaluation = run.GetProperty("evaluation");
        Assert.Equal("eval-ftjob-1", evaluation.GetProperty("evaluation_id").GetString());
        Assert.True(evaluation.GetProperty("passed").GetBoolean());
        Assert.Empty(evaluation.GetProperty("failed_checks").EnumerateArray());
        Assert.Equal(0.8, evaluation.GetProperty("metrics").GetProperty("task_score").GetDouble());
        Assert.Equal("support-bot", run.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal(1, run.GetProperty("model").GetProperty("version").GetInt32());
        Assert.Equal(["production"], run.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(Start.AddMinutes(50), run.GetProperty("updated_at").GetDateTimeOffset()); // the evaluation was the run's last event
    }

    [Fact]
    public async Task The_curve_has_every_reported_step_with_its_losses()
    {
        using var app = new MonitoringApp();
        await app.PublishAllAsync(WholeRun());
        await app.ConsumedAsync(WholeRun().Count, "Pipeline");

        var curve = await app.JsonAsync("/api/monitoring/runs/ftjob-1/curve");
        Assert.Equal("ftjob-1", curve.GetProperty("job_id").GetString());
        var points = curve.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal([10, 20, 30, 40], points.Select(p => p.GetProperty("step").GetInt32()));
        Assert.Equal(1.7, points[0].GetProperty("train_loss").GetDouble(), 9);
        Assert.Equal(JsonValueKind.Null, points[0].GetProperty("validation_loss").ValueKind);
        Assert.Equal(1.5, points[1].GetProperty("validation_loss").GetDouble(), 9);
        Assert.Equal(0.5, points[0].GetProperty("epoch").GetDouble());
        Assert.Equal(3e-3, points[0].GetProperty("learning_rate").GetDouble());
        Assert.Equal(910, points[0].GetProperty("tokens_per_second").GetDouble());
        Assert.Equal(Start.AddMinutes(10), points[0].GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Evaluations_and_models_show_the_verdict_the_versions_and_the_alias_history()
    {
        using var app = new MonitoringApp();
        await app.PublishAllAsync(WholeRun());
        await app.ConsumedAsync(WholeRun().Count, "Pipeline");

        var evaluation = Assert.Single((await app.JsonAsync("/api/monitoring/evaluations")).GetProperty("data").EnumerateArray());
        Assert.Equal("ftjob-1", evaluation.GetProperty("job_id").GetString());
        Assert.Equal(1, evaluation.GetProperty("model").GetProperty("version").GetInt32()); // the event named none: its job's registration does
        Assert.Equal(0.0, evaluation.GetProperty("metrics").GetProperty("unsafe_rate").GetDouble());
        Assert.Equal(Start.AddMinutes(50), evaluation.GetProperty("completed_at").GetDateTimeOffset());

        var model = Assert.Single((await app.JsonAsync("/api/monitoring/models")).GetProperty("data").EnumerateArray());
        Assert.Equal("support-bot", model.GetProperty("name").GetString());
        Assert.Equal(1, model.GetProperty("aliases").GetProperty("production").GetInt32());
        var version = Assert.Single(model.GetProperty("versions").EnumerateArray());
        Assert.Equal("ftjob-1", version.GetProperty("job_id").GetString());
        Assert.Equal(Start.AddMinutes(45), version.GetProperty("registered_at").GetDateTimeOffset());
        var move = Assert.Single(model.GetProperty("history").EnumerateArray());
        Assert.Equal("promoted", move.GetProperty("action").GetString());
        Assert.Equal("production", move.GetProperty("alias").GetString());
        Assert.Equal(JsonValueKind.Null, move.GetProperty("from").ValueKind);
        Assert.Equal(1, move.GetProperty("to").GetInt32());
        Assert.Equal("ops", move.GetProperty("by").GetString());
        Assert.Equal("promote 1", move.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_running_job_shows_its_latest_progress_and_nothing_it_has_not_reached()
    {
        using var app = new MonitoringApp();
        await app.PublishAllAsync([Progressed("ftjob-2", 10), Progressed("ftjob-2", 20)]);
        await app.ConsumedAsync(2, "Pipeline");

        var run = (await app.JsonAsync("/api/monitoring/runs")).Run("ftjob-2");
        Assert.Equal("running", run.GetProperty("status").GetString());
        Assert.Equal(20, run.GetProperty("step").GetInt32());
        Assert.Equal(40, run.GetProperty("total_steps").GetInt32());
        Assert.Equal(1.4, run.GetProperty("train_loss").GetDouble(), 9);
        Assert.Equal(1.5, run.GetProperty("validation_loss").GetDouble(), 9);
        foreach (var unknown in new[] { "dataset", "evaluation", "model" })
            Assert.Equal(JsonValueKind.Null, run.GetProperty(unknown).ValueKind);
        Assert.Empty(run.GetProperty("aliases").EnumerateArray());
    }

    [Fact]
    public async Task Runs_are_listed_newest_first()
    {
        using var app = new MonitoringApp();
        await app.PublishAllAsync([Progressed("ftjob-old", 10), Failed("ftjob-new", 5, minute: 30), Progressed("ftjob-mid", 20)]);
        await app.ConsumedAsync(3, "Pipeline");

        var runs = await app.JsonAsync("/api/monitoring/runs");
        Assert.Equal(["ftjob-new", "ftjob-mid", "ftjob-old"], runs.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("job_id").GetString()));
        Assert.Equal("failed", runs.Run("ftjob-new").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_curve_of_a_job_never_heard_of_is_an_OpenAI_shaped_404()
    {
        using var app = new MonitoringApp();
        using var response = await app.Client().GetAsync("/api/monitoring/runs/ftjob-none/curve");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("not_found_error", error.GetProperty("type").GetString());
        Assert.Contains("ftjob-none", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task On_a_real_port_the_runs_are_served_over_the_network_too()
    {
        using var app = new MonitoringApp(kestrel: true);
        await app.PublishAsync(Progressed("ftjob-net", 10));
        await app.ConsumedAsync(1, "Pipeline");

        using var client = new HttpClient { BaseAddress = app.Address };
        var runs = JsonDocument.Parse(await client.GetStringAsync("/api/monitoring/runs")).RootElement;
        Assert.Equal(10, runs.Run("ftjob-net").GetProperty("step").GetInt32());
    }
}
