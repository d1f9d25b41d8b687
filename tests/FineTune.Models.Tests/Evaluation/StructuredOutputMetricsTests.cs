using System.Text.Json.Nodes;
using FineTune.Models.Evaluation;

namespace FineTune.Models.Tests.Evaluation;

public class StructuredOutputMetricsTests
{
    private const string Reference = """{"name":"Ada","age":36,"tags":["x","y"],"address":{"city":"London","zip":"N1"}}""";

    [Fact]
    public void Key_order_number_spelling_and_extra_fields_do_not_matter()
    {
        const string prediction = """
            { "address": {"zip":"N1","city":"London"}, "tags":["x","y"], "age": 36.0, "name": "Ada", "notes": "extra" }
            """;
        FieldScore score = StructuredOutputMetrics.Score(prediction, Reference);

        Assert.True(score.ValidJson);
        Assert.Equal(4, score.FieldCount);
        Assert.Equal(4, score.FieldsCorrect);
        Assert.Equal(1.0, score.Accuracy);
        Assert.False(score.Fields.ContainsKey("notes"));
    }

    [Fact]
    public void A_missing_field_is_wrong()
    {
        FieldScore score = StructuredOutputMetrics.Score("""{"name":"Ada","tags":["x","y"],"address":{"city":"London","zip":"N1"}}""", Reference);

        Assert.True(score.ValidJson);
        Assert.False(score.Fields["age"]);
        Assert.Equal(3, score.FieldsCorrect);
        Assert.Equal(3.0 / 4.0, score.Accuracy);
    }

    [Theory]
    [InlineData("age", """ "36" """)]                          // wrong type: string instead of number
    [InlineData("age", "37")]
    [InlineData("name", """ "ada" """)]                        // strings compare exactly
    [InlineData("tags", """["y","x"]""")]                      // array order matters
    [InlineData("address", """{"city":"London"}""")]           // nested objects must match whole
    [InlineData("address", """{"city":"London","zip":"N1","x":1}""")]
    public void A_wrong_value_fails_only_its_own_field(string field, string wrongValue)
    {
        JsonObject prediction = JsonNode.Parse(Reference)!.AsObject();
        prediction[field] = JsonNode.Parse(wrongValue);
        FieldScore score = StructuredOutputMetrics.Score(prediction.ToJsonString(), Reference);

        Assert.True(score.ValidJson);
        Assert.False(score.Fields[field]);
        Assert.Equal(3, score.FieldsCorrect);
    }

    [Theory]
    [InlineData("100", "1e2")]
    [InlineData("0.5", "0.50")]
    [InlineData("-0", "0")]
    public void Numbers_compare_by_value(string referenceNumber, string predictedNumber)
    {
        FieldScore score = StructuredOutputMetrics.Score($$"""{"n":{{predictedNumber}}}""", $$"""{"n":{{referenceNumber}}}""");
        Assert.True(score.Fields["n"]);
    }

    [Theory]
    [InlineData("{name: \"Ada\"}")]
    [InlineData("""{"name":"Ada",}""")]
    [InlineData("""[{"name":"Ada"}]""")]
    [InlineData("null")]
    [InlineData("Sure! Here is the JSON:")]
    [InlineData("")]
    public void Output_that_is_not_a_json_object_is_invalid_and_scores_no_field(string prediction)
    {
        FieldScore score = StructuredOutputMetrics.Score(prediction, Reference);

        Assert.False(score.ValidJson);
        Assert.Equal(0, score.FieldsCorrect);
        Assert.Equal(4, score.FieldCount);
        Assert.All(score.Fields.Values, Assert.False);
        Assert.Equal(0.0, score.Accuracy);
    }

    [Fact]
    public void An_empty_reference_object_scores_validity()
    {
        Assert.Equal(1.0, StructuredOutputMetrics.Score("""{"a":1}""", "{}").Accuracy);
        Assert.Equal(0.0, StructuredOutputMetrics.Score("not json", "{}").Accuracy);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("{broken")]
    public void A_reference_that_is_not_an_object_is_an_argument_error(string reference) =>
        Assert.Throws<ArgumentException>(() => StructuredOutputMetrics.Score("{}", reference));
}
