using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FineTune.Datasets;
using FineTune.Tokenizers.Chat;

namespace FineTune.Curation.Pipeline;

/// <summary>
/// The views of a record that curation's steps need: every free-text field (to clean and redact),
/// the input side (what near-duplicate and leakage checks compare — the user's words, not a system
/// prompt every record shares), the whole content (what exact deduplication compares), the class
/// (what stratification and balancing count), and the JSONL line written to a split.
/// </summary>
public static class RecordText
{
    // readable lines: non-ASCII text stays as it is rather than becoming \u escapes
    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The record with <paramref name="edit"/> applied to every free-text field (labels and roles stay).</summary>
    public static TaskRecord MapTexts(TaskRecord record, Func<string, string> edit) => record switch
    {
        ChatRecord chat => chat with { Messages = [.. chat.Messages.Select(m => m with { Content = edit(m.Content) })] },
        ClassRecord labelled => labelled with { Text = edit(labelled.Text) },
        TextRecord text => text with { Text = edit(text.Text) },
        _ => throw new ArgumentOutOfRangeException(nameof(record), record.GetType().Name, "unknown record shape"),
    };

    /// <summary>Every free-text field, in order.</summary>
    public static IEnumerable<string> Texts(TaskRecord record) => record switch
    {
        ChatRecord chat => chat.Messages.Select(m => m.Content),
        ClassRecord labelled => [labelled.Text],
        TextRecord text => [text.Text],
        _ => throw new ArgumentOutOfRangeException(nameof(record), record.GetType().Name, "unknown record shape"),
    };

    /// <summary>The input side: the user turns of a chat, the text otherwise.</summary>
    public static string Input(TaskRecord record) => record switch
    {
        ChatRecord chat => string.Join('\n', chat.Messages.Where(m => m.Role == ChatRoles.User).Select(m => m.Content)),
        ClassRecord labelled => labelled.Text,
        TextRecord text => text.Text,
        _ => throw new ArgumentOutOfRangeException(nameof(record), record.GetType().Name, "unknown record shape"),
    };

    /// <summary>Everything that makes the record what it is, roles and label included.</summary>
    public static string Content(TaskRecord record) => record switch
    {
        ChatRecord chat => string.Join('\n', chat.Messages.Select(m => $"{m.Role}: {m.Content}")),
        ClassRecord labelled => $"{labelled.Label}: {labelled.Text}",
        TextRecord text => text.Text,
        _ => throw new ArgumentOutOfRangeException(nameof(record), record.GetType().Name, "unknown record shape"),
    };

    /// <summary>The record's shape as the pipeline's task type: chat, classification or text.</summary>
    public static string TaskType(TaskRecord record) => record switch
    {
        ChatRecord => "chat",
        ClassRecord => "classification",
        TextRecord => "text",
        _ => throw new ArgumentOutOfRangeException(nameof(record), record.GetType().Name, "unknown record shape"),
    };

    /// <summary>
    /// The record as one JSONL line in the shape it was read in; an augmented copy carries
    /// <c>augmented_from</c> (the source line of its original) so evaluation can leave it out.
    /// </summary>
    public static string ToJsonLine(TaskRecord record, int? augmentedFrom = null)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, LineOptions))
        {
            json.WriteStartObject();
            switch (record)
            {
                case ChatRecord chat:
                    json.WriteStartArray("messages");
                    foreach (var message in chat.Messages)
                    {
                        json.WriteStartObject();
                        json.WriteString("role", message.Role);
                        json.WriteString("content", message.Content);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                    break;
                case ClassRecord labelled:
                    json.WriteString("text", labelled.Text);
                    json.WriteString("label", labelled.Label);
                    break;
                case TextRecord text:
                    json.WriteString("text", text.Text);
                    break;
            }
            if (augmentedFrom is { } origin) json.WriteNumber("augmented_from", origin);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
