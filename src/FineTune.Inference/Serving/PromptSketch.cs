using FineTune.Datasets.Pii;
using FineTune.Tokenizers;

namespace FineTune.Inference.Serving;

/// <summary>
/// The prompt as monitoring may see it: each message's text with personal data redacted (as curation
/// redacts training data), tokenized as the dataset card's reference profile counts prompts (message
/// contents, no chat template), and reduced to a sorted bag of at most <see cref="MaxTokens"/> token ids.
/// The bag keeps the token frequencies drift detection compares; sorted, it cannot be read back as text.
/// </summary>
public static class PromptSketch
{
    public const int MaxTokens = 256;

    public static int[] Of(IEnumerable<string> texts, Tokenizer tokenizer)
    {
        var ids = new List<int>();
        var pii = new Dictionary<PiiKind, int>();
        foreach (var text in texts) tokenizer.Encode(PiiRedactor.Redact(text, pii), ids, SpecialTokenPolicy.AsText);
        // a long prompt is sampled at evenly spaced positions, so every part of it counts
        int[] bag = ids.Count <= MaxTokens ? [.. ids] : [.. Enumerable.Range(0, MaxTokens).Select(i => ids[(int)((long)i * ids.Count / MaxTokens)])];
        Array.Sort(bag);
        return bag;
    }
}
