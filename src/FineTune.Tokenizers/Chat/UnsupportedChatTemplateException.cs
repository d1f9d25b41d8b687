namespace FineTune.Tokenizers.Chat;

/// <summary>A model whose chat template no built-in <see cref="IChatFormat"/> reproduces.</summary>
public sealed class UnsupportedChatTemplateException : NotSupportedException
{
    /// <summary>How much of the template the message quotes.</summary>
    public const int QuotedLength = 160;

    public UnsupportedChatTemplateException(string modelName, string? template, string reason)
        : base(Describe(modelName, template, reason))
    {
        ModelName = modelName;
        TemplateStart = template is null ? null : Quote(template);
    }

    public string ModelName { get; }

    /// <summary>The first <see cref="QuotedLength"/> characters of the template, newlines shown as \n; null when there is none.</summary>
    public string? TemplateStart { get; }

    static string Describe(string modelName, string? template, string reason) =>
        $"Model '{modelName}': {reason}. "
        + (string.IsNullOrWhiteSpace(template) ? "" : $"Its chat template begins: \"{Quote(template)}\". ")
        + "FineTune renders ChatML (<|im_start|>) and Llama 3 (<|start_header_id|>) conversations only.";

    static string Quote(string template)
    {
        var start = template.Length > QuotedLength ? template[..QuotedLength] + "…" : template;
        return start.Replace("\r", "\\r").Replace("\n", "\\n");
    }
}
