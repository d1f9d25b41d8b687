using FineTune.Curation.Cleaning;
using FineTune.Datasets;
using FineTune.Datasets.Pii;

namespace FineTune.Curation.Pipeline;

/// <summary>
/// The text edits of a run, applied to every free-text field of a record in a fixed order — clean
/// (HTML, NFC, control characters, whitespace), expand abbreviations, redact PII — counting what it did.
/// Redaction goes last so an expansion can never re-create something that looks like personal data
/// after it was removed. One instance per thread: the counts are not shared.
/// </summary>
internal sealed class RecordCleaner(bool clean, AbbreviationExpander? expander, bool redactPii)
{
    public Dictionary<PiiKind, int> PiiRedacted { get; } = [];
    public int RecordsChanged { get; private set; }
    public int AbbreviationsExpanded { get; private set; }

    public TaskRecord Apply(TaskRecord record)
    {
        var changed = false;
        var result = RecordText.MapTexts(record, text =>
        {
            var edited = text;
            if (clean) edited = TextCleaner.Clean(edited);
            if (expander is not null)
            {
                edited = expander.Expand(edited, out var expanded);
                AbbreviationsExpanded += expanded;
            }
            if (redactPii) edited = PiiRedactor.Redact(edited, PiiRedacted);
            changed |= !string.Equals(edited, text, StringComparison.Ordinal);
            return edited;
        });
        if (changed) RecordsChanged++;
        return result;
    }

    public void AddTo(RecordCleaner total)
    {
        total.RecordsChanged += RecordsChanged;
        total.AbbreviationsExpanded += AbbreviationsExpanded;
        foreach (var (kind, count) in PiiRedacted) total.PiiRedacted[kind] = total.PiiRedacted.GetValueOrDefault(kind) + count;
    }
}
