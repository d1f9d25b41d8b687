using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Testing;

namespace FineTune.Models.Tests.Serving;

/// <summary>The shipped base model served from int8 projections: a quarter of the bytes, logits close to float32, the same greedy answers almost everywhere.</summary>
public sealed class Int8InferenceSpecs
{
    private static readonly LlamaModel Model = LlamaCheckpoints.Load(RepositoryFiles.PathOf("models", "finetune-base"));

    /// <summary>Relative L2 distance allowed between int8 and float32 logits (measured about 0.02 on the shipped model).</summary>
    private const double LogitTolerance = 0.06;

    [Fact]
    public void Int8_projections_take_at_most_027_of_the_float32_bytes_including_the_padded_688_wide_inputs()
    {
        var int8 = new InferenceSession(Model, WeightPrecision.Int8);
        var fp32 = new InferenceSession(Model);

        Assert.Equal(fp32.ProjectionBytes, int8.ProjectionFloat32Bytes);
        Assert.InRange((double)int8.ProjectionBytes / fp32.ProjectionBytes, 0.25, 0.27);
    }

    [Fact]
    public void Int8_logits_stay_close_to_float32_and_greedy_answers_mostly_agree()
    {
        var prompt = new[] { 1, 345, 22, 981, 7, 1500, 64, 12, 3000, 8 };
        var fp32 = Logits(new InferenceSession(Model), prompt);
        var int8 = Logits(new InferenceSession(Model, WeightPrecision.Int8), prompt);
        double difference = 0, norm = 0;
        for (var i = 0; i < fp32.Length; i++) { difference += Math.Pow(fp32[i] - int8[i], 2); norm += fp32[i] * fp32[i]; }
        Assert.True(Math.Sqrt(difference / norm) < LogitTolerance, $"relative distance {Math.Sqrt(difference / norm):0.0000}");

        var prompts = Enumerable.Range(0, 8).Select(i => new[] { 1, 100 + i * 37, 200 + i, 7 }).ToList();
        var options = SamplingOptions.Greedy with { MaxNewTokens = 8 };
        var expected = new LlamaGenerator(new InferenceSession(Model)).Generate(prompts, options);
        var actual = new LlamaGenerator(new InferenceSession(Model, WeightPrecision.Int8)).Generate(prompts, options);
        var sameFirstTokens = expected.Zip(actual).Count(p => p.First.TokenIds[0] == p.Second.TokenIds[0]);
        Assert.True(sameFirstTokens >= 6, $"{sameFirstTokens} of 8 first tokens agree");
    }

    [Fact]
    public void A_sequence_gets_the_same_int8_logits_alone_and_in_a_step_with_other_sequences()
    {
        var session = new InferenceSession(Model, WeightPrecision.Int8);
        var prompt = new[] { 1, 345, 22, 981, 7, 1500, 64, 12 };
        var v = Model.Config.VocabSize;
        var aloneCache = session.NewCache();
        var alone = new float[v];
        session.Forward([new SequenceStep(aloneCache, prompt)], alone);
        var aloneNext = new float[v];
        session.Forward([new SequenceStep(aloneCache, new[] { 42 })], aloneNext);

        // The same prompt prefilled between two others, then decoded beside a prefill and a decode row.
        var cache = session.NewCache();
        var others = new[] { session.NewCache(), session.NewCache() };
        var batched = new float[3 * v];
        session.Forward([new SequenceStep(others[0], new[] { 1, 9, 8, 7 }), new SequenceStep(cache, prompt),
            new SequenceStep(others[1], new[] { 1, 2000, 3 })], batched);
        var batchedNext = new float[3 * v];
        session.Forward([new SequenceStep(others[1], new[] { 5 }), new SequenceStep(others[0], new[] { 6, 7, 8, 9, 10 }),
            new SequenceStep(cache, new[] { 42 })], batchedNext);

        Assert.True(alone.AsSpan().SequenceEqual(batched.AsSpan(v, v)), "the prompt's logits differ when prefilled with others");
        Assert.True(aloneNext.AsSpan().SequenceEqual(batchedNext.AsSpan(2 * v, v)), "the next token's logits differ when decoded with others");
    }

    private static float[] Logits(InferenceSession session, int[] prompt)
    {
        var logits = new float[Model.Config.VocabSize];
        session.Forward([new SequenceStep(session.NewCache(), prompt)], logits);
        return logits;
    }
}
