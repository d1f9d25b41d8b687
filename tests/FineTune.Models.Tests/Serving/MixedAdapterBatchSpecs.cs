using FineTune.Models.Adapters;
using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Models.Serving;
using FineTune.Models.Tests.FineTuning;

namespace FineTune.Models.Tests.Serving;

/// <summary>
/// Many adapters on one base in one batch: each row gets its own LoRA/DoRA delta on the shared base
/// product, and every sequence ends up where it would on its own merged model.
/// </summary>
public sealed class MixedAdapterBatchSpecs
{
    private static readonly LlamaModel Base = FineTuningData.NewModel();

    /// <summary>
    /// Largest |difference| allowed between a served-unmerged and a merged logit, relative to the largest
    /// |logit|: x·W0ᵀ + s·(x·Aᵀ)·Bᵀ and x·(W0 + s·B·A)ᵀ differ only by float32 rounding (~1e-6).
    /// </summary>
    private const double MergedTolerance = 1e-4;

    /// <summary>Relative L2 distance allowed between int8-served and float32 logits (as Int8InferenceSpecs).</summary>
    private const double Int8Tolerance = 0.06;

    private static readonly AdapterParameters Lora = RandomAdapter(new LoraAdapterConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"] }, seed: 1);
    private static readonly AdapterParameters Dora = RandomAdapter(
        new LoraAdapterConfig { Rank = 2, Alpha = 4, UseDora = true, TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] }, seed: 2);

    [Fact]
    public void A_step_mixing_base_lora_and_dora_rows_gives_every_sequence_its_merged_models_logits()
    {
        var session = new InferenceSession(Base);
        var (lora, dora) = (new ServingAdapter("lora:1", Base, Lora), new ServingAdapter("dora:1", Base, Dora));
        // the LoRA sequences are not side by side: two segments of one adapter in one step
        var sequences = new (int[] Prompt, ServingAdapter? Adapter, LlamaModel Merged)[]
        {
            ([1, 5, 9, 13], lora, AdapterMerge.Merge(Base, Lora)),
            ([2, 7], null, Base),
            ([3, 11, 17, 19, 23, 29], dora, AdapterMerge.Merge(Base, Dora)),
            ([4, 8, 15], lora, AdapterMerge.Merge(Base, Lora)),
        };

        var mixed = RunTwoSteps(session, sequences.Select(s => (s.Prompt, s.Adapter)).ToList());

        for (var i = 0; i < sequences.Length; i++)
        {
            var alone = RunTwoSteps(new InferenceSession(sequences[i].Merged), [(sequences[i].Prompt, null)]);
            for (var step = 0; step < 2; step++) AssertClose(alone[step][0], mixed[step][i], $"sequence {i}, step {step}");
        }
        // and the adapters matter: the LoRA sequence's logits are not the base's
        var baseAlone = RunTwoSteps(new InferenceSession(Base), [(sequences[0].Prompt, null)]);
        Assert.True(MaxRelativeDifference(baseAlone[0][0], mixed[0][0]) > 100 * MergedTolerance);
    }

    [Fact]
    public void Int8_rows_with_adapters_match_the_same_sequence_served_alone_and_stay_close_to_float32_merged()
    {
        var session = new InferenceSession(Base, WeightPrecision.Int8);
        var (lora, dora) = (new ServingAdapter("lora:1", Base, Lora), new ServingAdapter("dora:1", Base, Dora));
        var sequences = new List<(int[] Prompt, ServingAdapter? Adapter)> { ([1, 5, 9, 13], lora), ([3, 11, 17], dora), ([2, 7], null) };

        var mixed = RunTwoSteps(session, sequences);

        for (var i = 0; i < sequences.Count; i++)
        {
            var alone = RunTwoSteps(new InferenceSession(Base, WeightPrecision.Int8), [sequences[i]]);
            AssertClose(alone[1][0], mixed[1][i], $"int8 sequence {i} alone vs batched");
            var merged = sequences[i].Adapter is null ? Base : AdapterMerge.Merge(Base, sequences[i].Adapter == lora ? Lora : Dora);
            var fp32 = RunTwoSteps(new InferenceSession(merged), [(sequences[i].Prompt, null)]);
            Assert.True(RelativeL2(fp32[1][0], mixed[1][i]) < Int8Tolerance, $"sequence {i}: relative distance {RelativeL2(fp32[1][0], mixed[1][i]):0.0000}");
        }
    }

    [Fact]
    public async Task A_batcher_serving_two_adapters_and_the_base_at_once_gives_each_request_its_merged_models_greedy_answer()
    {
        var (lora, dora) = (new ServingAdapter("lora:1", Base, Lora), new ServingAdapter("dora:1", Base, Dora));
        await using var batcher = new ContinuousBatcher(new InferenceSession(Base),
            new SchedulerSettings(MaxRunningSequences: 6, StepTokenBudget: 8, BlockSize: 4, TotalBlocks: 64, MaxWaitingSequences: 16));
        var options = SamplingOptions.Greedy with { MaxNewTokens = 6 };
        var requests = Enumerable.Range(0, 6).Select(i => (Prompt: new[] { 1 + i, 10 + i, 20 + i, 30 - i }, Adapter: (i % 3) switch { 0 => lora, 1 => dora, _ => (ServingAdapter?)null })).ToList();

        var answers = await Task.WhenAll(requests.Select(r => batcher.SubmitAsync(r.Prompt, options, adapter: r.Adapter)));

        for (var i = 0; i < requests.Count; i++)
        {
            var merged = requests[i].Adapter is null ? Base : AdapterMerge.Merge(Base, requests[i].Adapter == lora ? Lora : Dora);
            Assert.Equal(new LlamaGenerator(new InferenceSession(merged)).Generate([requests[i].Prompt], options)[0].TokenIds, answers[i].TokenIds);
        }
    }

    [Fact]
    public void An_adapter_prepared_for_another_base_is_refused_before_anything_runs()
    {
        var otherBase = LlamaModel.CreateRandom(FineTuningData.Config, seed: 99, std: 0.1f);
        var foreign = new ServingAdapter("foreign:1", otherBase, Lora);
        var session = new InferenceSession(Base);

        var error = Assert.Throws<ArgumentException>(() => session.Forward([new SequenceStep(session.NewCache(), new[] { 1, 2 }, foreign)], new float[Base.Config.VocabSize]));

        Assert.Contains("foreign:1", error.Message);
    }

    [Fact]
    public void A_served_adapter_costs_its_own_tensors_and_dora_factors_not_a_copy_of_the_base()
    {
        var lora = new ServingAdapter("lora:1", Base, Lora);
        var dora = new ServingAdapter("dora:1", Base, Dora);

        Assert.Equal(Lora.Values.Length * 4L, lora.Bytes);
        Assert.Equal((Dora.Values.Length + Dora.Modules.Sum(m => (long)m.Outputs)) * 4, dora.Bytes);
        Assert.True(dora.Bytes < Base.Parameters.Length * 4L / 10);
    }

    // two steps for every sequence in one batch: its whole prompt, then one decode of token 3; the logits of each
    private static List<float[][]> RunTwoSteps(InferenceSession session, IReadOnlyList<(int[] Prompt, ServingAdapter? Adapter)> sequences)
    {
        var v = Base.Config.VocabSize;
        var caches = sequences.Select(_ => session.NewCache()).ToList();
        var results = new List<float[][]>();
        for (var step = 0; step < 2; step++)
        {
            var logits = new float[sequences.Count * v];
            session.Forward([.. sequences.Select((s, i) => new SequenceStep(caches[i], step == 0 ? s.Prompt : new[] { 3 }, s.Adapter))], logits);
            results.Add([.. Enumerable.Range(0, sequences.Count).Select(i => logits.AsSpan(i * v, v).ToArray())]);
        }
        return results;
    }

    private static AdapterParameters RandomAdapter(LoraAdapterConfig config, int seed)
    {
        var parameters = new AdapterParameters(LoraAdapter.CreateFor(Base, config, seed), Base.Config);
        var random = new Random(seed);
        foreach (var m in parameters.Modules)
        {
            // B starts at zero and the magnitude at the row norms: move both so the adapter changes the answers
            foreach (ref var b in parameters.B(m, parameters.Values)) b = (float)(random.NextDouble() - 0.5) * 0.5f;
            foreach (ref var magnitude in parameters.Magnitude(m, parameters.Values)) magnitude *= 0.5f + (float)random.NextDouble();
        }
        return parameters;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        var difference = MaxRelativeDifference(expected, actual);
        Assert.True(difference <= MergedTolerance, $"{what}: largest difference {difference:E2} of the largest logit");
    }

    private static double MaxRelativeDifference(float[] expected, float[] actual) =>
        expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) / expected.Max(Math.Abs);

    private static double RelativeL2(float[] expected, float[] actual) =>
        Math.Sqrt(expected.Zip(actual).Sum(p => Math.Pow(p.First - p.Second, 2)) / expected.Sum(x => (double)x * x));
}
