using FineTune.Models.Evaluation;

namespace FineTune.Models.Tests.Evaluation;

public class ClassificationMetricsTests
{
    private const double Tolerance = 1e-12;

    private static readonly string[] AnimalReferences = ["cat", "cat", "cat", "cat", "dog", "dog", "bird", "bird"];
    private static readonly string[] AnimalPredictions = ["cat", "cat", "dog", "bird", "dog", "cat", "bird", "bird"];

    [Fact]
    public void Three_class_example_worked_by_hand()
    {
        // cat:  TP = 2 (#0, #1); predicted cat at #0, #1, #5 -> 3; support 4.
        //       P = 2/3, R = 2/4, F1 = 2·TP / (support + predicted) = 4/7  (= 2·(2/3)(1/2) / (2/3 + 1/2)).
        // dog:  TP = 1 (#4); predicted dog at #2, #4 -> 2; support 2.  P = 1/2, R = 1/2, F1 = 2/4 = 1/2.
        // bird: TP = 2 (#6, #7); predicted bird at #3, #6, #7 -> 3; support 2.  P = 2/3, R = 1, F1 = 4/5.
        // macro-F1 = (4/7 + 1/2 + 4/5) / 3 = (40 + 35 + 56) / 70 / 3 = 131/210.  accuracy = 5/8.
        ClassificationReport report = ClassificationMetrics.Evaluate(AnimalReferences, AnimalPredictions);

        Assert.Equal(8, report.Examples);
        Assert.Equal(5.0 / 8.0, report.Accuracy, Tolerance);
        Assert.Equal(131.0 / 210.0, report.MacroF1, Tolerance);

        Assert.Equal(["bird", "cat", "dog"], report.Classes.Select(c => c.Label));   // ordinal order without a class list
        ClassMetrics cat = report.Classes.Single(c => c.Label == "cat");
        Assert.Equal(2.0 / 3.0, cat.Precision, Tolerance);
        Assert.Equal(1.0 / 2.0, cat.Recall, Tolerance);
        Assert.Equal(4.0 / 7.0, cat.F1, Tolerance);
        Assert.Equal(4, cat.Support);
        Assert.Equal(3, cat.Predicted);
        ClassMetrics bird = report.Classes.Single(c => c.Label == "bird");
        Assert.Equal(1.0, bird.Recall, Tolerance);
        Assert.Equal(4.0 / 5.0, bird.F1, Tolerance);
    }

    [Fact]
    public void Confusion_matrix_counts_reference_prediction_pairs()
    {
        ConfusionMatrix matrix = ClassificationMetrics.Evaluate(AnimalReferences, AnimalPredictions).Confusion;

        Assert.Equal(2, matrix.Count("cat", "cat"));
        Assert.Equal(1, matrix.Count("cat", "dog"));    // #2
        Assert.Equal(1, matrix.Count("cat", "bird"));   // #3
        Assert.Equal(1, matrix.Count("dog", "cat"));    // #5
        Assert.Equal(0, matrix.Count("bird", "cat"));
        Assert.Equal(2, matrix.Count("bird", "bird"));
        int total = matrix.Labels.Sum(r => matrix.Labels.Sum(p => matrix.Count(r, p)));
        Assert.Equal(8, total);
    }

    [Fact]
    public void A_listed_class_with_no_references_and_no_predictions_is_skipped_by_the_macro_average()
    {
        ClassificationReport report = ClassificationMetrics.Evaluate(AnimalReferences, AnimalPredictions, ["fish", "dog", "cat", "bird"]);

        Assert.Equal(131.0 / 210.0, report.MacroF1, Tolerance);
        Assert.Equal(["fish", "dog", "cat", "bird"], report.Classes.Select(c => c.Label));   // the given order is kept
        Assert.False(report.Classes[0].CountsTowardMacroAverage);
    }

    [Fact]
    public void A_listed_class_that_is_only_predicted_counts_with_f1_zero_but_an_unlisted_one_does_not()
    {
        string[] references = ["x", "x", "y"];
        string[] predictions = ["x", "fish", "y"];
        // x: TP 1, predicted 1, support 2 -> F1 = 2/3.  y: TP 1, predicted 1, support 1 -> F1 = 1.
        // fish listed: TP 0, predicted 1, support 0 -> F1 0 and counted: macro = (2/3 + 1 + 0) / 3 = 5/9.
        // fish not listed: an error against x, but not a class: macro = (2/3 + 1) / 2 = 5/6.
        Assert.Equal(5.0 / 9.0, ClassificationMetrics.Evaluate(references, predictions, ["x", "y", "fish"]).MacroF1, Tolerance);

        ClassificationReport unlisted = ClassificationMetrics.Evaluate(references, predictions);
        Assert.Equal(5.0 / 6.0, unlisted.MacroF1, Tolerance);
        Assert.Equal(2.0 / 3.0, unlisted.Accuracy, Tolerance);
        Assert.Equal(1, unlisted.Confusion.Count("x", "fish"));
    }

    [Fact]
    public void Unmatched_predictions_get_their_own_confusion_column_and_are_wrong()
    {
        ClassificationReport report = ClassificationMetrics.Evaluate(["yes", "no"], ["yes", ClassificationMetrics.NoneLabel]);

        // yes: F1 1.  no: support 1, no correct prediction -> F1 0.  macro = 1/2, accuracy = 1/2.
        Assert.Equal(0.5, report.MacroF1, Tolerance);
        Assert.Equal(0.5, report.Accuracy, Tolerance);
        Assert.Equal(["no", "yes", ClassificationMetrics.NoneLabel], report.Confusion.Labels);
        Assert.Equal(1, report.Confusion.Count("no", ClassificationMetrics.NoneLabel));
        Assert.DoesNotContain(report.Classes, c => c.Label == ClassificationMetrics.NoneLabel);
    }

    [Fact]
    public void Argument_errors()
    {
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Evaluate(["a", "b"], ["a"]));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Evaluate([], []));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Evaluate([ClassificationMetrics.NoneLabel], ["a"]));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Evaluate(["a"], ["a"], [ClassificationMetrics.NoneLabel]));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Evaluate(["a"], [null!]));
        Assert.Throws<ArgumentNullException>(() => ClassificationMetrics.Evaluate(null!, ["a"]));
    }

    [Theory]
    [InlineData("  Positive. The reviewer liked it.", "positive")]
    [InlineData("NEGATIVE", "negative")]
    [InlineData("neutral\n", "neutral")]
    [InlineData("I think it is positive", null)]    // must start with the class name
    [InlineData("", null)]
    public void MatchLabel_takes_the_class_the_text_starts_with(string generated, string? expected) =>
        Assert.Equal(expected, ClassificationMetrics.MatchLabel(generated, ["positive", "negative", "neutral"]));

    [Fact]
    public void MatchLabel_prefers_the_longest_class_and_returns_its_given_spelling()
    {
        string[] classes = ["No", "No change", "Yes"];
        Assert.Equal("No change", ClassificationMetrics.MatchLabel("no change expected", classes));
        Assert.Equal("No", ClassificationMetrics.MatchLabel("no.", classes));
        Assert.Equal("Yes", ClassificationMetrics.MatchLabel("yes", classes));
    }

    [Fact]
    public void MatchLabel_rejects_an_empty_class_name_that_would_match_anything()
    {
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.MatchLabel("x", ["a", " "]));
        Assert.Throws<ArgumentNullException>(() => ClassificationMetrics.MatchLabel(null!, ["a"]));
    }
}
