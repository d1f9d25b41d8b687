using FineTune.Models.Generation;
using FineTune.Models.Serving;

namespace FineTune.Models.Tests.Serving;

public sealed class ServingSequenceSpecs
{
    [Theory]
    [InlineData(SequenceState.Waiting, SequenceState.Decoding)]
    [InlineData(SequenceState.Waiting, SequenceState.Finished)]
    [InlineData(SequenceState.Decoding, SequenceState.Prefilling)]
    [InlineData(SequenceState.Finished, SequenceState.Cancelled)]
    [InlineData(SequenceState.Cancelled, SequenceState.Prefilling)]
    [InlineData(SequenceState.Finished, SequenceState.Decoding)]
    public void These_transitions_are_illegal(SequenceState from, SequenceState to) =>
        Assert.False(ServingSequence.IsLegal(from, to));

    [Fact]
    public void Finishing_a_waiting_sequence_throws_naming_both_states()
    {
        var sequence = new ServingSequence(3, promptTokenCount: 4, maxNewTokens: 2);

        var error = Assert.Throws<InvalidOperationException>(() => sequence.Finish(FinishReason.Stop));

        Assert.Equal("Sequence 3 cannot go from Waiting to Finished.", error.Message);
        Assert.Equal(SequenceState.Waiting, sequence.State);
    }

    [Fact]
    public void A_decoded_token_for_a_sequence_still_prefilling_throws()
    {
        var sequence = new ServingSequence(1, 4, 2);
        sequence.Admit([0]);

        Assert.Throws<InvalidOperationException>(sequence.RecordDecodedToken);
    }

    [Fact]
    public void An_ended_sequence_cannot_be_cancelled()
    {
        var sequence = new ServingSequence(1, 2, 5);
        sequence.Admit([0]);
        sequence.Cancel();

        Assert.Throws<InvalidOperationException>(sequence.Cancel);
    }

    [Fact]
    public void Prefilling_more_than_the_rest_of_the_prompt_throws()
    {
        var sequence = new ServingSequence(1, 4, 2);
        sequence.Admit([0]);
        sequence.RecordPrefill(3);

        Assert.Throws<ArgumentOutOfRangeException>(() => sequence.RecordPrefill(2));
    }

    [Fact]
    public void The_last_prompt_chunk_yields_the_first_token_and_moves_to_decoding()
    {
        var sequence = new ServingSequence(1, 6, 3);
        sequence.Admit([0, 1]);

        sequence.RecordPrefill(4);
        Assert.Equal(SequenceState.Prefilling, sequence.State);
        sequence.RecordPrefill(2);

        Assert.Equal(SequenceState.Decoding, sequence.State);
        Assert.Equal(1, sequence.GeneratedCount);
    }

    [Fact]
    public void Reaching_max_new_tokens_finishes_with_length()
    {
        var sequence = new ServingSequence(1, 2, 2);
        sequence.Admit([0]);
        sequence.RecordPrefill(2);

        sequence.RecordDecodedToken();

        Assert.Equal(SequenceState.Finished, sequence.State);
        Assert.Equal(FinishReason.Length, sequence.FinishReason);
    }

    [Fact]
    public void A_sequence_of_one_new_token_finishes_with_its_prompt()
    {
        var sequence = new ServingSequence(1, 2, maxNewTokens: 1);
        sequence.Admit([0]);

        sequence.RecordPrefill(2);

        Assert.Equal(SequenceState.Finished, sequence.State);
    }

    [Fact]
    public void An_empty_prompt_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ServingSequence(1, 0, 4));
        Assert.Equal("promptTokenCount", error.ParamName);
    }
}
