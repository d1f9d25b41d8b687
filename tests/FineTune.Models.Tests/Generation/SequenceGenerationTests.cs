using FineTune.Models.Generation;

namespace FineTune.Models.Tests.Generation;

public class SequenceGenerationTests
{
    private static List<TokenEvent> Feed(SequenceGeneration sequence, params (int Id, string Piece)[] tokens)
    {
        var events = new List<TokenEvent>();
        TokenCallback callback = events.Add;
        foreach (var (id, piece) in tokens) callback(sequence.Accept(id, piece));
        return events;
    }

    [Fact]
    public void A_stop_token_ends_with_stop_and_its_text_is_left_out()
    {
        var options = new SamplingOptions { StopTokenIds = [2], StopSequences = ["</s"], Seed = 1 };
        var sequence = new SequenceGeneration(options, [10, 11], sequenceIndex: 3);
        var events = Feed(sequence, (5, "Hi </"), (6, "x there"), (2, "</s>"));

        Assert.Equal(["Hi ", "</x there", ""], events.Select(e => e.Text));
        Assert.Equal([null, null, FinishReason.Stop], events.Select(e => e.FinishReason));
        Assert.All(events, e => Assert.Equal(3, e.SequenceIndex));
        GenerationResult result = sequence.ToResult();
        Assert.Equal("Hi </x there", result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(2, result.StopTokenId);
        Assert.Null(result.StopSequence);
        Assert.Equal([5, 6, 2], result.TokenIds);
        Assert.Equal(2, result.PromptTokenCount);
        Assert.Equal(3, result.CompletionTokenCount);
        Assert.Equal([10, 11, 5, 6, 2], sequence.Tokens.ToArray());
    }

    [Fact]
    public void The_token_limit_ends_with_length_and_releases_held_text()
    {
        var sequence = new SequenceGeneration(new SamplingOptions { MaxNewTokens = 3, StopSequences = ["###"] }, [1]);
        var events = Feed(sequence, (7, "a"), (8, "#"), (8, "#"));
        Assert.Equal(["a", "", "##"], events.Select(e => e.Text));
        Assert.Equal(FinishReason.Length, events[^1].FinishReason);
        Assert.True(events[^1].IsLast);
        Assert.Equal("a##", sequence.ToResult().Text);
    }

    [Fact]
    public void A_small_context_window_shortens_the_limit()
    {
        var sequence = new SequenceGeneration(new SamplingOptions { MaxNewTokens = 100 }, [1, 2], contextRemaining: 2);
        var events = Feed(sequence, (3, "x"), (4, "y"));
        Assert.Equal(FinishReason.Length, events[^1].FinishReason);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceGeneration(new SamplingOptions(), [1], contextRemaining: 0));
    }

    [Fact]
    public void A_stop_sequence_ends_with_stop_and_is_cut_from_the_text()
    {
        var sequence = new SequenceGeneration(new SamplingOptions { StopSequences = ["END"] }, []);
        var events = Feed(sequence, (1, "x"), (2, "EN"), (3, "D!"));
        Assert.Equal(["x", "", ""], events.Select(e => e.Text));
        GenerationResult result = sequence.ToResult();
        Assert.Equal((FinishReason.Stop, "END", "x"), (result.FinishReason, result.StopSequence, result.Text));
        Assert.Equal([1, 2, 3], result.TokenIds);
        Assert.Throws<InvalidOperationException>(() => sequence.Accept(4, "more"));
        Assert.Throws<InvalidOperationException>(() => sequence.SampleNext(new float[4]));
    }

    [Fact]
    public void Sampling_sees_the_prompt_and_the_generated_tokens()
    {
        var sequence = new SequenceGeneration(SamplingOptions.Greedy with { RepetitionPenalty = 10f }, [0]);
        Assert.Equal(1, sequence.SampleNext([5f, 4f, 3f]));   // 0 is in the prompt: 5 → 0.5
        sequence.Accept(1, "b");
        Assert.Equal(2, sequence.SampleNext([5f, 4f, 3f]));   // now 1 is penalised too
        Assert.Throws<InvalidOperationException>(sequence.ToResult);
    }

    [Fact]
    public void Finish_reasons_use_openai_words()
    {
        Assert.Equal("stop", FinishReason.Stop.ToOpenAiString());
        Assert.Equal("length", FinishReason.Length.ToOpenAiString());
    }
}
