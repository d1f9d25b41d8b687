using FineTune.Testing;

namespace FineTune.Cli.Tests;

public sealed class FilesSpecs(SuiteFixture fixture) : IClassFixture<SuiteFixture>, IDisposable
{
    private readonly TempDirectory _work = new("cli-files");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Upload_with_a_dataset_curates_the_file_and_prints_the_version_and_its_cards_counts()
    {
        var records = File.ReadLines(SuiteFixture.SampleData).Count(l => l.Trim().Length > 0);

        var (exit, output) = await fixture.RunAsync("files", "upload", SuiteFixture.SampleData, "--dataset", "uploaded");

        Assert.Equal(0, exit);
        Assert.Matches(@"uploaded support-chat\.jsonl as file-\S+ \([\d,]+ bytes\)", output);
        Assert.Contains("curated uploaded:1", output);
        Assert.Matches($@"uploaded:1: {records} records in, \d+ out \(train \d+, validation \d+, test \d+\); [1-9]\d* PII redacted \(.*Phone \d+\)", output);
        Assert.Matches(@"\d+ duplicates removed \(\d+ exact, \d+ near\)", output);
    }

    [Fact]
    public async Task Upload_without_a_dataset_only_uploads()
    {
        var (exit, output) = await fixture.RunAsync("files", "upload", SuiteFixture.SampleData);

        Assert.Equal(0, exit);
        Assert.Contains("uploaded support-chat.jsonl as file-", output);
        Assert.DoesNotContain("curated", output);
    }

    [Fact]
    public async Task A_file_of_broken_lines_is_refused_naming_the_field_and_line()
    {
        var broken = Path.Combine(_work.Path, "broken.jsonl");
        await File.WriteAllLinesAsync(broken, ["{\"messages\": [", "not json", "{\"messages\": []}"]);

        var (exit, output) = await fixture.RunAsync("files", "upload", broken, "--dataset", "broken");

        Assert.Equal(1, exit);
        Assert.Matches(@"(?s)error: file: .*broken\.jsonl:2: not valid JSON.*\(400\)", output);
    }

    [Fact]
    public async Task A_missing_file_is_named()
    {
        var missing = Path.Combine(_work.Path, "missing.jsonl");

        var (exit, output) = await fixture.RunAsync("files", "upload", missing);

        Assert.Equal(1, exit);
        Assert.Contains($"'{missing}' does not exist", output);
    }
}
