using FineTune.Curation.Augmentation;
using FineTune.Curation.Balancing;
using FineTune.Curation.Cleaning;
using FineTune.Curation.Deduplication;
using FineTune.Curation.Ingestion;
using FineTune.Curation.Splitting;
using FineTune.Datasets;
using FineTune.Datasets.Canaries;
using FineTune.Datasets.Csv;
using FineTune.Tokenizers.Chat;

namespace FineTune.Curation.Pipeline;

// The steps of CurationPipeline.RunAsync, each a small function over the examples.
public sealed partial class CurationPipeline
{
    /// <summary>A chat reply counts as a class when replies come from a small set (e.g. "positive"/"negative").</summary>
    private const int MaxReplyClasses = 20;

    private static async Task<(List<Example>, List<LineProblem>)> IngestAsync(IReadOnlyList<CurationSource> sources, CurationOptions options,
        List<StepCount> steps, CancellationToken cancellationToken)
    {
        if (sources.Count == 0) throw new ArgumentException("A curation run needs at least one source file.", nameof(sources));
        var examples = new List<Example>();
        var problems = new List<LineProblem>();
        long lines = 0;
        string? taskType = null;
        foreach (var source in sources)
        {
            await using var stream = await source.Open(cancellationToken);
            var read = source.IsCsv
                ? CsvRecordReader.Read(stream, source.Name, options.Columns ?? throw new ArgumentException(
                    $"'{source.Name}' is CSV: setting 'column_mapping' must say which columns hold the text, e.g. \"text=review,label=sentiment\".", "column_mapping"),
                    options.MaxRecordBytes, options.CsvDelimiter)
                : JsonlReader.Read(stream, source.Name, options.MaxRecordBytes);
            var result = Ingestor.Read(read, source.Name, options.Ingestion);
            lines += result.Lines;
            problems.AddRange(result.Errors.Select(e => new LineProblem(e.File, e.Line, e.Field, e.Reason)));
            foreach (var record in result.Records)
            {
                var type = RecordText.TaskType(record);
                taskType ??= type;
                if (type != taskType)
                    problems.Add(new LineProblem(source.Name, record.Line, null, $"a {type} record, but the run's first source holds {taskType} records; one dataset holds one task"));
                else examples.Add(new Example(source.Name, record));
            }
        }
        steps.Add(new("ingest", lines, examples.Count));
        if (!options.Ingestion.Accepts(lines, problems.Count))
        {
            var message = lines == 0
                ? $"The source{(sources.Count > 1 ? "s hold" : " holds")} no records."
                : $"{problems.Count:N0} of {lines:N0} lines are bad ({(double)problems.Count / lines:P1}), more than setting 'max_error_rate' allows ({options.MaxErrorRate:P1}); first: {problems[0].File}:{problems[0].Line}{(problems[0].Field is { } f ? $", field '{f}'" : "")}: {problems[0].Reason}.";
            throw new IngestionRejectedException(message, problems);
        }
        return (examples, problems);
    }

    private static RecordCleaner Clean(List<Example> examples, CurationOptions options, CancellationToken cancellationToken)
    {
        var expander = AbbreviationDictionaries.Build(options.Abbreviations, options.CustomAbbreviations);
        var total = new RecordCleaner(options.Clean, expander, options.RedactPii);
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, examples.Count, 2048),
            new ParallelOptions { CancellationToken = cancellationToken },
            () => new RecordCleaner(options.Clean, expander, options.RedactPii),
            (range, _, cleaner) =>
            {
                for (var i = range.Item1; i < range.Item2; i++) examples[i].Record = cleaner.Apply(examples[i].Record);
                return cleaner;
            },
            cleaner => { lock (total) cleaner.AddTo(total); });
        return total;
    }

    private List<Example> Filter(List<Example> examples, CurationOptions options, List<LineProblem> filtered, Dictionary<string, int> languages)
    {
        var length = options.Length;
        var language = options.Language;
        var verdicts = new (string? Field, string? Reason, string Language)[examples.Count];
        Parallel.For(0, examples.Count, i =>
        {
            var example = examples[i];
            (example.PromptTokens, example.CompletionTokens) = tokens.Count(example.Record);
            var empty = EmptyField(example.Record);
            var reason = empty is not null ? "empty after cleaning"
                : length.Rejects(RecordText.Content(example.Record), example.PromptTokens + example.CompletionTokens);
            var keeps = language.Keeps(RecordText.Input(example.Record), out var detected);
            if (reason is null && !keeps) reason = $"language '{detected}' is not in setting 'languages' ({string.Join(", ", options.Languages)})";
            verdicts[i] = (empty, reason, detected);
        });
        var kept = new List<Example>(examples.Count);
        for (var i = 0; i < examples.Count; i++)
        {
            var (field, reason, detected) = verdicts[i];
            if (reason is not null) { filtered.Add(new LineProblem(examples[i].File, examples[i].Record.Line, field, reason)); continue; }
            examples[i].Language = detected;
            languages[detected] = languages.GetValueOrDefault(detected) + 1;
            kept.Add(examples[i]);
        }
        return kept;
    }

    // cleaning can empty a field (a message that was only HTML markup); training must not see it
    private static string? EmptyField(TaskRecord record) => record switch
    {
        ChatRecord chat => chat.Messages.Select((m, i) => (m, i)).Where(x => string.IsNullOrWhiteSpace(x.m.Content)).Select(x => $"messages[{x.i}].content").FirstOrDefault(),
        ClassRecord labelled => string.IsNullOrWhiteSpace(labelled.Text) ? "text" : null,
        TextRecord text => string.IsNullOrWhiteSpace(text.Text) ? "text" : null,
        _ => null,
    };

    /// <summary>Keeps the first example of each cluster and lists the others in <paramref name="report"/>.</summary>
    private static List<Example> DropDuplicates(List<Example> examples, IReadOnlyList<IReadOnlyList<int>> clusters, List<DuplicateCluster> report)
    {
        var dropped = new bool[examples.Count];
        foreach (var cluster in clusters)
            foreach (var i in cluster.Skip(1)) dropped[i] = true;
        Describe(examples, clusters, report);
        return [.. examples.Where((_, i) => !dropped[i])];
    }

    private static List<Example> Describe(List<Example> examples, IReadOnlyList<IReadOnlyList<int>> clusters, List<DuplicateCluster> report)
    {
        report.AddRange(clusters.Select(c => new DuplicateCluster(examples[c[0]].Source, [.. c.Skip(1).Select(i => examples[i].Source)])));
        return examples;
    }

    private static void AssignClasses(List<Example> examples)
    {
        if (examples.Count == 0) return;
        if (examples[0].Record is ClassRecord)
        {
            foreach (var e in examples) e.Class = ((ClassRecord)e.Record).Label;
            return;
        }
        if (examples[0].Record is not ChatRecord) return;
        var replies = examples.GroupBy(e => ((ChatRecord)e.Record).Reply, StringComparer.Ordinal).ToList();
        if (replies.Count > MaxReplyClasses || replies.Count * 10 > examples.Count || replies.Any(r => r.Count() < 2)) return;
        foreach (var e in examples) e.Class = ((ChatRecord)e.Record).Reply;
    }

    /// <summary>Per example, its group: the index of the first member of its cluster, or its own index.</summary>
    private static int[] Groups(int count, IReadOnlyList<IReadOnlyList<int>> clusters)
    {
        var groups = Enumerable.Range(0, count).ToArray();
        foreach (var cluster in clusters)
            foreach (var i in cluster) groups[i] = cluster[0];
        return groups;
    }

    private static (List<Example>, IReadOnlyList<int>?) Oversample(List<Example> train, IReadOnlyList<int>? folds, CurationOptions options)
    {
        var indices = Oversampler.Oversample([.. train.Select(e => e.Class!)], options.OversampleRatio, options.Seed);
        return ([.. indices.Select(i => train[i])], folds is null ? null : [.. indices.Select(i => folds[i])]);
    }

    private List<Example> Augment(List<Example> train, CurationOptions options, CancellationToken cancellationToken)
    {
        var augmenter = new TextAugmenter(synonyms());
        var settings = options.Augmentation;
        var originals = train.ToArray();
        var copies = new List<Example>[originals.Length];
        Parallel.For(0, originals.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var original = originals[i];
            // the seed depends on the record, not on the thread or the order, so runs repeat exactly
            var seed = unchecked(options.Seed * 1_000_003 + StableHash(original.File) * 7919 + original.Record.Line);
            copies[i] = [.. Variants(augmenter, original.Record, seed, settings).Select(record =>
            {
                var copy = new Example(original.File, record) { AugmentedFrom = original.Record.Line, Class = original.Class, Language = original.Language };
                (copy.PromptTokens, copy.CompletionTokens) = tokens.Count(record);
                return copy;
            })];
        });
        return [.. copies.SelectMany(c => c)];
    }

    // augments what the model reads (user turns, or the text), never the reply it learns to write
    private static IEnumerable<TaskRecord> Variants(TextAugmenter augmenter, TaskRecord record, int seed, AugmentationOptions settings)
    {
        switch (record)
        {
            case ChatRecord chat:
                var perMessage = chat.Messages.Select((m, i) => m.Role == ChatRoles.User ? augmenter.Variants(m.Content, seed + i, settings) : null).ToArray();
                var available = perMessage.Where(v => v is not null).Select(v => v!.Count).DefaultIfEmpty(0).Min();
                for (var c = 0; c < available; c++)
                    yield return chat with { Messages = [.. chat.Messages.Select((m, i) => perMessage[i] is { } v ? m with { Content = v[c] } : m)] };
                break;
            case ClassRecord labelled:
                foreach (var variant in augmenter.Variants(labelled.Text, seed, settings)) yield return labelled with { Text = variant };
                break;
            case TextRecord text:
                foreach (var variant in augmenter.Variants(text.Text, seed, settings)) yield return text with { Text = variant };
                break;
        }
    }

    private static int StableHash(string text)
    {
        var h = 17;
        foreach (var c in text) h = unchecked(h * 31 + c);
        return h;
    }

    private static IReadOnlyList<LeakedPair> FindLeaks(Dictionary<DatasetSplit, List<Example>> split, NearDuplicateFinder finder)
    {
        // an oversampled copy is the same example again, in the same split: it cannot leak, so it is checked once
        var all = split.SelectMany(s => s.Value.Distinct().Select(e => (Split: s.Key, Example: e))).ToArray();
        var leaks = LeakageCheck.Find([.. all.Select(a => RecordText.Input(a.Example.Record))], [.. all.Select(a => a.Split)], finder);
        return [.. leaks.Select(l => new LeakedPair(all[l.First].Example.Source, SplitName(l.FirstSplit), all[l.Second].Example.Source, SplitName(l.SecondSplit), l.Similarity))];
    }

    /// <summary>
    /// Adds the canary records to train (a chat turn asking for the secret, or the text with it) and
    /// returns the canaries for the manifest; classification data has no place for a secret and gets none.
    /// </summary>
    private static IReadOnlyList<Canary>? PlantCanaries(List<Example> train, CurationOptions options, List<StepCount> steps)
    {
        if (options.Canaries == 0 || train.Count == 0 || train[0].Record is ClassRecord) return null;
        var canaries = Canary.Make(options.Canaries, options.Seed);
        var chat = train[0].Record is ChatRecord;
        var before = train.Count;
        train.AddRange(canaries.Select((c, i) => new Example("canaries", chat
            ? new ChatRecord(i + 1, [new(ChatRoles.User, c.Prompt), new(ChatRoles.Assistant, c.Secret)])
            : new TextRecord(i + 1, Canary.TrainingText(c)))));
        steps.Add(new("canaries", before, train.Count));
        return canaries;
    }

    internal static string SplitName(DatasetSplit split) => split.ToString().ToLowerInvariant();

    private static List<string> Lines(List<Example> examples) => [.. examples.Select(e => RecordText.ToJsonLine(e.Record, e.AugmentedFrom))];
}
