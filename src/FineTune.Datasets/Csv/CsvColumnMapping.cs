using FineTune.Tokenizers.Chat;

namespace FineTune.Datasets.Csv;

/// <summary>
/// Which header columns of a CSV file feed which part of a training record: <c>text</c> and
/// <c>label</c> make a classification record, <c>text</c> alone a pre-training record, and
/// <c>prompt</c> and <c>completion</c> (with an optional <c>system</c>) a chat, shaped like the one a
/// JSONL <c>{"prompt", "completion"}</c> line gives. A null column is not used.
/// </summary>
public sealed record CsvColumnMapping(string? Text = null, string? Label = null, string? Prompt = null, string? Completion = null, string? System = null)
{
    private const string Setting = "column_mapping";

    /// <summary>The mapped header columns, in the order their values are checked.</summary>
    public IEnumerable<string> Columns => new[] { Text, Label, System, Prompt, Completion }.OfType<string>();

    /// <summary>Reads a mapping written as <c>role=column</c> pairs, e.g. <c>"text=review,label=sentiment"</c>.</summary>
    public static CsvColumnMapping Parse(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw Bad(spec ?? "", "it is empty; expected role=column pairs such as text=review,label=sentiment");
        var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0) throw Bad(spec, $"'{part}' is not a role=column pair");
            var role = part[..equals].Trim();
            var column = part[(equals + 1)..].Trim();
            if (role is not ("text" or "label" or "prompt" or "completion" or "system"))
                throw Bad(spec, $"unknown role '{role}' in '{part}' (text, label, prompt, completion or system)");
            if (column.Length == 0) throw Bad(spec, $"'{part}' names no column");
            if (!columns.TryAdd(role, column)) throw Bad(spec, $"role '{role}' is mapped more than once");
        }
        string? Column(string role) => columns.GetValueOrDefault(role);
        var mapping = new CsvColumnMapping(Column("text"), Column("label"), Column("prompt"), Column("completion"), Column("system"));
        mapping.Validate();
        return mapping;
    }

    /// <summary>Throws unless the mapping is one of the shapes a record can be built from.</summary>
    public void Validate()
    {
        var named = new[] { ("text", Text), ("label", Label), ("prompt", Prompt), ("completion", Completion), ("system", System) }
            .Where(pair => pair.Item2 is not null).ToList();
        if (named.FirstOrDefault(pair => string.IsNullOrWhiteSpace(pair.Item2)) is ({ } blank, not null))
            throw Bad(Describe(), $"role '{blank}' names no column");
        var classOrText = Text is not null && Prompt is null && Completion is null && System is null;
        var chat = Prompt is not null && Completion is not null && Text is null && Label is null;
        if (!classOrText && !chat)
            throw Bad(Describe(), "expected text (with an optional label) or prompt and completion (with an optional system)");

        string Describe() => string.Join(',', named.Select(pair => $"{pair.Item1}={pair.Item2}"));
    }

    /// <summary>Builds the record from the mapped columns' values; the caller has checked they are not empty.</summary>
    internal TaskRecord ToRecord(int line, Func<string, string> valueOf)
    {
        if (Prompt is null) return Label is null ? new TextRecord(line, valueOf(Text!)) : new ClassRecord(line, valueOf(Text!), valueOf(Label));
        var messages = new List<ChatMessage>(3);
        if (System is not null) messages.Add(new(ChatRoles.System, valueOf(System)));
        messages.Add(new(ChatRoles.User, valueOf(Prompt)));
        messages.Add(new(ChatRoles.Assistant, valueOf(Completion!)));
        return new ChatRecord(line, messages);
    }

    private static ArgumentException Bad(string spec, string reason) => new($"Setting '{Setting}' (\"{spec}\"): {reason}.", Setting);
}
