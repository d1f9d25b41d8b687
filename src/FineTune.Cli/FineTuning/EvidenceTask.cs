namespace FineTune.Cli.FineTuning;

/// <summary>One sample task of the evidence run: where its splits are and how it is trained and scored.</summary>
internal sealed record EvidenceTask(string Name, string Train, string Validation, string Test, bool Classify)
{
    /// <summary>The shipped tasks under <paramref name="folder"/> (samples/tasks); reviews train a classification head.</summary>
    public static IReadOnlyList<EvidenceTask> Shipped(string folder)
    {
        EvidenceTask Chat(string name) => new(name, Path.Combine(folder, name, "train.jsonl"), Path.Combine(folder, name, "validation.jsonl"),
            Path.Combine(folder, name, "test.jsonl"), Classify: false);
        var reviews = Path.Combine(folder, "product_reviews");
        return
        [
            Chat("support_tickets"),
            Chat("clinical_notes"),
            new("product_reviews", Path.Combine(reviews, "train_classification.jsonl"), Path.Combine(reviews, "validation_classification.jsonl"),
                Path.Combine(reviews, "test_classification.jsonl"), Classify: true),
        ];
    }

    /// <summary>The chat form of the test split, for scoring the base model zero-shot (it has no head).</summary>
    public string ChatTest => Classify ? Path.Combine(Path.GetDirectoryName(Test)!, "test.jsonl") : Test;
}
