using FineTune.Cli.Walkthrough;
using Spectre.Console;

namespace FineTune.Cli.Tests;

public sealed class WalkthroughSpecs(SuiteFixture fixture) : IClassFixture<SuiteFixture>
{
    [Fact]
    public async Task The_walkthrough_reports_every_stage_a_verdict_and_both_models_answers()
    {
        var output = new StringWriter();
        using var client = fixture.Client();
        var options = new WalkthroughOptions
        {
            DataFile = SuiteFixture.SampleData,
            ModelName = "walk",
            Epochs = 1,
            MaxSteps = 3,
            HeldOutPrompts = 2,
            MaxAnswerTokens = 8,
            PollInterval = TimeSpan.FromMilliseconds(200),
        };

        var result = await PipelineWalkthrough.RunAsync(client, CliRunner.Console(output), options);

        var text = output.ToString();
        Assert.True(result.Succeeded, result.Failure + "\n" + text);
        Assert.Equal(["Upload the raw data", "Curate a dataset version", "Fine-tune with lora", "Evaluate and register", "Promote to production", "Ask held-out questions"],
            result.Stages.Select(s => s.Name));
        Assert.All(result.Stages, s => Assert.True(s.Ok, s.Result));
        foreach (var stage in result.Stages) Assert.Contains($"{stage.Number}. {stage.Name}", text);
        Assert.Equal("walk:1", result.DatasetVersion);
        Assert.Equal("walk:1", result.ModelVersion);
        Assert.NotNull(result.GatePassed);
        Assert.Contains(result.GatePassed == true ? "the gate passed" : "the gate failed", text);
        Assert.Equal(2, result.Answers.Count);
        Assert.All(result.Answers, a => Assert.False(string.IsNullOrEmpty(a.Expected)));
        Assert.Contains("fine-tuned (walk:1)", text);
        Assert.Contains("base (finetune-base)", text);
        Assert.Contains($"dashboard:  {fixture.Suite.GatewayUrl}dashboard", text);
        Assert.Contains($"monitoring: run {result.JobId}", text);
    }

    [Fact]
    public async Task Demo_runs_the_walkthrough_from_the_command_line_and_a_bad_method_stops_it_at_training()
    {
        var (exit, output) = await fixture.RunAsync("demo", "--data", SuiteFixture.SampleData, "--name", "demo-bad", "--method", "sideways",
            "--epochs", "1", "--max-steps", "2");

        Assert.Equal(1, exit);
        Assert.Contains("2. Curate a dataset version", output);
        Assert.Matches(@"failed: extensions\.method: .*sideways.*\(400\)", output);
        Assert.Matches(@"3\. Fine-tune with sideways\s*│\s*FAILED: extensions\.method", output);
        Assert.DoesNotContain("4. Evaluate and register", output);
    }

    [Fact]
    public void The_model_name_comes_from_the_data_files_name_as_the_registry_accepts_names()
    {
        Assert.Equal("my-support_chat.v2", WalkthroughOptions.NameFor(Path.Combine("data", "My Support_Chat.v2.jsonl")));
        Assert.Equal("support-chat", new WalkthroughOptions().ResolvedModelName);
    }
}
