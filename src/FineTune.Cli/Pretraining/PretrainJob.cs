using FineTune.Cli.Terminal;
using System.Diagnostics;
using System.Security.Cryptography;
using FineTune.Models.Formats;
using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Models.Training;
using FineTune.Tokenizers;
using FineTune.Tokenizers.Training;
using Spectre.Console;

namespace FineTune.Cli.Pretraining;

/// <summary>
/// Corpus folder (train.txt, valid.txt, sources.json) → tokenizer → token streams → pre-trained
/// Llama → a Hugging Face folder with tokenizer and model card. Every stage keeps its result in the
/// run folder, so running the same command again after an interruption picks up where it stopped.
/// </summary>
internal sealed class PretrainJob(PretrainSettings settings, IAnsiConsole console)
{
    public static readonly string[] SpecialTokens = [CorpusText.EndOfText, "<|im_start|>", "<|im_end|>"];

    public PretrainResult Run(CancellationToken cancellationToken)
    {
        var trainText = Path.Combine(settings.CorpusFolder, "train.txt");
        var validText = Path.Combine(settings.CorpusFolder, "valid.txt");
        foreach (var file in new[] { trainText, validText })
            if (!File.Exists(file))
                throw new ArgumentException($"corpus file '{file}' does not exist (--corpus); build it with scripts/corpus/build-corpus.sh.");
        Directory.CreateDirectory(settings.RunFolder);

        var tokenizer = PrepareTokenizer(trainText, cancellationToken);
        var tokenizerHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TokenizerPath)));
        var train = Tokenize("train", trainText, tokenizer, tokenizerHash, cancellationToken);
        var valid = Tokenize("valid", validText, tokenizer, tokenizerHash, cancellationToken);

        var model = settings.FromModel is { } from ? LlamaCheckpoints.Load(from) : LlamaModel.CreateRandom(
            settings.Architecture with { VocabSize = tokenizer.VocabSize, EosTokenId = tokenizer.SpecialTokens[CorpusText.EndOfText] }, seed: (int)settings.Training.Seed);
        console.MarkupLineInterpolated(
            $"model: {model.ParameterCount:N0} parameters, {model.Config.NumLayers} layers × {model.Config.HiddenSize} wide, vocabulary {model.Config.VocabSize:N0}; {train.Length:N0} training tokens, {valid.Length:N0} validation tokens");

        var pretrainer = new Pretrainer(settings.Training);
        var result = TrainWithProgress(pretrainer, model, new TokenWindows(train, settings.Training.SequenceLength),
            new TokenWindows(valid, settings.Training.SequenceLength), cancellationToken);
        console.MarkupLineInterpolated(
            $"[green]done[/]{(result.Resumed ? " (resumed from the last checkpoint)" : "")}: {result.Steps:N0} steps, {result.TokensSeen:N0} tokens, validation perplexity {result.ValidationPerplexity:F2} ({result.TrainingTime:hh\\:mm\\:ss} of training)");

        Export(model, tokenizer, result);
        return result;
    }

    private string TokenizerPath => Path.Combine(settings.RunFolder, "tokenizer.json");

    private Tokenizer PrepareTokenizer(string trainText, CancellationToken cancellationToken)
    {
        if (File.Exists(TokenizerPath)) return Tokenizer.LoadHuggingFace(TokenizerPath);
        if (settings.FromModel is { } from)
        {
            // the model's own tokenizer, copied into the run so a resumed run and its token caches agree with it
            File.Copy(Path.Combine(from, "tokenizer.json"), TokenizerPath);
            return Tokenizer.LoadHuggingFace(TokenizerPath);
        }

        var options = new BpeTrainerOptions { VocabSize = settings.Architecture.VocabSize, SpecialTokens = SpecialTokens };
        var sample = CorpusSample(trainText, settings.TokenizerSampleMegabytes * 1_000_000L);
        BpeVocabulary vocabulary = null!;
        console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask($"tokenizer: {options.VocabSize:N0} tokens", maxValue: options.VocabSize);
                vocabulary = BpeTrainer.Train(sample, options, new Progress<BpeTrainingProgress>(p => task.Value = BpeVocabulary.ByteTokenCount + p.MergesDone), cancellationToken);
                task.Value = task.MaxValue;
            });
        var tokenizer = Tokenizer.FromBpe(vocabulary.Tokens, vocabulary.Merges, vocabulary.SpecialTokens, SplitPatterns.Llama3);
        tokenizer.SaveHuggingFace(TokenizerPath);
        return tokenizer;
    }

    /// <summary>The corpus's paragraphs up to <paramref name="bytes"/>, streamed.</summary>
    private static IEnumerable<string> CorpusSample(string path, long bytes)
    {
        long taken = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (taken >= bytes) yield break;
            taken += line.Length + 1;
            yield return line + "\n";
        }
    }

    private int[] Tokenize(string name, string textPath, Tokenizer tokenizer, string tokenizerHash, CancellationToken cancellationToken)
    {
        var cache = Path.Combine(settings.RunFolder, $"{name}.tokens");
        if (TokenFile.TryRead(cache, tokenizerHash) is { } cached) return cached;

        var length = new FileInfo(textPath).Length;
        int[] array = [];
        console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .Start(context =>
            {
                var task = context.AddTask($"tokenize {name}.txt", maxValue: length);
                array = CorpusText.Tokenize(textPath, tokenizer, read => task.Value = Math.Min(read, length), cancellationToken);
                task.Value = length;
            });
        TokenFile.Write(cache, tokenizerHash, array);
        return array;
    }

    private PretrainResult TrainWithProgress(Pretrainer pretrainer, LlamaModel model, TokenWindows train, TokenWindows valid,
        CancellationToken cancellationToken)
    {
        PretrainResult result = null!;
        console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("pre-training", maxValue: settings.Training.Steps);
                string? lastValidation = null;
                result = pretrainer.Run(model, train, valid, settings.RunFolder, new InlineProgress<PretrainProgress>(p =>
                {
                    if (p.ValidationPerplexity is { } ppl) lastValidation = $" val ppl {ppl:F1}";
                    task.Description = $"step {p.Step:N0}/{p.TotalSteps:N0} loss {p.Loss:F3}{lastValidation} {p.TokensPerSecond:N0} tok/s";
                    task.Value = p.Step;
                }), cancellationToken);
                task.Value = task.MaxValue;
            });
        return result;
    }

    private void Export(LlamaModel model, Tokenizer tokenizer, PretrainResult result)
    {
        var output = settings.OutputFolder;
        var eos = tokenizer.SpecialTokens[CorpusText.EndOfText];
        var generation = new GenerationConfig { BosTokenId = eos, EosTokenIds = [eos], DoSample = true, Temperature = 0.8f, TopK = 40, MaxNewTokens = 64 };
        LlamaCheckpoints.Save(model, output, generation);
        tokenizer.SaveHuggingFace(Path.Combine(output, "tokenizer.json"));
        BaseModelFiles.WriteTokenizerConfig(output, tokenizer, model.Config.MaxPositionEmbeddings);
        var samples = ModelCard.Samples(model, tokenizer, settings.Training.Seed);
        ModelCard.Write(output, settings, model, result, samples);
        console.MarkupLineInterpolated($"[green]wrote[/] {output}");
        foreach (var sample in samples) console.MarkupLineInterpolated($"  [grey]{sample.Prompt}[/]{sample.Continuation}");
    }
}
