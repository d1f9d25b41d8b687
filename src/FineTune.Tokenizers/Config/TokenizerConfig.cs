using System.Text.Json;

namespace FineTune.Tokenizers.Config;

/// <summary>
/// The parts of a Hugging Face tokenizer_config.json that fine-tuning uses: the special-token
/// strings, whether encoding adds BOS/EOS, the context limit, and the chat template. Other fields
/// are kept as they were so that <see cref="ToJson"/> writes them back.
/// </summary>
/// <remarks>
/// Special tokens appear in these files either as a string or as an AddedToken object
/// (<c>{"__type": "AddedToken", "content": "&lt;s&gt;", "lstrip": false, …}</c>); only the content is
/// kept, and <see cref="ToJson"/> writes the string form, which Hugging Face reads the same way (the
/// flags live in tokenizer.json's added_tokens as well).
/// </remarks>
public sealed record TokenizerConfig
{
    public const string FileName = "tokenizer_config.json";

    /// <summary>Where newer transformers versions save the chat template, beside tokenizer_config.json.</summary>
    public const string ChatTemplateFileName = "chat_template.jinja";

    /// <summary>
    /// Model max lengths at or above this are transformers' "no limit" placeholder (it writes
    /// int(1e30) when a model sets none); they are read as null.
    /// </summary>
    public const double UnlimitedModelMaxLength = 1e18;

    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
    public string? PadToken { get; init; }
    public string? UnkToken { get; init; }
    public bool? AddBosToken { get; init; }
    public bool? AddEosToken { get; init; }
    /// <summary>The longest input the model takes, in tokens; null when unset or unlimited.</summary>
    public long? ModelMaxLength { get; init; }
    /// <summary>The Jinja chat template; from a list of named templates, the one named "default".</summary>
    public string? ChatTemplate { get; init; }
    /// <summary>Every named template when the file lists several (its "default" among them); empty otherwise.</summary>
    public IReadOnlyDictionary<string, string> NamedChatTemplates { get; init; } = new Dictionary<string, string>();
    public bool? CleanUpTokenizationSpaces { get; init; }
    /// <summary>The fields this type does not interpret, in file order, written back unchanged.</summary>
    public IReadOnlyDictionary<string, JsonElement> OtherFields { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>
    /// Reads a tokenizer_config.json. When it has no chat_template and a chat_template.jinja lies
    /// beside it, that file's text is the template.
    /// </summary>
    public static TokenizerConfig Read(string path)
    {
        var config = Parse(File.ReadAllText(path), path);
        if (config.ChatTemplate is null && config.NamedChatTemplates.Count == 0)
        {
            var templateFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, ChatTemplateFileName);
            if (File.Exists(templateFile))
                config = config with { ChatTemplate = File.ReadAllText(templateFile) };
        }
        return config;
    }

    /// <param name="json">The file's text.</param>
    /// <param name="source">What to call it in errors: usually its path.</param>
    public static TokenizerConfig Parse(string json, string source) => TokenizerConfigReader.Parse(json, source);

    /// <summary>The config as tokenizer_config.json text: the fields above, then the others.</summary>
    public string ToJson() => TokenizerConfigWriter.Write(this);
}
