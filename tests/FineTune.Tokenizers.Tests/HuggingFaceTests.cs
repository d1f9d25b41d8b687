using System.Text.Json.Nodes;
using FineTune.Testing;

namespace FineTune.Tokenizers.Tests;

/// <summary>Reading and writing Hugging Face tokenizer.json.</summary>
public class HuggingFaceTests
{
    // Deriving cl100k's 100k merges takes a moment: write once, share.
    private static readonly Lazy<string> Cl100kJson = new(() => Fixtures.Cl100k.ToHuggingFaceJson());
    private static readonly Lazy<Tokenizer> Cl100kThroughJson = new(() => Tokenizer.FromHuggingFaceJson(Cl100kJson.Value));

    [Fact]
    public void Cl100k_written_as_tokenizer_json_encodes_the_fixture_to_tiktoken_ids()
    {
        // Merges derived from the ranks plus ignore_merges, as Llama 3's file does.
        var tokenizer = Cl100kThroughJson.Value;
        Assert.Equal(Fixtures.MixedIds, tokenizer.Encode(Fixtures.MixedText, SpecialTokenPolicy.AsText));
        Assert.Equal(Fixtures.Cl100k.VocabSize, tokenizer.VocabSize);
        Assert.Equal(Fixtures.Cl100k.SpecialTokens.OrderBy(p => p.Value), tokenizer.SpecialTokens.OrderBy(p => p.Value));
        Assert.Equal(SplitPatterns.Cl100k, tokenizer.SplitPattern);
    }

    [Fact]
    public void Written_json_has_the_llama3_layout()
    {
        var json = JsonNode.Parse(Cl100kJson.Value)!;
        Assert.Equal("1.0", (string?)json["version"]);
        Assert.Null(json["normalizer"]);
        var steps = json["pre_tokenizer"]!["pretokenizers"]!.AsArray();
        Assert.Equal("Split", (string?)steps[0]!["type"]);
        Assert.Equal(SplitPatterns.Cl100k, (string?)steps[0]!["pattern"]!["Regex"]);
        Assert.Equal("Isolated", (string?)steps[0]!["behavior"]);
        Assert.Equal("ByteLevel", (string?)steps[1]!["type"]);
        Assert.False((bool)steps[1]!["use_regex"]!);
        Assert.Equal("ByteLevel", (string?)json["decoder"]!["type"]);
        var model = json["model"]!;
        Assert.Equal("BPE", (string?)model["type"]);
        Assert.True((bool)model["ignore_merges"]!);
        Assert.Equal(220, (int)model["vocab"]!["Ġ"]!);        // cl100k's space
        Assert.Equal(15339, (int)model["vocab"]!["hello"]!);
        var added = json["added_tokens"]!.AsArray();
        Assert.Equal(5, added.Count);
        Assert.Equal("<|endoftext|>", (string?)added[0]!["content"]);
        Assert.True((bool)added[0]!["special"]!);
    }

    [Fact]
    public void Trained_tokenizer_round_trips_through_json_and_a_file()
    {
        var tokenizer = SmallTokenizers.Trained();
        using var folder = new TempDirectory("hf");
        var path = Path.Combine(folder.Path, "tokenizer.json");
        tokenizer.SaveHuggingFace(path);
        var loaded = Tokenizer.LoadHuggingFace(path);
        var text = Fixtures.MixedText[..20_000] + "<|end|>";
        Assert.Equal(tokenizer.Encode(text, SpecialTokenPolicy.Recognize), loaded.Encode(text, SpecialTokenPolicy.Recognize));
        Assert.Equal(tokenizer.VocabSize, loaded.VocabSize);
        Assert.Equal(tokenizer.SpecialTokens["<|end|>"], loaded.TokenToId("<|end|>"));
        Assert.False(loaded.ToHuggingFaceJson().Contains("\"ignore_merges\": true", StringComparison.Ordinal));
    }

    // ---- hand-written files ----

    /// <summary>
    /// A GPT-2-style file: ids 0..255 are the bytes (as their byte-level characters), then
    /// Ġt (256), he (257), Ġthe (258), lo (259), Ġhello (260, reachable only whole).
    /// </summary>
    private static JsonObject Gpt2Style(bool mergesAsArrays = false)
    {
        var vocab = new JsonObject();
        for (var b = 0; b < 256; b++) vocab[ByteLevel.ToChar((byte)b).ToString()] = b;
        string[] extra = ["Ġt", "he", "Ġthe", "lo", "Ġhello"];
        for (var i = 0; i < extra.Length; i++) vocab[extra[i]] = 256 + i;
        (string, string)[] merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("l", "o")];
        var mergeArray = new JsonArray(merges.Select(m => mergesAsArrays ? (JsonNode)new JsonArray(m.Item1, m.Item2) : $"{m.Item1} {m.Item2}").ToArray());
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(new JsonObject
            {
                ["id"] = 261, ["content"] = "<|endoftext|>", ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = true, ["special"] = true,
            }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "", ["fuse_unk"] = false, ["byte_fallback"] = false,
                ["vocab"] = vocab, ["merges"] = mergeArray,
            },
        };
    }

    private static Tokenizer Load(JsonObject json) => Tokenizer.FromHuggingFaceJson(json.ToJsonString());

    [Fact]
    public void Gpt2_style_file_merges_by_list_position()
    {
        // GPT-2 split: " the", " lo", " hello". " the": Ġt, he, Ġthe. " lo": l+o only.
        // " hello": h+e, then l+o, and (Ġ, he) is no merge; ignore_merges is off, so Ġhello is never reached.
        var tokenizer = Load(Gpt2Style());
        Assert.Equal([258, 32, 259, 32, 257, 108, 259], tokenizer.Encode(" the lo hello"));
        Assert.Equal(" the lo hello", tokenizer.Decode([258, 32, 259, 32, 257, 108, 259]));
        Assert.Equal(SplitPatterns.Gpt2, tokenizer.SplitPattern);
        Assert.Equal(258, tokenizer.TokenToId("Ġthe"));
        Assert.Equal("Ġhello", tokenizer.IdToToken(260));
        Assert.Equal([261], tokenizer.Encode("<|endoftext|>", SpecialTokenPolicy.Recognize));
    }

    [Fact]
    public void Merges_as_arrays_read_the_same_as_merges_as_strings()
    {
        var text = " the lo hello the";
        Assert.Equal(Load(Gpt2Style()).Encode(text), Load(Gpt2Style(mergesAsArrays: true)).Encode(text));
    }

    [Fact]
    public void Ignore_merges_emits_a_whole_pre_token_found_in_the_vocabulary()
    {
        var json = Gpt2Style();
        json["model"]!["ignore_merges"] = true;
        Assert.Equal([260], Load(json).Encode(" hello"));
    }

    [Fact]
    public void Add_prefix_space_puts_a_space_before_each_segment_between_added_tokens()
    {
        var json = Gpt2Style();
        json["pre_tokenizer"]!["add_prefix_space"] = true;
        var tokenizer = Load(json);
        Assert.Equal([258, 261, 258], tokenizer.Encode("the<|endoftext|>the", SpecialTokenPolicy.Recognize));
        Assert.Equal([258], tokenizer.Encode(" the"));   // already starts with a space
    }

    /// <summary>A Llama-3-style file: Split + ByteLevel, TemplateProcessing with BOS, special and non-special added tokens.</summary>
    private static JsonObject Llama3Style()
    {
        var json = Gpt2Style();
        json["pre_tokenizer"] = new JsonObject
        {
            ["type"] = "Sequence",
            ["pretokenizers"] = new JsonArray(
                new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = SplitPatterns.Llama3 }, ["behavior"] = "Isolated", ["invert"] = false },
                new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false }),
        };
        json["added_tokens"] = new JsonArray(
            new JsonObject { ["id"] = 300, ["content"] = "<|begin_of_text|>", ["special"] = true },
            new JsonObject { ["id"] = 301, ["content"] = "<|eot_id|>", ["special"] = true },
            new JsonObject { ["id"] = 302, ["content"] = "[NS]", ["special"] = false });
        json["post_processor"] = new JsonObject
        {
            ["type"] = "Sequence",
            ["processors"] = new JsonArray(
                new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true },
                new JsonObject
                {
                    ["type"] = "TemplateProcessing",
                    ["single"] = new JsonArray(
                        new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<|begin_of_text|>", ["type_id"] = 0 } },
                        new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } }),
                    ["pair"] = new JsonArray(),
                    ["special_tokens"] = new JsonObject
                    {
                        ["<|begin_of_text|>"] = new JsonObject { ["id"] = "<|begin_of_text|>", ["ids"] = new JsonArray(300), ["tokens"] = new JsonArray("<|begin_of_text|>") },
                    },
                }),
        };
        json["model"]!["ignore_merges"] = true;
        return json;
    }

    [Fact]
    public void Llama3_style_file_reads_template_and_added_tokens()
    {
        var tokenizer = Load(Llama3Style());
        Assert.Equal(SplitPatterns.Llama3, tokenizer.SplitPattern);
        Assert.Equal([300], tokenizer.TemplatePrefix);
        Assert.Empty(tokenizer.TemplateSuffix);
        Assert.Equal([300, 258], tokenizer.Encode(" the", addTemplateTokens: true));
        // Non-special added tokens are matched whatever the policy; special ones only when recognised.
        Assert.Equal([258, 302, 258], tokenizer.Encode(" the[NS] the", SpecialTokenPolicy.AsText));
        Assert.Equal([258, 301], tokenizer.Encode(" the<|eot_id|>", SpecialTokenPolicy.Recognize));
        Assert.Throws<DisallowedSpecialTokenException>(() => tokenizer.Encode(" the<|eot_id|>"));
        Assert.False(tokenizer.IsSpecial(302));
        Assert.Equal(" the", tokenizer.Decode([300, 258, 301], skipSpecialTokens: true));
        Assert.Equal("[NS]", tokenizer.Decode([302], skipSpecialTokens: true));

        var reloaded = Tokenizer.FromHuggingFaceJson(tokenizer.ToHuggingFaceJson());
        Assert.Equal([300], reloaded.TemplatePrefix);
        Assert.Equal(tokenizer.Encode(" the[NS] hello<|eot_id|>", SpecialTokenPolicy.Recognize, addTemplateTokens: true),
            reloaded.Encode(" the[NS] hello<|eot_id|>", SpecialTokenPolicy.Recognize, addTemplateTokens: true));
    }

    [Fact]
    public void Lstrip_and_rstrip_swallow_whitespace_around_an_added_token()
    {
        var json = Llama3Style();
        json["added_tokens"]![2]!["lstrip"] = true;
        json["added_tokens"]![2]!["rstrip"] = true;
        // rstrip also takes the space before "the", which then has no Ġ: t + he.
        Assert.Equal([258, 302, 116, 257], Load(json).Encode(" the  [NS]\t the"));
    }

    [Fact]
    public void Byte_level_byte_fallback_spells_a_missing_byte_character_as_its_utf8()
    {
        // Byte 0x00 is the character 'Ā' (C4 80) to the model; with it missing, Hugging Face falls
        // back to <0xC4> <0x80>.
        var json = Gpt2Style();
        var vocab = json["model"]!["vocab"]!.AsObject();
        vocab.Remove("Ā");
        vocab["<0xC4>"] = 400;
        vocab["<0x80>"] = 401;
        json["model"]!["byte_fallback"] = true;
        Assert.Equal(['a', 400, 401, 'b'], Load(json).Encode("a\0b"));
    }

    [Theory]
    [InlineData("normalizer", """{"type": "NFC"}""", "normalizer")]
    [InlineData("truncation", """{"max_length": 5}""", "truncation")]
    [InlineData("pre_tokenizer", """{"type": "Whitespace"}""", "pre_tokenizer.type")]
    [InlineData("pre_tokenizer", """{"type": "Split", "pattern": {"Regex": "a"}, "behavior": "Removed", "invert": false}""", "pre_tokenizer.behavior")]
    [InlineData("pre_tokenizer", "null", "pre_tokenizer")]
    [InlineData("decoder", """{"type": "WordPiece"}""", "decoder.type")]
    [InlineData("post_processor", """{"type": "Unknown"}""", "post_processor.type")]
    public void Unsupported_top_level_features_are_refused_naming_the_field(string property, string value, string field)
    {
        var json = Gpt2Style();
        json[property] = JsonNode.Parse(value);
        var error = Assert.Throws<TokenizerFormatException>(() => Load(json));
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("type", "\"WordPiece\"", "model.type")]
    [InlineData("dropout", "0.1", "model.dropout")]
    [InlineData("continuing_subword_prefix", "\"##\"", "model.continuing_subword_prefix")]
    [InlineData("end_of_word_suffix", "\"</w>\"", "model.end_of_word_suffix")]
    [InlineData("unk_token", "\"<unk>\"", "model.unk_token")]
    [InlineData("merges", """["Ġ zz"]""", "model.merges[0]")]
    [InlineData("merges", """["a b c"]""", "model.merges[0]")]
    public void Unsupported_or_broken_model_fields_are_refused_naming_the_field(string property, string value, string field)
    {
        var json = Gpt2Style();
        json["model"]![property] = JsonNode.Parse(value);
        var error = Assert.Throws<TokenizerFormatException>(() => Load(json));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Single_word_added_tokens_are_refused()
    {
        var json = Gpt2Style();
        json["added_tokens"]![0]!["single_word"] = true;
        Assert.Equal("added_tokens[0].single_word", Assert.Throws<TokenizerFormatException>(() => Load(json)).Field);
    }

    [Fact]
    public void Dropout_zero_is_accepted()
    {
        var json = Gpt2Style();
        json["model"]!["dropout"] = 0.0;
        Assert.Equal([258], Load(json).Encode(" the"));
    }
}
