using FineTune.Models.Generation;

namespace FineTune.Models.Tests.Generation;

public class RepetitionPenaltyTests
{
    [Fact]
    public void Positive_logits_are_divided_and_the_rest_multiplied_once_per_distinct_id()
    {
        float[] logits = [2f, -2f, 1f, 0.5f, 0f];
        new RepetitionPenalty(2f).Apply(logits, [0, 1, 1, 4, 1]);
        // id 0: 2/2; id 1 (three times, penalised once): -2·2; ids 2, 3 untouched; id 4: 0·2 = 0
        Assert.Equal([1f, -4f, 1f, 0.5f, 0f], logits);
    }

    [Fact]
    public void Marks_from_one_call_do_not_leak_into_the_next()
    {
        var penalty = new RepetitionPenalty(4f);
        float[] first = [8f, 8f, -1f];
        penalty.Apply(first, [0, 2]);
        float[] second = [8f, 8f, -1f];
        penalty.Apply(second, [0, 2]);
        Assert.Equal([2f, 8f, -4f], first);
        Assert.Equal([2f, 8f, -4f], second);
        float[] third = [8f, 8f, -1f];
        penalty.Apply(third, [1]);
        Assert.Equal([8f, 2f, -1f], third);
    }

    [Fact]
    public void Out_of_vocabulary_ids_are_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RepetitionPenalty(1.2f).Apply(new float[3], [2, -1]));
        Assert.Contains("-1 at position 1", error.Message);
    }
}
