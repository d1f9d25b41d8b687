using System.Diagnostics;
using FineTune.Contracts;
using FineTune.Datasets;
using FineTune.Datasets.Canaries;
using FineTune.Datasets.Safety;
using FineTune.Engine.Kernels;
using FineTune.Evaluation;
using FineTune.Evaluation.Bias;
using FineTune.Evaluation.Gate;
using FineTune.Evaluation.Runs;
using FineTune.Evaluation.Safety;
using FineTune.Models.Evaluation;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Llama;
using FineTune.Tokenizers;
using Microsoft.Extensions.Options;

namespace FineTune.Bench;

/// <summary>
/// The evaluation service's cost on the shipped base model and a sample task's test split (default
/// the first 300 product reviews): batched greedy generation of the task's replies as the runner does
/// it (batches of <see cref="HeldOutEvaluation.GenerationBatch"/>), against the reference in the same
/// run, the same prompts generated one at a time, with the speed-up and whether the replies are
/// identical; then a whole <see cref="EvaluationRunner.Run"/> with the base model as base and
/// candidate, timed stage by stage from its progress reports.
/// </summary>
internal static class EvaluationBench
{
    private const string Usage = "evaluation options: --examples N (default 300), --task support_tickets|clinical_notes|product_reviews (default product_reviews), " +
        "--kind classification|json|exact (default: the task's), --classes a,b,c (classification; default: the task's), --canaries N (that many canaries checked; default none), --skip-reference";

    /// <summary>
    /// The metric family each sample task's replies call for: the runner decides this itself from the
    /// data, but its rule is internal to the service, so here it is the default of a command-line choice.
    /// </summary>
    /// <summary>The runner's default (<see cref="EvaluationSettings.MaxNewTokens"/>), so the passes time what it does.</summary>
    private static readonly int MaxNewTokens = new EvaluationSettings().MaxNewTokens;

    private static readonly Dictionary<string, (TaskKind Kind, string Classes)> SampleTasks = new(StringComparer.Ordinal)
    {
        ["product_reviews"] = (TaskKind.Classification, "negative,neutral,positive"),
        ["support_tickets"] = (TaskKind.JsonFields, ""),
        ["clinical_notes"] = (TaskKind.ExactMatch, ""),
    };

    private static readonly Dictionary<string, TaskKind> Kinds = new(StringComparer.Ordinal)
    {
        ["classification"] = TaskKind.Classification, ["json"] = TaskKind.JsonFields, ["exact"] = TaskKind.ExactMatch,
    };

    public static int Run(string[] args)
    {
        var skipReference = args.Contains("--skip-reference");
        int examples, canaries;
        string task;
        TaskKind kind;
        IReadOnlyList<string>? classes;
        try
        {
            var options = BenchOptions.Parse([.. args.Except(["--skip-reference"])]);
            (examples, canaries, task) = (options.Int("examples", 300), options.Int("canaries", 0), options.String("task", "product_reviews"));
            if (!SampleTasks.TryGetValue(task, out var defaults))
                throw new ArgumentException($"--task must be one of {string.Join(", ", SampleTasks.Keys)}, got '{task}'.");
            var kindName = options.String("kind", "");
            kind = kindName.Length == 0 ? defaults.Kind
                : Kinds.TryGetValue(kindName, out var chosen) ? chosen
                : throw new ArgumentException($"--kind must be one of {string.Join(", ", Kinds.Keys)}, got '{kindName}'.");
            var classNames = options.String("classes", defaults.Classes).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (kind == TaskKind.Classification && classNames.Length == 0)
                throw new ArgumentException($"--kind classification needs --classes for {task}.");
            classes = kind == TaskKind.Classification ? classNames : null;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{e.Message}\n{Usage}");
            return 2;
        }

        var root = BenchInfo.RepositoryRoot();
        Console.WriteLine($"{BenchInfo.Machine}; {EngineThreads.Count} engine threads; load average {BenchInfo.LoadAverage()}");
        var loading = Stopwatch.StartNew();
        var modelFolder = Path.Combine(root, "models", "finetune-base");
        var model = LlamaCheckpoints.Load(modelFolder);
        var text = ModelText.Load(modelFolder);
        var folder = Path.Combine(root, "samples", "tasks", task);
        var test = ReadChats(Path.Combine(folder, "test.jsonl")).Take(examples).ToList();
        var train = ReadChats(Path.Combine(folder, "train.jsonl"));
        Console.WriteLine($"finetune-base ({model.ParameterCount:N0} parameters), {task}: {test.Count} test examples, {train.Count} train; loaded in {loading.Elapsed.TotalSeconds:F1} s");
        var promptTokens = test.Sum(r => text.ChatPrompt(r.Prompt).Length);
        Console.WriteLine($"kind {kind}{(classes is null ? "" : $" ({string.Join(", ", classes)})")}; {promptTokens:N0} prompt tokens ({(double)promptTokens / test.Count:F1} a prompt); at most {MaxNewTokens} new tokens a reply");

        // both passes run the same code, so one small batch first keeps the first-call JIT out of the batched pass only
        HeldOutEvaluation.GenerateReplies(model, text, [.. test.Take(HeldOutEvaluation.GenerationBatch).Select(r => r.Prompt)], MaxNewTokens);

        var clock = Stopwatch.StartNew();
        var (score, batched) = HeldOutEvaluation.GenerateWithPredictions(model, text, test, kind, classes, MaxNewTokens);
        var batchedSeconds = clock.Elapsed.TotalSeconds;
        var replyTokens = batched.Sum(p => text.Tokenizer.Encode(p, SpecialTokenPolicy.AsText).Length);
        Console.WriteLine($"batched (GenerateWithPredictions, batches of {HeldOutEvaluation.GenerationBatch}): {batchedSeconds:F1} s; task score {score.Score:F3}; {replyTokens:N0} reply tokens (the replies re-encoded)");

        double? singleSeconds = null;
        if (!skipReference)
        {
            clock.Restart();
            var single = test.Select(r => HeldOutEvaluation.GenerateReplies(model, text, [r.Prompt], MaxNewTokens)[0]).ToList();
            singleSeconds = clock.Elapsed.TotalSeconds;
            var differing = Enumerable.Range(0, test.Count).Where(i => single[i] != batched[i]).ToList();
            Console.WriteLine($"reference (GenerateReplies, one prompt at a time): {singleSeconds:F1} s");
            Console.WriteLine(differing.Count == 0
                ? $"predictions identical: yes, all {test.Count}"
                : $"predictions identical: no, {differing.Count} of {test.Count} differ; first, example {differing[0]}: batched '{batched[differing[0]]}' vs one at a time '{single[differing[0]]}'");
        }

        Console.WriteLine();
        Console.WriteLine("| generation | seconds | replies/s | reply tokens/s | prompt + reply tokens/s | speed-up |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        if (singleSeconds is { } reference) Console.WriteLine(GenerationRow("one at a time (reference)", reference, test.Count, replyTokens, promptTokens, reference));
        Console.WriteLine(GenerationRow($"batches of {HeldOutEvaluation.GenerationBatch}", batchedSeconds, test.Count, replyTokens, promptTokens, singleSeconds));
        Console.WriteLine();

        var settings = new EvaluationSettings { TestLimit = examples };
        var runner = new EvaluationRunner(Options.Create(settings), LexiconSafetyScreen.Load(), BiasProbes.Load(), RedTeamSet.Load());
        var inputs = new EvaluationInputs("bench", "finetune-base", null, new DatasetRef(task, 1, "bench"), model, model, null, text, test, train,
            canaries == 0 ? [] : Canary.Make(canaries, seed: 9), new GatePolicy());
        clock.Restart();
        var progress = new ProgressClock(clock);
        var report = runner.Run(inputs, progress);
        var runSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"EvaluationRunner.Run (TestLimit {settings.TestLimit}, few-shot k={settings.FewShot}, {settings.MaxNewTokens} new tokens, {settings.ForgettingWindows} forgetting windows, " +
            $"{canaries} canaries): {runSeconds:F1} s; kind {report.Kind} ({(report.Kind == kind ? "as above" : "NOT the kind timed above")}), {report.Examples} examples, variants: {string.Join(", ", report.Variants.Select(v => $"{v.Name} {v.Score.Score:F3}"))}; gate {(report.Gate.Passed ? "passed" : "failed")}");
        Console.WriteLine("| stage (progress report) | seconds | share |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (stage, seconds) in progress.Stages(runSeconds))
            Console.WriteLine($"| {stage} | {seconds:F1} | {100 * seconds / runSeconds:F0}% |");
        Console.WriteLine($"| total | {runSeconds:F1} | 100% |");
        Console.WriteLine($"\nload average after: {BenchInfo.LoadAverage()}");
        return 0;
    }

    private static List<ChatRecord> ReadChats(string path) => [.. TaskRecord.ReadFile(path).Cast<ChatRecord>()];

    private static string GenerationRow(string name, double seconds, int replies, int replyTokens, int promptTokens, double? reference) =>
        $"| {name} | {seconds:F1} | {replies / seconds:F1} | {replyTokens / seconds:N0} | {(promptTokens + replyTokens) / seconds:N0} | {(reference is { } r ? $"{r / seconds:F2}×" : "—")} |";

    /// <summary>Timestamps each stage the runner announces as it is announced (Progress&lt;T&gt; would post it to the thread pool and time the posting).</summary>
    private sealed class ProgressClock(Stopwatch run) : IProgress<string>
    {
        private readonly List<(string Stage, double At)> _reports = [("(before the first report)", 0)];

        public void Report(string value)
        {
            lock (_reports) _reports.Add((value, run.Elapsed.TotalSeconds));
        }

        /// <summary>Each stage's time until the next report; the last one's until the run returned. The lead-in before the first report shows only when it took time.</summary>
        public IReadOnlyList<(string Stage, double Seconds)> Stages(double totalSeconds) =>
            [.. _reports.Select((r, i) => (r.Stage, (i + 1 < _reports.Count ? _reports[i + 1].At : totalSeconds) - r.At)).Where((s, i) => i > 0 || s.Item2 >= 0.05)];
    }
}
