using FineTune.Models.Llama;
using FineTune.Models.Tests.Parity;

namespace FineTune.Models.Tests.Llama;

public sealed class InferenceSessionSpecs
{
    /// <summary>KV-cached decoding reorders float sums (tiles, per-sequence attention), nothing more.</summary>
    private const double CachedLogitsRelativeTolerance = 2e-5;

    [Theory]
    [InlineData("gqa_tied")]
    [InlineData("bias_untied")]
    public void Prefill_then_one_token_at_a_time_matches_pytorch_logits_at_every_position(string name)
    {
        var fixture = TorchFixture.LoadNamed(name);
        var model = LlamaParitySpecs.ModelFrom(fixture);
        var (batch, length, vocab) = (fixture.Shape("input_ids")[0], fixture.Shape("input_ids")[1], model.Config.VocabSize);
        var ids = fixture.Int("input_ids");
        var expected = fixture.Float("logits");
        var session = new InferenceSession(model);
        var logits = new float[vocab];

        for (var b = 0; b < batch; b++)
        {
            var cache = session.NewCache(length);
            // the first 3 tokens as one prefill, the rest one by one as decoding does
            const int prefill = 3;
            session.Forward([new SequenceStep(cache, ids.AsMemory(b * length, prefill))], logits);
            AssertRow(b, prefill - 1);
            for (var t = prefill; t < length; t++)
            {
                session.Forward([new SequenceStep(cache, ids.AsMemory(b * length + t, 1))], logits);
                AssertRow(b, t);
            }
            Assert.Equal(length, cache.Length);
        }

        void AssertRow(int b, int t) => LlamaParitySpecs.AssertClose($"sequence {b} position {t}",
            expected.AsSpan((b * length + t) * vocab, vocab).ToArray(), logits, LlamaParitySpecs.LogitsRelativeTolerance);
    }

    [Fact]
    public void Sequences_of_different_lengths_in_one_step_get_the_logits_they_get_alone()
    {
        var model = LlamaModel.CreateRandom(TinyConfig, seed: 3);
        var session = new InferenceSession(model);
        int[] first = [5, 9, 2, 7, 1], second = [4, 4];
        var vocab = model.Config.VocabSize;

        var together = new float[2 * vocab];
        KvCache a = session.NewCache(16), b = session.NewCache(16);
        session.Forward([new SequenceStep(a, first), new SequenceStep(b, second)], together);
        session.Forward([new SequenceStep(a, new[] { 3 }), new SequenceStep(b, new[] { 8 })], together);

        var alone = new float[vocab];
        var c = session.NewCache(16);
        session.Forward([new SequenceStep(c, second)], alone);
        session.Forward([new SequenceStep(c, new[] { 8 })], alone);
        LlamaParitySpecs.AssertClose("second sequence", alone, together.AsSpan(vocab).ToArray(), CachedLogitsRelativeTolerance);
    }

    [Fact]
    public void A_step_past_the_cache_capacity_is_refused_and_leaves_the_cache_as_it_was()
    {
        var model = LlamaModel.CreateRandom(TinyConfig, seed: 1);
        var session = new InferenceSession(model);
        var cache = session.NewCache(4);
        session.Forward([new SequenceStep(cache, new[] { 1, 2, 3 })], new float[model.Config.VocabSize]);

        var error = Assert.Throws<ArgumentException>(() =>
            session.Forward([new SequenceStep(cache, new[] { 4, 5 })], new float[model.Config.VocabSize]));

        Assert.Contains("capacity of 4", error.Message);
        Assert.Equal(3, cache.Length);
    }

    internal static LlamaConfig TinyConfig { get; } = new()
    {
        VocabSize = 32, HiddenSize = 16, IntermediateSize = 40, NumLayers = 2, NumHeads = 4, NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 64,
    };
}
