using System.Text;
using System.Text.Json;
using FineTune.Datasets;
using FineTune.Testing;

namespace FineTune.Curation.Tests;

public sealed class JsonlReaderSpecs
{
    /// <summary>
    /// The raw support-ticket sample plants malformed lines and lists them in noise.json; the reader
    /// reports exactly those lines, each with its reason, and reads every other line.
    /// </summary>
    [Fact]
    public void Every_planted_malformed_line_of_the_raw_sample_is_reported_with_its_reason_and_no_other()
    {
        var folder = RepositoryFiles.PathOf("samples", "tasks", "support_tickets", "raw");
        using var noise = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "noise.json")));
        var planted = noise.RootElement.GetProperty("noise");
        using var stream = File.OpenRead(Path.Combine(folder, "train.jsonl"));

        var results = JsonlReader.Read(stream, "train.jsonl").ToList();

        var errors = results.Where(r => r.Error is not null).Select(r => r.Error!).ToList();
        foreach (var (kind, reason) in new[]
        {
            ("malformed_invalid_utf8", "invalid UTF-8"), ("malformed_truncated_json", "truncated JSON"),
            ("malformed_missing_role", "missing role"), ("malformed_empty_content", "empty content"),
        })
        {
            var lines = planted.GetProperty(kind).EnumerateArray().Select(e => e.GetInt32()).Order().ToList();
            Assert.Equal(lines, errors.Where(e => e.Reason.StartsWith(reason, StringComparison.Ordinal)).Select(e => e.Line).Order().ToList());
        }
        Assert.Equal(12, errors.Count);
        Assert.Equal(noise.RootElement.GetProperty("lines").GetInt32() - 12, results.Count(r => r.Record is not null));
    }

    [Fact]
    public void Line_numbers_count_blank_lines_and_crlf_endings_are_read()
    {
        var jsonl = "{\"text\": \"one\"}\r\n\r\n{\"text\": \"two\"}\r\n{\"text\": 3}";
        var results = JsonlReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(jsonl)), "t.jsonl").ToList();

        Assert.Equal([1, 3], results.Where(r => r.Record is not null).Select(r => r.Record!.Line));
        var error = Assert.Single(results, r => r.Error is not null).Error!;
        Assert.Equal((4, "text"), (error.Line, error.Field));
        Assert.Equal("t.jsonl:4, field 'text': missing, or not a string.", error.Message);
    }

    [Fact]
    public void An_over_long_line_is_reported_without_being_held_and_reading_goes_on()
    {
        var jsonl = $"{{\"text\": \"{new string('a', 5000)}\"}}\n{{\"text\": \"short\"}}\n";
        var results = JsonlReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(jsonl)), "t.jsonl", maxRecordBytes: 1000).ToList();

        Assert.StartsWith("over-long record", results[0].Error!.Reason);
        Assert.Equal("short", Assert.IsType<TextRecord>(results[1].Record).Text);
    }
}
