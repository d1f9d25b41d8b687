using System.Text.Json;

namespace FineTune.Tokenizers.Config;

/// <summary>Turns tokenizer_config.json text into a <see cref="TokenizerConfig"/>, checking each field's type.</summary>
internal static class TokenizerConfigReader
{
    public static TokenizerConfig Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TokenizerConfigException(source, null,
                $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TokenizerConfigException(source, null, $"must hold a JSON object, not {Describe(root)}.");

            var config = new TokenizerConfig();
            var others = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var field in root.EnumerateObject())
            {
                var value = field.Value;
                var reader = new FieldReader(source, field.Name, value);
                TokenizerConfig? updated = field.Name switch
                {
                    "bos_token" => config with { BosToken = reader.Token() },
                    "eos_token" => config with { EosToken = reader.Token() },
                    "pad_token" => config with { PadToken = reader.Token() },
                    "unk_token" => config with { UnkToken = reader.Token() },
                    "add_bos_token" => config with { AddBosToken = reader.Boolean() },
                    "add_eos_token" => config with { AddEosToken = reader.Boolean() },
                    "clean_up_tokenization_spaces" => config with { CleanUpTokenizationSpaces = reader.Boolean() },
                    "model_max_length" => config with { ModelMaxLength = reader.MaxLength() },
                    "chat_template" => WithChatTemplate(config, reader),
                    _ => null,
                };
                if (updated is null) others[field.Name] = value.Clone();
                else config = updated;
            }
            return config with { OtherFields = others };
        }
    }

    static TokenizerConfig WithChatTemplate(TokenizerConfig config, FieldReader reader)
    {
        var named = reader.ChatTemplates();
        if (named is null) return config with { ChatTemplate = reader.OptionalString(), NamedChatTemplates = new Dictionary<string, string>() };
        return config with { ChatTemplate = named.GetValueOrDefault("default"), NamedChatTemplates = named };
    }

    static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    /// <summary>Reads one field's value, naming the field in every error.</summary>
    readonly struct FieldReader(string source, string name, JsonElement value)
    {
        TokenizerConfigException Wrong(string expected) =>
            new(source, name, $"must be {expected}, but it is {Describe(value)}.");

        /// <summary>A string, an AddedToken object with a string "content", or null.</summary>
        public string? Token()
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Null: return null;
                case JsonValueKind.String: return value.GetString();
                case JsonValueKind.Object:
                    if (value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                        return content.GetString();
                    throw new TokenizerConfigException(source, name,
                        "is an object without a string 'content' (an AddedToken needs one).");
                default:
                    throw Wrong("a string, an object with a string 'content', or null");
            }
        }

        public bool? Boolean() => value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => throw Wrong("true, false or null"),
        };

        public string? OptionalString() => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw Wrong("a string or null"),
        };

        public long? MaxLength()
        {
            if (value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.Number) throw Wrong("a positive whole number");
            if (value.TryGetInt64(out var length))
            {
                if (length <= 0) throw Wrong("a positive whole number");
                return length;
            }
            // Too large for a long, or has a fraction: only transformers' huge placeholder is accepted.
            if (value.TryGetDouble(out var large) && large >= TokenizerConfig.UnlimitedModelMaxLength && !value.GetRawText().Contains('.'))
                return null;
            throw Wrong("a positive whole number");
        }

        /// <summary>
        /// The named templates when the value is a list of {"name", "template"} objects; null when
        /// it is not a list (a single template, or null).
        /// </summary>
        public Dictionary<string, string>? ChatTemplates()
        {
            if (value.ValueKind is JsonValueKind.String or JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.Array)
                throw Wrong("a template string or a list of {\"name\", \"template\"} objects");
            var templates = new Dictionary<string, string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                var where = $"{name}[{index++}]";
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("name", out var templateName) || templateName.ValueKind != JsonValueKind.String
                    || !item.TryGetProperty("template", out var template) || template.ValueKind != JsonValueKind.String)
                    throw new TokenizerConfigException(source, where, "must be an object with string 'name' and 'template'.");
                if (!templates.TryAdd(templateName.GetString()!, template.GetString()!))
                    throw new TokenizerConfigException(source, where, $"repeats the template name '{templateName.GetString()}'.");
            }
            return templates;
        }
    }
}
