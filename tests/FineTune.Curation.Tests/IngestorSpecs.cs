using System.Text;
using FineTune.Curation.Ingestion;
using FineTune.Datasets;

namespace FineTune.Curation.Tests;

public sealed class IngestorSpecs
{
    private static MemoryStream Upload(params string[] lines) => new(Encoding.UTF8.GetBytes(string.Join('\n', lines)));

    private static readonly string[] Reviews =
    [
        "{\"text\": \"Lovely kettle\", \"label\": \"positive\"}",
        "{\"text\": \"It broke\", \"label\": \"negative\"}",
        "{\"text\": \"Fine\", \"label\": \"meh\"}",
        "{\"text\": \"Quiet\", \"label\": \"positive\"}",
    ];

    [Fact]
    public void An_unknown_label_is_a_listed_error_and_the_other_lines_are_kept_when_the_rate_allows()
    {
        var result = Ingestor.Read(Upload(Reviews), "reviews.jsonl",
            new IngestionPolicy { Labels = ["positive", "neutral", "negative"], MaxErrorRate = 0.3 });

        Assert.True(result.Accepted);
        Assert.Equal(3, result.Records.Count);
        var error = Assert.Single(result.Errors);
        Assert.Equal("reviews.jsonl:3, field 'label': unknown label 'meh' (allowed: positive, neutral, negative).", error.Message);
        Assert.Equal(0.25, result.ErrorRate);
    }

    [Fact]
    public void Past_the_error_rate_the_upload_is_rejected_and_still_lists_every_bad_line()
    {
        var result = Ingestor.Read(Upload([.. Reviews, "{\"text\": \"Half a line"]), "reviews.jsonl",
            new IngestionPolicy { Labels = ["positive", "neutral", "negative"], MaxErrorRate = 0.3 });

        Assert.False(result.Accepted);
        Assert.Equal([3, 5], result.Errors.Select(e => e.Line));
        Assert.Equal(0.4, result.ErrorRate, 12);
    }

    [Fact]
    public void Without_a_label_list_any_label_is_kept_and_an_empty_upload_is_not_accepted()
    {
        Assert.True(Ingestor.Read(Upload(Reviews), "r.jsonl", new IngestionPolicy()).Accepted);
        Assert.False(Ingestor.Read(Upload(""), "r.jsonl", new IngestionPolicy()).Accepted);
        Assert.Throws<ArgumentException>(() => Ingestor.Read(Upload(Reviews), "r.jsonl", new IngestionPolicy { MaxErrorRate = 2 }));
    }
}
