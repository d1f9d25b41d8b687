using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Layers;

public class EmbeddingTests
{
    const int Vocab = 5, Channels = 3;

    [Fact]
    public void Forward_copies_each_tokens_row()
    {
        var wte = Enumerable.Range(0, Vocab * Channels).Select(i => (float)i).ToArray();
        var output = new float[2 * Channels];
        Embedding.Forward(output, [4, 1], wte, Channels);
        Assert.Equal([12f, 13, 14, 3, 4, 5], output);
    }

    [Fact]
    public void Backward_adds_every_occurrence_into_the_row()
    {
        var dwte = new float[Vocab * Channels];
        dwte[2 * Channels] = 10;
        Embedding.Backward(dwte, [1f, 2, 3, 0.5f, 0.25f, 0.125f], [2, 2], Channels);
        Assert.Equal([11.5f, 2.25f, 3.125f], dwte.AsSpan(2 * Channels, Channels).ToArray());
        Assert.Equal(0, dwte.Where((_, i) => i / Channels != 2).Count(g => g != 0));
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        int[] ids = [3, 0, 3, 1];
        var wte = GradientCheck.Random(Vocab * Channels, 1);
        var r = GradientCheck.Random(ids.Length * Channels, 2);
        var output = new float[r.Length];
        double Loss()
        {
            Embedding.Forward(output, ids, wte, Channels);
            return GradientCheck.Project(output, r);
        }
        var dwte = new float[wte.Length];
        Embedding.Backward(dwte, r, ids, Channels);
        GradientCheck.AssertMatches(dwte, GradientCheck.Numeric(wte, Loss), "dwte");
    }

    [Fact]
    public void Rejects_an_id_outside_the_vocabulary_naming_it_and_its_position()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Embedding.Forward(new float[3 * Channels], [0, 1, Vocab], new float[Vocab * Channels], Channels));
        Assert.Contains($"Token id {Vocab} at position 2", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Embedding.Backward(new float[Vocab * Channels], new float[Channels], [-1], Channels));
    }
}
