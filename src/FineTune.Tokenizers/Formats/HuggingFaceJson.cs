using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FineTune.Tokenizers.Bpe;

namespace FineTune.Tokenizers.Formats;

/// <summary>
/// Hugging Face <c>tokenizer.json</c> for byte-level BPE. Reads what it can honour exactly, ignores
/// what does not change ids (offsets trimming, padding), and refuses the rest with a
/// <see cref="TokenizerFormatException"/> naming the field.
/// </summary>
internal static class HuggingFaceJson
{
    public static Tokenizer Read(string json)
    {
        using var document = Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new TokenizerFormatException("$", "expected a JSON object");
        if (Property(root, "truncation") is { ValueKind: not JsonValueKind.Null })
            throw new TokenizerFormatException("truncation", "truncation changes the ids; set it to null and truncate after encoding");
        if (Property(root, "normalizer") is { ValueKind: not JsonValueKind.Null } normalizer)
            throw new TokenizerFormatException("normalizer", $"a normalizer ({TypeOf(normalizer, "normalizer")}) changes the text before encoding and is not supported");

        var preTokenizer = ReadPreTokenizer(Property(root, "pre_tokenizer"));
        ReadDecoder(Property(root, "decoder"));
        var model = ReadModel(Property(root, "model") ?? throw new TokenizerFormatException("model", "missing"), out var vocab);
        var added = ReadAddedTokens(Property(root, "added_tokens"));
        var (prefix, suffix) = ReadPostProcessor(Property(root, "post_processor"), vocab, added);

        return new Tokenizer(model, added, preTokenizer with { TemplatePrefix = prefix, TemplateSuffix = suffix });
    }

    private static JsonDocument Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException("$", $"not valid JSON: {e.Message}");
        }
    }

    private static JsonElement? Property(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    private static string TypeOf(JsonElement element, string field)
        => Property(element, "type") is { ValueKind: JsonValueKind.String } type ? type.GetString()!
            : throw new TokenizerFormatException($"{field}.type", "missing");

    private static bool Flag(JsonElement element, string name, string field, bool absent = false) => Property(element, name) switch
    {
        null or { ValueKind: JsonValueKind.Null } => absent,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw new TokenizerFormatException($"{field}.{name}", "expected true or false"),
    };

    private static string? OptionalString(JsonElement element, string name, string field) => Property(element, name) switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw new TokenizerFormatException($"{field}.{name}", "expected a string or null"),
    };

    // ---- pre_tokenizer ----

    private static TokenizerSettings ReadPreTokenizer(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } pre)
            throw new TokenizerFormatException("pre_tokenizer", "missing: only byte-level vocabularies (a ByteLevel pre-tokenizer) are supported");
        var isSequence = TypeOf(pre, "pre_tokenizer") == "Sequence";
        var steps = isSequence
            ? (Property(pre, "pretokenizers") ?? throw new TokenizerFormatException("pre_tokenizer.pretokenizers", "missing")).EnumerateArray().ToList()
            : [pre];

        string? pattern = null;
        var byteLevelSeen = false;
        var settings = new TokenizerSettings();
        for (var i = 0; i < steps.Count; i++)
        {
            var field = isSequence ? $"pre_tokenizer.pretokenizers[{i}]" : "pre_tokenizer";
            var step = steps[i];
            switch (TypeOf(step, field))
            {
                case "Split":
                    if (byteLevelSeen) throw new TokenizerFormatException(field, "a Split after ByteLevel would split byte-level characters; not supported");
                    if (pattern is not null) throw new TokenizerFormatException(field, "only one regex split is supported");
                    pattern = ReadSplit(step, field);
                    break;
                case "ByteLevel":
                    if (byteLevelSeen) throw new TokenizerFormatException(field, "ByteLevel appears twice");
                    byteLevelSeen = true;
                    var addPrefixSpace = Flag(step, "add_prefix_space", field, absent: true);
                    if (addPrefixSpace && steps.Count > 1)
                        throw new TokenizerFormatException($"{field}.add_prefix_space", "true inside a Sequence (a space before every pre-token) is not supported");
                    if (Flag(step, "use_regex", field, absent: true))
                    {
                        if (pattern is not null) throw new TokenizerFormatException($"{field}.use_regex", "true after a Split (two regex splits) is not supported");
                        pattern = SplitPatterns.Gpt2;
                        settings = settings with { Layout = PreTokenizerLayout.ByteLevelWithRegex };
                    }
                    else if (pattern is null)
                    {
                        settings = settings with { Layout = PreTokenizerLayout.ByteLevelOnly };
                    }
                    settings = settings with { AddPrefixSpace = addPrefixSpace };
                    break;
                case var other:
                    throw new TokenizerFormatException($"{field}.type", $"pre-tokenizer '{other}' is not supported (Split and ByteLevel are)");
            }
        }
        if (!byteLevelSeen)
            throw new TokenizerFormatException("pre_tokenizer", "no ByteLevel step: only byte-level vocabularies are supported");
        return settings with { SplitPattern = pattern };
    }

    private static string ReadSplit(JsonElement step, string field)
    {
        var behavior = OptionalString(step, "behavior", field);
        if (behavior != "Isolated") throw new TokenizerFormatException($"{field}.behavior", $"'{behavior}' is not supported (Isolated is)");
        if (Flag(step, "invert", field)) throw new TokenizerFormatException($"{field}.invert", "true is not supported");
        var pattern = Property(step, "pattern") ?? throw new TokenizerFormatException($"{field}.pattern", "missing");
        if (OptionalString(pattern, "Regex", $"{field}.pattern") is { } regex) return regex;
        if (OptionalString(pattern, "String", $"{field}.pattern") is { } literal) return System.Text.RegularExpressions.Regex.Escape(literal);
        throw new TokenizerFormatException($"{field}.pattern", "expected {\"Regex\": ...} or {\"String\": ...}");
    }

    // ---- decoder ----

    private static void ReadDecoder(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } decoder)
            throw new TokenizerFormatException("decoder", "missing: a byte-level vocabulary needs the ByteLevel decoder");
        var type = TypeOf(decoder, "decoder");
        if (type != "ByteLevel") throw new TokenizerFormatException("decoder.type", $"decoder '{type}' is not supported (ByteLevel is)");
    }

    // ---- model ----

    private static BpeModel ReadModel(JsonElement model, out Dictionary<string, int> vocab)
    {
        var type = Property(model, "type") is { ValueKind: JsonValueKind.String } t ? t.GetString() : "BPE";
        if (type != "BPE") throw new TokenizerFormatException("model.type", $"'{type}' models are not supported (BPE is)");
        if (Property(model, "dropout") is { ValueKind: JsonValueKind.Number } dropout && dropout.GetDouble() > 0)
            throw new TokenizerFormatException("model.dropout", "dropout makes encoding random; only null or 0 is supported");
        if (OptionalString(model, "continuing_subword_prefix", "model") is { Length: > 0 })
            throw new TokenizerFormatException("model.continuing_subword_prefix", "not supported");
        if (OptionalString(model, "end_of_word_suffix", "model") is { Length: > 0 })
            throw new TokenizerFormatException("model.end_of_word_suffix", "not supported");

        var vocabElement = Property(model, "vocab") is { ValueKind: JsonValueKind.Object } v ? v
            : throw new TokenizerFormatException("model.vocab", "expected an object of token to id");
        vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var maxId = -1;
        foreach (var entry in vocabElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
                throw new TokenizerFormatException($"model.vocab[\"{entry.Name}\"]", "expected a non-negative integer id");
            vocab[entry.Name] = id;
            maxId = Math.Max(maxId, id);
        }

        // Vocabulary strings are byte-level characters; a string outside that alphabet (say a
        // special token kept in the vocabulary) stands for its own UTF-8.
        var symbols = new byte[]?[maxId + 1];
        foreach (var (token, id) in vocab)
        {
            if (symbols[id] is not null) throw new TokenizerFormatException("model.vocab", $"id {id} is given twice");
            symbols[id] = ByteLevel.TryDecode(token, out var bytes) ? bytes : Encoding.UTF8.GetBytes(token);
        }

        var merges = ReadMerges(Property(model, "merges"), vocab);
        var unknown = OptionalString(model, "unk_token", "model");
        var unknownId = -1;
        if (unknown is not null && !vocab.TryGetValue(unknown, out unknownId))
            throw new TokenizerFormatException("model.unk_token", $"'{unknown}' is not in the vocabulary");
        int[]? fallback = null;
        if (Flag(model, "byte_fallback", "model"))
        {
            fallback = new int[256];
            for (var b = 0; b < 256; b++) fallback[b] = vocab.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
        }

        try
        {
            return new BpeModel(symbols, MergeRuleKind.MergeList, merges)
            {
                IsByteLevel = true,
                WholePieceFirst = Flag(model, "ignore_merges", "model"),
                UnknownId = unknownId,
                FuseUnknown = Flag(model, "fuse_unk", "model"),
                FallbackByteIds = fallback,
            };
        }
        catch (ArgumentException e)
        {
            throw new TokenizerFormatException("model", e.Message);
        }
    }

    /// <summary>Merges as <c>"a b"</c> strings (older files) or <c>["a", "b"]</c> arrays (newer ones).</summary>
    private static List<(int, int)> ReadMerges(JsonElement? element, Dictionary<string, int> vocab)
    {
        if (element is not { ValueKind: JsonValueKind.Array } array)
            throw new TokenizerFormatException("model.merges", "expected an array");
        var merges = new List<(int, int)>(array.GetArrayLength());
        var index = 0;
        foreach (var merge in array.EnumerateArray())
        {
            var field = $"model.merges[{index++}]";
            string left, right;
            if (merge.ValueKind == JsonValueKind.String)
            {
                var parts = merge.GetString()!.Split(' ');
                if (parts.Length != 2) throw new TokenizerFormatException(field, "expected \"left right\" with one space");
                (left, right) = (parts[0], parts[1]);
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                (left, right) = (merge[0].GetString()!, merge[1].GetString()!);
            }
            else
            {
                throw new TokenizerFormatException(field, "expected \"left right\" or [\"left\", \"right\"]");
            }
            if (!vocab.TryGetValue(left, out var leftId)) throw new TokenizerFormatException(field, $"'{left}' is not in the vocabulary");
            if (!vocab.TryGetValue(right, out var rightId)) throw new TokenizerFormatException(field, $"'{right}' is not in the vocabulary");
            if (!vocab.ContainsKey(left + right)) throw new TokenizerFormatException(field, $"the merged '{left + right}' is not in the vocabulary");
            merges.Add((leftId, rightId));
        }
        return merges;
    }

    // ---- added_tokens ----

    private static List<AddedToken> ReadAddedTokens(JsonElement? element)
    {
        var tokens = new List<AddedToken>();
        if (element is not { ValueKind: JsonValueKind.Array } array) return tokens;
        var index = 0;
        foreach (var token in array.EnumerateArray())
        {
            var field = $"added_tokens[{index++}]";
            if (Property(token, "id") is not { ValueKind: JsonValueKind.Number } idElement || !idElement.TryGetInt32(out var id) || id < 0)
                throw new TokenizerFormatException($"{field}.id", "expected a non-negative integer");
            var content = OptionalString(token, "content", field) ?? throw new TokenizerFormatException($"{field}.content", "missing");
            if (Flag(token, "single_word", field)) throw new TokenizerFormatException($"{field}.single_word", "true is not supported");
            tokens.Add(new AddedToken(id, content, Flag(token, "special", field),
                LStrip: Flag(token, "lstrip", field), RStrip: Flag(token, "rstrip", field)));
        }
        return tokens;
    }

    // ---- post_processor ----

    private static (int[] Prefix, int[] Suffix) ReadPostProcessor(JsonElement? element, Dictionary<string, int> vocab, List<AddedToken> added)
    {
        if (element is not { ValueKind: JsonValueKind.Object } processor) return ([], []);
        var type = TypeOf(processor, "post_processor");
        if (type != "Sequence") return ReadProcessor(processor, "post_processor", vocab, added);
        var result = (Prefix: Array.Empty<int>(), Suffix: Array.Empty<int>());
        var index = 0;
        foreach (var step in (Property(processor, "processors") ?? throw new TokenizerFormatException("post_processor.processors", "missing")).EnumerateArray())
        {
            var field = $"post_processor.processors[{index++}]";
            var (prefix, suffix) = ReadProcessor(step, field, vocab, added);
            if (prefix.Length + suffix.Length == 0) continue;
            if (result.Prefix.Length + result.Suffix.Length > 0) throw new TokenizerFormatException(field, "two processors that add tokens are not supported");
            result = (prefix, suffix);
        }
        return result;
    }

    private static (int[] Prefix, int[] Suffix) ReadProcessor(JsonElement processor, string field, Dictionary<string, int> vocab, List<AddedToken> added)
    {
        switch (TypeOf(processor, field))
        {
            case "ByteLevel":
                return ([], []);   // only trims offsets
            case "RobertaProcessing" or "BertProcessing":
                return ([PairId(processor, "cls", field)], [PairId(processor, "sep", field)]);
            case "TemplateProcessing":
                return ReadTemplate(processor, field, vocab, added);
            case var other:
                throw new TokenizerFormatException($"{field}.type", $"post-processor '{other}' is not supported");
        }
    }

    private static int PairId(JsonElement processor, string name, string field)
        => Property(processor, name) is { ValueKind: JsonValueKind.Array } pair && pair.GetArrayLength() == 2 && pair[1].TryGetInt32(out var id)
            ? id
            : throw new TokenizerFormatException($"{field}.{name}", "expected [token, id]");

    private static (int[] Prefix, int[] Suffix) ReadTemplate(JsonElement processor, string field, Dictionary<string, int> vocab, List<AddedToken> added)
    {
        var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (Property(processor, "special_tokens") is { ValueKind: JsonValueKind.Object } map)
            foreach (var entry in map.EnumerateObject())
                specials[entry.Name] = (Property(entry.Value, "ids") ?? throw new TokenizerFormatException($"{field}.special_tokens.{entry.Name}.ids", "missing"))
                    .EnumerateArray().Select(e => e.GetInt32()).ToArray();

        var prefix = new List<int>();
        var suffix = new List<int>();
        var sequenceSeen = false;
        var index = 0;
        foreach (var item in (Property(processor, "single") ?? throw new TokenizerFormatException($"{field}.single", "missing")).EnumerateArray())
        {
            var itemField = $"{field}.single[{index++}]";
            if (Property(item, "Sequence") is { } sequence)
            {
                if (OptionalString(sequence, "id", itemField) != "A" || sequenceSeen)
                    throw new TokenizerFormatException(itemField, "a single-sequence template must hold sequence A once");
                sequenceSeen = true;
            }
            else if (Property(item, "SpecialToken") is { } special)
            {
                var name = OptionalString(special, "id", itemField) ?? throw new TokenizerFormatException($"{itemField}.id", "missing");
                var ids = specials.TryGetValue(name, out var listed) ? listed
                    : added.FirstOrDefault(t => t.Content == name) is { } token ? [token.Id]
                    : vocab.TryGetValue(name, out var id) ? [id]
                    : throw new TokenizerFormatException($"{itemField}.id", $"'{name}' is not a known token");
                (sequenceSeen ? suffix : prefix).AddRange(ids);
            }
            else
            {
                throw new TokenizerFormatException(itemField, "expected Sequence or SpecialToken");
            }
        }
        if (!sequenceSeen) throw new TokenizerFormatException($"{field}.single", "holds no sequence A");
        return ([.. prefix], [.. suffix]);
    }

    // ---- writing ----

    public static string Write(Tokenizer tokenizer)
    {
        var model = tokenizer.Model;
        var settings = tokenizer.Settings;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");

            json.WriteStartArray("added_tokens");
            foreach (var token in tokenizer.AddedTokens)
            {
                json.WriteStartObject();
                json.WriteNumber("id", token.Id);
                json.WriteString("content", token.Content);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("lstrip", token.LStrip);
                json.WriteBoolean("rstrip", token.RStrip);
                json.WriteBoolean("normalized", false);
                json.WriteBoolean("special", token.Special);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteNull("normalizer");
            json.WritePropertyName("pre_tokenizer");
            WritePreTokenizer(json, settings);
            json.WritePropertyName("post_processor");
            WriteTemplate(json, tokenizer);
            json.WritePropertyName("decoder");
            WriteByteLevel(json, addPrefixSpace: true, useRegex: true);
            json.WritePropertyName("model");
            WriteModel(json, tokenizer, model);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteByteLevel(Utf8JsonWriter json, bool addPrefixSpace, bool useRegex)
    {
        json.WriteStartObject();
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", addPrefixSpace);
        json.WriteBoolean("trim_offsets", true);
        json.WriteBoolean("use_regex", useRegex);
        json.WriteEndObject();
    }

    private static void WritePreTokenizer(Utf8JsonWriter json, TokenizerSettings settings)
    {
        if (settings.Layout == PreTokenizerLayout.ByteLevelWithRegex || settings.SplitPattern is null)
        {
            WriteByteLevel(json, settings.AddPrefixSpace, useRegex: settings.SplitPattern is not null);
            return;
        }
        json.WriteStartObject();
        json.WriteString("type", "Sequence");
        json.WriteStartArray("pretokenizers");
        json.WriteStartObject();
        json.WriteString("type", "Split");
        json.WriteStartObject("pattern");
        json.WriteString("Regex", settings.SplitPattern);
        json.WriteEndObject();
        json.WriteString("behavior", "Isolated");
        json.WriteBoolean("invert", false);
        json.WriteEndObject();
        WriteByteLevel(json, settings.AddPrefixSpace, useRegex: false);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTemplate(Utf8JsonWriter json, Tokenizer tokenizer)
    {
        if (tokenizer.TemplatePrefix.Count + tokenizer.TemplateSuffix.Count == 0)
        {
            json.WriteNullValue();
            return;
        }
        json.WriteStartObject();
        json.WriteString("type", "TemplateProcessing");
        json.WriteStartArray("single");
        WriteTemplateItems(json, tokenizer, "A", 0);
        json.WriteEndArray();
        json.WriteStartArray("pair");
        WriteTemplateItems(json, tokenizer, "A", 0);
        WriteTemplateItems(json, tokenizer, "B", 1);
        json.WriteEndArray();
        json.WriteStartObject("special_tokens");
        foreach (var id in tokenizer.TemplatePrefix.Concat(tokenizer.TemplateSuffix).Distinct())
        {
            var content = tokenizer.IdToToken(id)!;
            json.WriteStartObject(content);
            json.WriteString("id", content);
            json.WriteStartArray("ids");
            json.WriteNumberValue(id);
            json.WriteEndArray();
            json.WriteStartArray("tokens");
            json.WriteStringValue(content);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteTemplateItems(Utf8JsonWriter json, Tokenizer tokenizer, string sequence, int typeId)
    {
        foreach (var id in tokenizer.TemplatePrefix) WriteItem(json, "SpecialToken", tokenizer.IdToToken(id)!, typeId);
        WriteItem(json, "Sequence", sequence, typeId);
        foreach (var id in tokenizer.TemplateSuffix) WriteItem(json, "SpecialToken", tokenizer.IdToToken(id)!, typeId);
    }

    private static void WriteItem(Utf8JsonWriter json, string kind, string id, int typeId)
    {
        json.WriteStartObject();
        json.WriteStartObject(kind);
        json.WriteString("id", id);
        json.WriteNumber("type_id", typeId);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteModel(Utf8JsonWriter json, Tokenizer tokenizer, BpeModel model)
    {
        json.WriteStartObject();
        json.WriteString("type", "BPE");
        json.WriteNull("dropout");
        if (model.UnknownId >= 0) json.WriteString("unk_token", tokenizer.IdToToken(model.UnknownId));
        else json.WriteNull("unk_token");
        json.WriteNull("continuing_subword_prefix");
        json.WriteNull("end_of_word_suffix");
        json.WriteBoolean("fuse_unk", model.FuseUnknown);
        json.WriteBoolean("byte_fallback", model.FallbackByteIds is not null);
        json.WriteBoolean("ignore_merges", model.WholePieceFirst);

        json.WriteStartObject("vocab");
        for (var id = 0; id < model.Symbols.Length; id++)
            if (model.Symbols[id] is { } symbol) json.WriteNumber(VocabString(symbol), id);
        json.WriteEndObject();

        json.WriteStartArray("merges");
        foreach (var (left, right) in model.DeriveMerges())
        {
            // "left right": byte-level strings never hold a space, and every reader version takes this form.
            json.WriteStringValue($"{VocabString(model.Symbols[left]!)} {VocabString(model.Symbols[right]!)}");
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string VocabString(byte[] symbol) => ByteLevel.Encode(symbol);
}
