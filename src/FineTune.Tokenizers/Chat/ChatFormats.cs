using System.Text.RegularExpressions;
using FineTune.Tokenizers.Config;

namespace FineTune.Tokenizers.Chat;

/// <summary>The built-in chat formats, and recognising which one a model's chat template is.</summary>
public static partial class ChatFormats
{
    /// <summary>Plain ChatML, without a default system message.</summary>
    public static ChatMlFormat ChatMl { get; } = new();

    /// <summary>Llama 3.0: no date header.</summary>
    public static Llama3ChatFormat Llama3 { get; } = new();

    /// <summary>The date Llama 3.1's template falls back to when it cannot read the clock.</summary>
    public const string Llama31FallbackDate = "26 Jul 2024";

    /// <summary>
    /// The format of <paramref name="config"/>'s chat template, with the details the template fixes
    /// (ChatML's default system message, Llama 3.1's date header, the BOS string). Recognition is by
    /// the template's special tokens: <c>&lt;|im_start|&gt;</c> is ChatML, <c>&lt;|start_header_id|&gt;</c>
    /// is Llama 3.
    /// </summary>
    /// <param name="modelName">Names the model in the error.</param>
    /// <exception cref="UnsupportedChatTemplateException">There is no template, or it is none of these,
    /// or it adds what the built-in formats do not render (reasoning blocks). Never a silent fallback:
    /// training on the wrong layout makes a model that answers in the wrong one.</exception>
    public static IChatFormat Detect(TokenizerConfig config, string modelName)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(modelName);
        var template = config.ChatTemplate;
        if (string.IsNullOrWhiteSpace(template))
        {
            var named = config.NamedChatTemplates.Count == 0 ? "" : $" (it has templates named {string.Join(", ", config.NamedChatTemplates.Keys.Select(k => $"'{k}'"))} but none named 'default')";
            throw new UnsupportedChatTemplateException(modelName, template,
                $"has no chat template{named}; a base model needs one chosen for it before chat fine-tuning");
        }

        var isChatMl = template.Contains(ChatMlFormat.ImStart, StringComparison.Ordinal);
        var isLlama3 = template.Contains(Llama3ChatFormat.StartHeader, StringComparison.Ordinal);
        if (isChatMl && isLlama3)
            throw new UnsupportedChatTemplateException(modelName, template, "the chat template mixes ChatML and Llama 3 markers");
        if (isChatMl)
        {
            if (template.Contains("<think>", StringComparison.Ordinal))
                throw new UnsupportedChatTemplateException(modelName, template,
                    "the chat template is ChatML with reasoning (<think>) blocks, which FineTune's ChatML format does not add");
            if (!ChatMlTemplate.TryReadDefaultSystemMessage(template, out var defaultSystem))
                throw new UnsupportedChatTemplateException(modelName, template,
                    "the chat template builds its default system message from an expression, which FineTune cannot reproduce");
            return new ChatMlFormat(defaultSystem);
        }
        if (isLlama3)
        {
            var dated = template.Contains("Cutting Knowledge Date", StringComparison.Ordinal);
            var bos = config.BosToken ?? Llama3ChatFormat.BeginOfText;
            return new Llama3ChatFormat(dated ? FallbackDate(template) : null, bos);
        }
        throw new UnsupportedChatTemplateException(modelName, template, "the chat template is neither ChatML nor Llama 3");
    }

    static string FallbackDate(string template)
    {
        var match = FallbackDatePattern().Match(template);
        return match.Success ? match.Groups["date"].Value : Llama31FallbackDate;
    }

    [GeneratedRegex(@"date_string\s*=\s*[""'](?<date>[^""']+)[""']", RegexOptions.CultureInvariant)]
    private static partial Regex FallbackDatePattern();
}
