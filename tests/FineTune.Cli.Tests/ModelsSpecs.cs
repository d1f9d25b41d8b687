namespace FineTune.Cli.Tests;

public sealed class ModelsSpecs(SuiteFixture fixture) : IClassFixture<SuiteFixture>
{
    [Fact]
    public async Task Promote_and_rollback_move_the_alias_and_list_shows_versions_aliases_and_the_verdict()
    {
        var dataset = await fixture.CurateSampleAsync("models");
        using var client = fixture.Client();
        foreach (var _ in new[] { 1, 2 })
        {
            var job = await client.CreateJobAsync(SuiteFixture.TinyJob(dataset, "shipped"));
            await SuiteFixture.UntilAsync(async () => (await client.GetJobAsync(job.Id)).IsFinished);
        }
        await SuiteFixture.UntilAsync(async () => await client.FindModelAsync("shipped") is { Versions.Count: 2 }
                                                   && (await client.GetModelVersionAsync("shipped", 2)).Evaluation is not null
                                                   && (await client.GetModelVersionAsync("shipped", 1)).Evaluation is not null);

        var (first, firstOutput) = await fixture.RunAsync("models", "promote", "shipped", "--version", "1", "--reason", "first ship", "--force");
        var (second, secondOutput) = await fixture.RunAsync("models", "promote", "shipped", "--version", "2", "--reason", "better", "--force");
        var (back, backOutput) = await fixture.RunAsync("models", "rollback", "shipped", "--reason", "regression");
        var (listed, list) = await fixture.RunAsync("models", "list");

        Assert.Equal([0, 0, 0, 0], new[] { first, second, back, listed });
        Assert.Matches(@"shipped production: (none|v\d) → v1", firstOutput);
        Assert.Contains("shipped production: v1 → v2", secondOutput);
        Assert.Contains("shipped production: v2 → v1", backOutput);
        Assert.Matches(@"shipped\s*│\s*2\s*│\s*production → 1\s*│\s*v2: (passed|failed)", list);
        Assert.Equal(1, (await client.GetModelAsync("shipped")).Model.AliasVersion("production"));
    }

    [Fact]
    public async Task Promoting_a_model_the_registry_does_not_have_says_so()
    {
        var (exit, output) = await fixture.RunAsync("models", "promote", "unheard-of", "--version", "1", "--reason", "why not");

        Assert.Equal(1, exit);
        Assert.Matches(@"error: .*unheard-of.*\(404\)", output);
    }

    [Fact]
    public void A_promotion_without_a_reason_is_refused_before_anything_is_sent()
    {
        var parse = CliApp.CreateRootCommand(Spectre.Console.AnsiConsole.Console).Parse(["models", "promote", "shipped", "--version", "1"]);

        Assert.Contains(parse.Errors, e => e.Message.Contains("--reason"));
    }
}
