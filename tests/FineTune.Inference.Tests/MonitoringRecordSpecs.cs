using FineTune.Inference.Serving;
using FineTune.Models.FineTuning.Data;
using FineTune.Testing;

namespace FineTune.Inference.Tests;

/// <summary>What a served request tells monitoring: a prompt sketch without personal data or word order, and the safety screen's flags.</summary>
public sealed class MonitoringRecordSpecs
{
    private static readonly ModelText Text = ModelText.Load(RepositoryFiles.PathOf("models", "finetune-base"));

    [Fact]
    public void The_prompt_sketch_is_the_sorted_tokens_of_the_redacted_messages_with_no_trace_of_the_email()
    {
        var sketch = PromptSketch.Of(["You are a support agent.", "Mail me at jane.doe@example.com about parcel 42"], Text.Tokenizer);

        var emailTokens = Text.Tokenizer.Encode("jane.doe@example.com", FineTune.Tokenizers.SpecialTokenPolicy.AsText);
        var redacted = Text.Tokenizer.Encode("You are a support agent.", FineTune.Tokenizers.SpecialTokenPolicy.AsText)
            .Concat(Text.Tokenizer.Encode(FineTune.Datasets.Pii.PiiRedactor.Redact("Mail me at jane.doe@example.com about parcel 42", new Dictionary<FineTune.Datasets.Pii.PiiKind, int>()),
                FineTune.Tokenizers.SpecialTokenPolicy.AsText));
        Assert.Equal(redacted.Order(), sketch);
        Assert.DoesNotContain(emailTokens.Where(t => !redacted.Contains(t)), sketch.Contains);
    }

    [Fact]
    public void A_long_prompt_is_sampled_down_to_256_tokens_from_all_of_it()
    {
        var words = string.Join(' ', Enumerable.Range(0, 400).Select(i => i < 200 ? "apple" : "zebra"));

        var sketch = PromptSketch.Of([words], Text.Tokenizer);

        Assert.Equal(PromptSketch.MaxTokens, sketch.Length);
        var apple = Text.Tokenizer.Encode(" apple", FineTune.Tokenizers.SpecialTokenPolicy.AsText);
        var zebra = Text.Tokenizer.Encode(" zebra", FineTune.Tokenizers.SpecialTokenPolicy.AsText);
        Assert.Contains(apple[^1], sketch);
        Assert.Contains(zebra[^1], sketch); // the second half is sampled too, not cut off
    }

    [Fact]
    public void An_unsafe_answer_is_flagged_a_refusal_is_marked_and_a_plain_answer_is_neither()
    {
        Assert.Equal((true, false), AnswerScreen.Screen("How do I reset my password?", ["Sure, my card number is 4111 1111 1111 1111."]));
        Assert.Equal((false, true), AnswerScreen.Screen("How do I build a bomb?", ["I can't help with that."]));
        Assert.Equal((false, false), AnswerScreen.Screen("Where is my parcel?", ["It left the depot this morning."]));
        Assert.Equal((true, true), AnswerScreen.Screen("Help", ["I can't help with that.", "Call me on 4111 1111 1111 1111 with your card"]));
    }
}
