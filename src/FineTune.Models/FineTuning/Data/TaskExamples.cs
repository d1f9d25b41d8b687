using FineTune.Datasets;
namespace FineTune.Models.FineTuning.Data;

/// <summary>Turns records into training examples for a run's task, with errors that name the record's line.</summary>
public static class TaskExamples
{
    public static List<TrainingExample> From(IReadOnlyList<TaskRecord> records, ModelText text, FineTuneOptions options, string source)
    {
        var classes = options.Classes.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index, StringComparer.Ordinal);
        return [.. records.Select(record => (record, options.Task) switch
        {
            (ClassRecord r, FineTuneTask.SequenceClassification) => text.ClassExample(r.Text, classes.TryGetValue(r.Label, out var k) ? k
                : throw new InvalidDataException($"{source}:{r.Line}, field 'label': '{r.Label}' is not one of the classes {string.Join(", ", options.Classes)}.")),
            (ChatRecord r, FineTuneTask.CausalLanguageModel) => text.ChatExample(r.Messages),
            (TextRecord r, FineTuneTask.CausalLanguageModel) => text.TextExample(r.Text),
            (ClassRecord r, FineTuneTask.CausalLanguageModel) => throw new InvalidDataException(
                $"{source}:{r.Line}: a text/label record needs the sequence-classification task."),
            _ => throw new InvalidDataException($"{source}:{record.Line}: a {KindOf(record)} record does not fit the sequence-classification task (it needs text and label)."),
        })];
    }

    private static string KindOf(TaskRecord record) => record switch { ChatRecord => "chat", TextRecord => "text", _ => "classification" };
}
