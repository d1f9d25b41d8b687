using FineTune.Curation.Augmentation;
using FineTune.Curation.Balancing;
using FineTune.Curation.Cards;
using FineTune.Curation.Cleaning;
using FineTune.Curation.Deduplication;
using FineTune.Curation.Ingestion;
using FineTune.Curation.Splitting;
using FineTune.Datasets;
using FineTune.Datasets.Csv;

namespace FineTune.Curation.Pipeline;

/// <summary>
/// Curation end to end, in the order the steps depend on each other: ingest (validate every line),
/// clean, filter, drop exact then near duplicates, split without leakage (stratified, group-aware),
/// fold, balance and augment train, check for leakage again from scratch, and describe the result
/// in a report and a card. Each step's record counts are kept; nothing is removed without a line
/// in the report. Deterministic for a seed: the same sources and options give the same bytes.
/// </summary>
public sealed partial class CurationPipeline(TokenCounter tokens, Func<WordNetSynonyms> synonyms)
{
    /// <summary>The steps a run reports progress for, in order.</summary>
    public static IReadOnlyList<string> ProgressSteps { get; } = ["ingest", "clean", "filter", "dedupe", "split", "balance", "leakage_check", "card"];

    /// <summary>One record per split, at the very least.</summary>
    public const int MinimumRecords = 3;

    public async Task<CurationOutcome> RunAsync(IReadOnlyList<CurationSource> sources, CurationOptions options,
        IProgress<CurationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var steps = new List<StepCount>();
        var (examples, rejected) = await IngestAsync(sources, options, steps, cancellationToken);
        progress?.Report(new("ingest", examples.Count, examples.Count));

        var cleaner = Clean(examples, options, cancellationToken);
        steps.Add(new("clean", examples.Count, examples.Count));
        progress?.Report(new("clean", examples.Count, examples.Count));

        var filtered = new List<LineProblem>();
        var languages = new Dictionary<string, int>(StringComparer.Ordinal);
        examples = Step(steps, "filter", examples, () => Filter(examples, options, filtered, languages));
        progress?.Report(new("filter", examples.Count, examples.Count));

        var exact = new List<DuplicateCluster>();
        examples = Step(steps, "exact_dedupe", examples, () => DropDuplicates(examples, ExactDuplicates.Groups([.. examples.Select(e => RecordText.Content(e.Record))]), exact));
        var finder = new NearDuplicateFinder(options.NearDuplicateThreshold);
        var near = new List<DuplicateCluster>();
        var nearClusters = finder.Clusters([.. examples.Select(e => RecordText.Input(e.Record))]);
        examples = Step(steps, "near_dedupe", examples, () => options.RemoveNearDuplicates ? DropDuplicates(examples, nearClusters, near) : Describe(examples, nearClusters, near));
        progress?.Report(new("dedupe", examples.Count, examples.Count));

        if (examples.Count < MinimumRecords) throw new NotEnoughRecordsException(examples.Count);
        AssignClasses(examples);
        var groups = Groups(examples.Count, options.RemoveNearDuplicates ? [] : nearClusters);
        var labels = examples.All(e => e.Class is not null) ? examples.Select(e => e.Class!).ToArray() : null;
        var assignment = GroupAwareSplitter.Split(groups, labels, options.Fractions, options.Seed);
        var split = Enum.GetValues<DatasetSplit>().ToDictionary(s => s, s => examples.Where((_, i) => assignment[i] == s).ToList());
        var trainGroups = groups.Where((_, i) => assignment[i] == DatasetSplit.Train).ToArray();
        IReadOnlyList<int>? folds = options.KFolds > 0 ? KFolds.Assign(trainGroups, labels is null ? null : [.. split[DatasetSplit.Train].Select(e => e.Class!)], options.KFolds, options.Seed) : null;
        progress?.Report(new("split", examples.Count, examples.Count));

        // augment first, then balance: copies of augmented records count toward their class like any other
        var train = split[DatasetSplit.Train];
        var before = labels is null ? null : ClassBalance.Of(train.Select(e => e.Class!));
        var augmented = options.Augment ? Augment(train, options, cancellationToken) : [];
        steps.Add(new("augment", train.Count, train.Count + augmented.Count));
        if (folds is not null)
        {
            // an augmented copy joins its original's fold, so a fold never validates on a copy of its own training data
            var foldOf = train.Select((e, i) => (e.Source, Fold: folds[i])).ToDictionary(x => x.Source, x => x.Fold);
            folds = [.. folds, .. augmented.Select(a => foldOf[new SourceLine(a.File, a.AugmentedFrom!.Value)])];
        }
        train = [.. train, .. augmented];

        IReadOnlyDictionary<string, double>? classWeights = null;
        var balanced = train.Count;
        if (before is not null && options.Balance == BalanceMode.Oversample)
            (train, folds) = Oversample(train, folds, options);
        else if (before is not null && options.Balance == BalanceMode.ClassWeights)
            classWeights = ClassWeights.Balanced([.. train.Select(e => e.Class!)]);
        steps.Add(new("balance", balanced, train.Count));
        var canaries = PlantCanaries(train, options, steps);
        split[DatasetSplit.Train] = train;
        progress?.Report(new("balance", train.Count, train.Count));

        var report = new CurationReport
        {
            TaskType = RecordText.TaskType(examples[0].Record),
            Steps = steps,
            RejectedLines = rejected,
            FilteredLines = filtered,
            ExactDuplicates = exact,
            NearDuplicates = near,
            PiiRedacted = cleaner.PiiRedacted.OrderBy(p => p.Key).ToDictionary(p => p.Key.ToString(), p => p.Value),
            RecordsChangedByCleaning = cleaner.RecordsChanged,
            AbbreviationsExpanded = cleaner.AbbreviationsExpanded,
            Leaks = FindLeaks(split, finder),
        };
        progress?.Report(new("leakage_check", examples.Count, examples.Count));
        if (!report.LeakageCheckPassed) throw new LeakageDetectedException(report);

        var card = new CardBuilder(tokens).Build(report, split, before, classWeights, languages, augmented.Count,
            augmented.Count > 0 ? WordNetSynonyms.Licence : null, options.KFolds, cancellationToken);
        progress?.Report(new("card", examples.Count, examples.Count));
        return new CurationOutcome(Lines(split[DatasetSplit.Train]), Lines(split[DatasetSplit.Validation]), Lines(split[DatasetSplit.Test]),
            folds, report, card, canaries);
    }

    private static List<Example> Step(List<StepCount> steps, string name, List<Example> input, Func<List<Example>> run)
    {
        var output = run();
        steps.Add(new(name, input.Count, output.Count));
        return output;
    }
}
