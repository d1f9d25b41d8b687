using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FineTune.Tokenizers.Config;

/// <summary>Writes a <see cref="TokenizerConfig"/> as tokenizer_config.json text; null fields are left out.</summary>
internal static class TokenizerConfigWriter
{
    static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Keeps "<|im_start|>" and non-ASCII text readable instead of \u003C escapes; still valid JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(TokenizerConfig config)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            WriteString(json, "bos_token", config.BosToken);
            WriteString(json, "eos_token", config.EosToken);
            WriteString(json, "pad_token", config.PadToken);
            WriteString(json, "unk_token", config.UnkToken);
            WriteBoolean(json, "add_bos_token", config.AddBosToken);
            WriteBoolean(json, "add_eos_token", config.AddEosToken);
            if (config.ModelMaxLength is { } maxLength) json.WriteNumber("model_max_length", maxLength);
            WriteBoolean(json, "clean_up_tokenization_spaces", config.CleanUpTokenizationSpaces);
            WriteChatTemplate(json, config);
            foreach (var (name, value) in config.OtherFields)
            {
                json.WritePropertyName(name);
                value.WriteTo(json);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void WriteChatTemplate(Utf8JsonWriter json, TokenizerConfig config)
    {
        if (config.NamedChatTemplates.Count == 0)
        {
            WriteString(json, "chat_template", config.ChatTemplate);
            return;
        }
        // The list form; a ChatTemplate set since reading replaces the listed "default".
        json.WriteStartArray("chat_template");
        var templates = new Dictionary<string, string>(config.NamedChatTemplates);
        if (config.ChatTemplate is not null) templates["default"] = config.ChatTemplate;
        foreach (var (name, template) in templates)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("template", template);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    static void WriteString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null) json.WriteString(name, value);
    }

    static void WriteBoolean(Utf8JsonWriter json, string name, bool? value)
    {
        if (value is { } flag) json.WriteBoolean(name, flag);
    }
}
