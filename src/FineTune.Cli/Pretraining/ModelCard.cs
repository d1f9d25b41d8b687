using System.Globalization;
using System.Text;
using System.Text.Json;
using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Models.Training;
using FineTune.Tokenizers;

namespace FineTune.Cli.Pretraining;

/// <summary>A prompt and what the model wrote after it.</summary>
internal sealed record SampledText(string Prompt, string Continuation);

/// <summary>The README.md of a pre-trained model: what it is, what it read, how well it does, how to make it again.</summary>
internal static class ModelCard
{
    public static readonly string[] Prompts = ["The Debian project", "A package manager is", "In the beginning", "To configure the network,"];

    /// <summary>Seeded continuations of <see cref="Prompts"/>, so the card's samples can be reproduced.</summary>
    public static IReadOnlyList<SampledText> Samples(LlamaModel model, Tokenizer tokenizer, ulong seed)
    {
        var generator = new LlamaGenerator(new InferenceSession(model));
        var eos = tokenizer.SpecialTokens[CorpusText.EndOfText];
        var options = new SamplingOptions { Temperature = 0.8f, TopK = 40, MaxNewTokens = 48, Seed = seed, StopTokenIds = [eos] };
        var prompts = Prompts.Select(p => tokenizer.Encode(p)).ToList();
        var results = generator.Generate(prompts, options, id => tokenizer.Decode([id]));
        return results.Select((r, i) => new SampledText(Prompts[i], tokenizer.Decode(r.TokenIds.Where(id => id != eos).ToArray()))).ToList();
    }

    public static void Write(string folder, PretrainSettings settings, LlamaModel model, PretrainResult result, IReadOnlyList<SampledText> samples)
    {
        var c = model.Config;
        var t = settings.Training;
        var origin = settings.FromModel is { } from ? $"continuing from {from}" : "from random weights";
        var card = new StringBuilder();
        card.AppendLine(CultureInfo.InvariantCulture, $"""
            # {Path.GetFileName(Path.GetFullPath(folder))}

            A small Llama-architecture base model pre-trained by FineTune's own C# engine, {origin},
            on a DFSG-free English corpus assembled from Debian packages. It is a starting point
            for trying the platform's fine-tuning, evaluation and serving end to end on any machine, not a
            useful assistant: expect fluent-looking, often meaningless English.

            | | |
            |---|---|
            | architecture | Llama: {c.NumLayers} layers, hidden {c.HiddenSize}, MLP {c.IntermediateSize}, {c.NumHeads} heads / {c.NumKeyValueHeads} KV heads, RoPE θ {c.RopeTheta:G}, tied embeddings: {c.TieWordEmbeddings} |
            | parameters | {model.ParameterCount:N0} |
            | tokenizer | byte-level BPE, {c.VocabSize:N0} tokens (Llama-3 split pattern), trained on the corpus |
            | context | {t.SequenceLength} tokens in training |
            | tokens seen | {result.TokensSeen:N0} ({result.Steps:N0} steps × {t.TokensPerStep:N0}) |
            | training time | {result.TrainingTime:hh\:mm\:ss} on {Environment.ProcessorCount} CPU cores ({System.Runtime.InteropServices.RuntimeInformation.OSDescription}) |
            | validation perplexity | **{result.ValidationPerplexity:F2}** (loss {result.ValidationLoss:F4}) on {t.EvaluationWindows} evenly spaced {t.SequenceLength}-token windows of the held-out split |
            | optimizer | AdamW (β {t.Beta1}, {t.Beta2}; weight decay {t.WeightDecay}), peak learning rate {t.PeakLearningRate:G}, {t.WarmupSteps} warm-up steps, cosine to {t.MinLearningRateRatio:G}×, clip {t.MaxGradientNorm} |

            ## Corpus

            """);
        var sources = Path.Combine(settings.CorpusFolder, "sources.json");
        if (File.Exists(sources)) AppendSources(card, sources);
        else card.AppendLine("(sources.json was not found beside the corpus)");
        card.AppendLine(CultureInfo.InvariantCulture, $"""

            The held-out validation split shares no document with the training split.

            ## Reproduce

            ```sh
            scripts/corpus/build-corpus.sh
            {settings.CommandLine}
            ```

            Check the perplexity above:

            ```sh
            dotnet run -c Release --project src/FineTune.Cli -- perplexity --model {folder} --text {Path.Combine(settings.CorpusFolder, "valid.txt")} --seq {t.SequenceLength} --windows {t.EvaluationWindows}
            ```

            ## Samples

            Temperature 0.8, top-k 40, seed {t.Seed}, at most 48 new tokens:

            """);
        foreach (var sample in samples)
            card.AppendLine(CultureInfo.InvariantCulture, $"> **{sample.Prompt}**{sample.Continuation.Replace("\n", " ", StringComparison.Ordinal)}\n");
        File.WriteAllText(Path.Combine(folder, "README.md"), card.ToString());
    }

    /// <summary>One row per Debian package, from the sources.json scripts/corpus/build-corpus.sh writes.</summary>
    private static void AppendSources(StringBuilder card, string sourcesPath)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(sourcesPath));
        card.AppendLine("| Debian package | version | licence | training bytes | validation bytes |");
        card.AppendLine("|---|---|---|---:|---:|");
        foreach (var source in json.RootElement.GetProperty("sources").EnumerateArray())
        {
            var licences = string.Join("; ", source.GetProperty("licences").EnumerateArray().Select(l => l.GetString()));
            var bytes = source.GetProperty("bytes");
            card.AppendLine(CultureInfo.InvariantCulture,
                $"| {source.GetProperty("package").GetString()} | {source.GetProperty("version").GetString()} | {licences.Replace("|", "/", StringComparison.Ordinal)} | {bytes.GetProperty("train").GetInt64():N0} | {bytes.GetProperty("valid").GetInt64():N0} |");
        }
    }
}
