using FineTune.Models.Evaluation;

namespace FineTune.Models.Tests.Evaluation;

public class TaskScoreAccumulatorTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Exact_match_task_reports_the_match_rate_and_mean_token_f1()
    {
        var accumulator = new TaskScoreAccumulator(TaskKind.ExactMatch);
        accumulator.Add("The cat", "cat");       // EM 1, F1 1
        accumulator.Add("black cat", "cat");     // EM 0; [black, cat] vs [cat]: P 1/2, R 1, F1 2/3
        TaskScore score = accumulator.Result();

        Assert.Equal(TaskKind.ExactMatch, score.Kind);
        Assert.Equal(2, score.Examples);
        Assert.Equal(0.5, score.Score, Tolerance);
        Assert.Equal(0.5, score.ExactMatchRate!.Value, Tolerance);
        Assert.Equal((1.0 + 2.0 / 3.0) / 2.0, score.TokenF1Mean!.Value, Tolerance);
        Assert.Null(score.ValidJsonRate);
        Assert.Null(score.Accuracy);
    }

    [Fact]
    public void Json_task_averages_field_accuracy_with_invalid_output_scoring_zero()
    {
        const string reference = """{"a":1,"b":2}""";
        var accumulator = new TaskScoreAccumulator(TaskKind.JsonFields);
        accumulator.Add("""{"b":2,"a":1}""", reference);   // 2/2 fields
        accumulator.Add("""{"a":1}""", reference);          // 1/2
        accumulator.Add("oops", reference);                 // invalid: 0
        TaskScore score = accumulator.Result();

        Assert.Equal((1.0 + 0.5 + 0.0) / 3.0, score.Score, Tolerance);
        Assert.Equal(2.0 / 3.0, score.ValidJsonRate!.Value, Tolerance);
        Assert.Equal(1.0 / 3.0, score.ExactMatchRate!.Value, Tolerance);   // only the first has every field right
        Assert.Null(score.TokenF1Mean);
        Assert.Null(score.Accuracy);
    }

    [Fact]
    public void Classification_task_maps_generated_text_and_reports_macro_f1()
    {
        var accumulator = new TaskScoreAccumulator(TaskKind.Classification, ["positive", "negative"]);
        accumulator.Add("Positive!", "positive");   // -> positive, right
        accumulator.Add("negative", "positive");    // -> negative, wrong
        accumulator.Add("meh", "negative");         // -> <none>, wrong
        TaskScore score = accumulator.Result();

        // positive: TP 1, predicted 1, support 2 -> F1 2/3.  negative: TP 0, predicted 1, support 1 -> F1 0.
        // macro = 1/3; accuracy = 1/3.
        Assert.Equal(1.0 / 3.0, score.Score, Tolerance);
        Assert.Equal(1.0 / 3.0, score.Accuracy!.Value, Tolerance);
        Assert.Null(score.ExactMatchRate);
    }

    [Fact]
    public void Misuse_is_reported()
    {
        Assert.Throws<InvalidOperationException>(() => new TaskScoreAccumulator(TaskKind.ExactMatch).Result());
        Assert.Throws<ArgumentException>(() => new TaskScoreAccumulator(TaskKind.Classification));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaskScoreAccumulator((TaskKind)42));
        Assert.Throws<ArgumentException>(() => new TaskScoreAccumulator(TaskKind.JsonFields).Add("{}", "[]"));
    }
}
