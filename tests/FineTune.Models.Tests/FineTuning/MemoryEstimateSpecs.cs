using System.Globalization;
using FineTune.Models.Adapters;
using FineTune.Models.FineTuning;
using FineTune.Models.Llama;
using FineTune.Testing;
using Xunit.Abstractions;
using static FineTune.Models.Tests.FineTuning.FineTuningData;

namespace FineTune.Models.Tests.FineTuning;

public sealed class MemoryEstimateSpecs
{
    private static readonly LlamaConfig Large = new()
    {
        VocabSize = 32000, HiddenSize = 2048, IntermediateSize = 5632, NumLayers = 22, NumHeads = 32, NumKeyValueHeads = 4, MaxPositionEmbeddings = 2048,
    };

    private static readonly FineTuneOptions Quick = new() { Rank = 4, Alpha = 8, BatchSize = 4, MaxSteps = 1, CheckpointEvery = 1, Seed = 3 };

    [Fact]
    public void Doubling_the_batch_doubles_the_activations_and_leaves_the_rest_alone()
    {
        var options = new FineTuneOptions { Method = FineTuneMethod.Lora, BatchSize = 4 };
        var single = MemoryEstimate.For(Large, options, 512, hasValidation: false);
        var twice = MemoryEstimate.For(Large, options with { BatchSize = 8 }, 512, hasValidation: false);

        Assert.InRange((double)twice.Activations / single.Activations, 1.99, 2.01);
        Assert.Equal(single.Weights, twice.Weights);
        Assert.Equal(single.Gradients, twice.Gradients);
        Assert.Equal(single.OptimizerState, twice.OptimizerState);
    }

    [Fact]
    public void Adapters_train_a_sliver_so_their_optimizer_state_is_a_sliver_of_full_fine_tunings()
    {
        var full = MemoryEstimate.For(Large, new FineTuneOptions { Method = FineTuneMethod.Full }, 512, hasValidation: true);
        var lora = MemoryEstimate.For(Large, new FineTuneOptions { Method = FineTuneMethod.Lora }, 512, hasValidation: true);
        var qlora = MemoryEstimate.For(Large, new FineTuneOptions { Method = FineTuneMethod.Qlora }, 512, hasValidation: true);

        Assert.True(lora.TrainableParameters < full.TrainableParameters / 50, $"{lora.TrainableParameters} vs {full.TrainableParameters}");
        Assert.True(lora.OptimizerState < full.OptimizerState / 50, $"{lora} vs {full}");
        // QLoRA's model buffer holds no projections, so neither does the pass's gradient buffer laid out like it
        Assert.True(qlora.Gradients < full.Gradients / 5, $"{qlora} vs {full}");
        Assert.True(qlora.Total < lora.Total && lora.Total < full.Total, $"{qlora}; {lora}; {full}");
    }

    [Fact]
    public void QLoRA_holds_the_projections_in_about_four_and_a_half_bits_and_the_rest_in_fp32()
    {
        var estimate = MemoryEstimate.For(Large, new FineTuneOptions { Method = FineTuneMethod.Qlora }, 512, hasValidation: false);
        var sites = LoraTargets.Sites(Large, LoraTargets.All).ToList();
        var projections = sites.Sum(s => (long)s.Outputs * s.Inputs);
        var rest = new ParameterLayout(Large, storeProjections: false).Count;
        var scratch = sites.Max(s => (long)s.Outputs * s.Inputs); // one matrix dequantized at a time

        var fourBit = estimate.Weights - 4 * (rest + estimate.TrainableParameters + scratch);

        Assert.InRange(fourBit * 8.0 / projections, 4.0, 4.5);
    }

    [Fact]
    public void QLoRAs_four_bit_weights_are_counted_as_the_quantized_base_stores_them()
    {
        var model = NewModel();
        var quantized = new QuantizedBase(model);
        var options = Quick with { Method = FineTuneMethod.Qlora };
        var estimate = MemoryEstimate.For(Config, options, 16, hasValidation: false);
        var rest = new ParameterLayout(Config, storeProjections: false).Count;
        var scratch = LoraTargets.Sites(Config, LoraTargets.All).Max(s => s.Outputs * s.Inputs);

        Assert.Equal(quantized.Bytes, estimate.Weights - 4 * (rest + estimate.TrainableParameters + scratch));
    }

    public static TheoryData<FineTuneMethod, FineTuneTask> Methods => new()
    {
        { FineTuneMethod.Full, FineTuneTask.CausalLanguageModel },
        { FineTuneMethod.Lora, FineTuneTask.CausalLanguageModel },
        { FineTuneMethod.Qlora, FineTuneTask.CausalLanguageModel },
        { FineTuneMethod.Dora, FineTuneTask.CausalLanguageModel },
        { FineTuneMethod.HalfFineTuning, FineTuneTask.CausalLanguageModel },
        { FineTuneMethod.Full, FineTuneTask.SequenceClassification },
        { FineTuneMethod.Dora, FineTuneTask.SequenceClassification },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void The_trainable_count_is_what_the_trainer_trains(FineTuneMethod method, FineTuneTask task)
    {
        var classify = task == FineTuneTask.SequenceClassification;
        var options = Quick with { Method = method, Task = task, Classes = classify ? ["low", "high"] : [] };
        var train = ExampleSet.Prepare("train", classify ? Classification(8, seed: 1) : Instructions(8, seed: 1), options, Config);
        using var folder = new TempDirectory();

        var result = new FineTuner(options).Run(NewModel(), train, null, folder.Path, Pad);

        Assert.Equal(result.TrainableParameters, TrainableParameters.Count(Config, options));
        Assert.Equal(result.TrainableParameters, MemoryEstimate.For(Config, options, 16, hasValidation: false).TrainableParameters);
    }

    [Fact]
    public void A_job_that_fits_is_not_refused()
    {
        var estimate = MemoryEstimate.For(Large, new FineTuneOptions { Method = FineTuneMethod.Lora }, 512, hasValidation: false);

        Assert.Null(estimate.RefusalFor(estimate.Total));
        Assert.NotNull(estimate.RefusalFor(estimate.Total - 1));
    }

    [Fact]
    public void A_refusal_names_the_need_its_parts_the_workers_memory_and_the_settings_to_change()
    {
        var estimate = MemoryEstimate.For(Large, new FineTuneOptions { Method = FineTuneMethod.Full, BatchSize = 8 }, 512, hasValidation: false);

        var refusal = estimate.RefusalFor(2_000_000_000)!;

        Assert.Contains($"needs about {Gigabytes(estimate.Total)}", refusal);
        Assert.Contains($"activations {Gigabytes(estimate.Activations)} for batch 8 × 512 tokens", refusal);
        Assert.Contains($"weights {Gigabytes(estimate.Weights)}", refusal);
        Assert.Contains("worker has 2.0 GB", refusal);
        Assert.Contains("batch_size (now 8", refusal);
        Assert.Contains("max_seq_length (now 512)", refusal);
        Assert.Contains("use lora or qlora", refusal);
    }

    [Fact]
    public void A_refused_qlora_job_is_not_told_to_use_qlora()
    {
        var estimate = MemoryEstimate.For(Large, new FineTuneOptions { Method = FineTuneMethod.Qlora }, 2048, hasValidation: false);

        var refusal = estimate.RefusalFor(100_000_000)!;

        Assert.Contains("The qlora job needs", refusal);
        Assert.DoesNotContain("use qlora", refusal);
        Assert.Contains("max_seq_length (now 2048)", refusal);
    }

    [Fact]
    public void A_sequence_longer_than_the_run_allows_is_refused_naming_the_limit()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            MemoryEstimate.For(Large, new FineTuneOptions { MaxSequenceLength = 1024 }, 2048, hasValidation: false));

        Assert.Contains("1024", e.Message);
    }

    private static string Gigabytes(long bytes) => (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB";
}

/// <summary>Measured runs read the process's peak memory, so nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurement";
}

/// <summary>
/// The estimate against the peak resident memory of real runs: big enough that training dominates
/// (hidden 256, 4 layers, vocabulary 8192, batch 8 × 128 tokens), short enough to stay quick (2 steps,
/// the second ending in a checkpoint, as every run's last step does).
/// The process's resident size is taken before the model exists, the kernel's peak counter is
/// reset once the model is in memory (QLoRA's load maps the fp32 file, which is page cache, not
/// the job's), and the peak after the run, less the size before, is compared with the estimate
/// without <see cref="MemoryEstimate.Runtime"/> — the runtime, JIT code and OpenBLAS's buffers are
/// already in the "before" of a process that has trained once.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class MeasuredMemoryEstimateSpecs(ITestOutputHelper output)
{
    private const int Batch = 8, Sequence = 128;

    private static readonly LlamaConfig Measured = new()
    {
        VocabSize = 8192, HiddenSize = 256, IntermediateSize = 768, NumLayers = 4, NumHeads = 4, NumKeyValueHeads = 2, MaxPositionEmbeddings = Sequence,
    };

    private static readonly Lazy<bool> WarmedUp = new(() =>
    {
        // JIT, OpenBLAS's threads and the shared pools, once, on the tiny model
        foreach (var method in new[] { FineTuneMethod.Full, FineTuneMethod.Lora, FineTuneMethod.Qlora })
        {
            var options = new FineTuneOptions { Method = method, BatchSize = 4, MaxSteps = 1 };
            using var folder = new TempDirectory();
            new FineTuner(options).Run(NewModel(), ExampleSet.Prepare("train", Instructions(8, seed: 1), options, Config), null, folder.Path, Pad);
        }
        return true;
    });

    [Theory]
    [InlineData(FineTuneMethod.Full, false)]
    [InlineData(FineTuneMethod.Full, true)] // keeps the best weights
    [InlineData(FineTuneMethod.Lora, false)]
    [InlineData(FineTuneMethod.Qlora, false)]
    public void The_estimate_is_within_a_quarter_of_the_measured_peak(FineTuneMethod method, bool validate)
    {
        Assert.True(WarmedUp.Value);
        var options = new FineTuneOptions { Method = method, BatchSize = Batch, MaxSteps = 2, CheckpointEvery = 2, Seed = 4 };
        var train = ExampleSet.Prepare("train", Text(2 * Batch), options, Measured);
        var validation = validate ? ExampleSet.Prepare("validation", Text(Batch), options, Measured) : null;
        var estimate = MemoryEstimate.For(Measured, options, Sequence, hasValidation: validate);
        using var folder = new TempDirectory();
        using var saved = new TempDirectory();
        if (method == FineTuneMethod.Qlora) LlamaCheckpoints.Save(LlamaModel.CreateRandom(Measured, seed: 8), saved.Path);

        var before = ResidentAfterCollecting();
        (LlamaModel Model, QuantizedBase? Weights) job = method == FineTuneMethod.Qlora ? QuantizedBase.Load(saved.Path) : (LlamaModel.CreateRandom(Measured, seed: 8), null);
        ResetPeak();
        new FineTuner(options).Run(job.Model, train, validation, folder.Path, Pad, quantizedBase: job.Weights);
        var measured = Status("VmHWM") - before;

        var expected = estimate.Total - estimate.Runtime;
        output.WriteLine($"{method.Name()}{(validate ? " with validation" : "")}: measured {measured / 1e6:0.0} MB, estimated {expected / 1e6:0.0} MB " +
                         $"(ratio {(double)expected / measured:0.00}; before {before / 1e6:0} MB); {estimate}");
        Assert.InRange((double)expected / measured, 0.75, 1.25);
    }

    /// <summary>Rows of exactly <see cref="Sequence"/> random tokens, every one a label.</summary>
    private static List<TrainingExample> Text(int count)
    {
        var random = new Random(2);
        return [.. Enumerable.Range(0, count).Select(_ =>
            TrainingExample.ForText([.. Enumerable.Range(0, Sequence).Select(_ => random.Next(1, Measured.VocabSize))]))];
    }

    private static long ResidentAfterCollecting()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return Status("VmRSS");
    }

    /// <summary>Writing 5 to clear_refs sets the kernel's peak resident size (VmHWM) back to the current one.</summary>
    private static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    /// <summary>A /proc/self/status field given in kB, in bytes.</summary>
    private static long Status(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
