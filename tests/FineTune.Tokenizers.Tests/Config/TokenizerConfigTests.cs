using System.Text.Json.Nodes;
using FineTune.Testing;
using FineTune.Tokenizers.Config;

namespace FineTune.Tokenizers.Tests.Config;

public class TokenizerConfigTests
{
    // Shaped like Llama 3.1's file: plain-string tokens, a long field this type ignores, and a template.
    const string LlamaStyle = """
        {
          "added_tokens_decoder": {
            "128000": { "content": "<|begin_of_text|>", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false, "special": true }
          },
          "bos_token": "<|begin_of_text|>",
          "chat_template": "{{- bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n{{ m['content'] | trim }}<|eot_id|>{% endfor %}",
          "clean_up_tokenization_spaces": true,
          "eos_token": "<|eot_id|>",
          "model_input_names": ["input_ids", "attention_mask"],
          "model_max_length": 131072,
          "tokenizer_class": "PreTrainedTokenizerFast"
        }
        """;

    // Shaped like an older SentencePiece-era file: AddedToken objects, null pad, the "no limit" length.
    const string AddedTokenStyle = """
        {
          "add_bos_token": true,
          "add_eos_token": false,
          "bos_token": { "__type": "AddedToken", "content": "<s>", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false },
          "eos_token": { "__type": "AddedToken", "content": "</s>", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false },
          "pad_token": null,
          "unk_token": { "__type": "AddedToken", "content": "<unk>", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false },
          "model_max_length": 1000000000000000019884624838656,
          "clean_up_tokenization_spaces": false
        }
        """;

    [Fact]
    public void Parse_ReadsStringTokensAndTheTemplate()
    {
        var config = TokenizerConfig.Parse(LlamaStyle, "llama/tokenizer_config.json");

        Assert.Equal("<|begin_of_text|>", config.BosToken);
        Assert.Equal("<|eot_id|>", config.EosToken);
        Assert.Null(config.PadToken);
        Assert.Null(config.AddBosToken);
        Assert.Equal(131072, config.ModelMaxLength);
        Assert.True(config.CleanUpTokenizationSpaces);
        Assert.StartsWith("{{- bos_token }}", config.ChatTemplate);
        Assert.Contains("<|end_header_id|>\n\n", config.ChatTemplate);
        Assert.Equal(["added_tokens_decoder", "model_input_names", "tokenizer_class"], config.OtherFields.Keys);
    }

    [Fact]
    public void Parse_ReadsAddedTokenObjects_AndTheNoLimitPlaceholder()
    {
        var config = TokenizerConfig.Parse(AddedTokenStyle, "old/tokenizer_config.json");

        Assert.Equal("<s>", config.BosToken);
        Assert.Equal("</s>", config.EosToken);
        Assert.Equal("<unk>", config.UnkToken);
        Assert.Null(config.PadToken);
        Assert.True(config.AddBosToken);
        Assert.False(config.AddEosToken);
        Assert.Null(config.ModelMaxLength);
        Assert.False(config.CleanUpTokenizationSpaces);
        Assert.Null(config.ChatTemplate);
    }

    [Fact]
    public void Parse_TakesTheDefaultOfNamedTemplates()
    {
        const string json = """
            { "chat_template": [ { "name": "default", "template": "A" }, { "name": "tool_use", "template": "B" } ] }
            """;
        var config = TokenizerConfig.Parse(json, "t.json");

        Assert.Equal("A", config.ChatTemplate);
        Assert.Equal("B", config.NamedChatTemplates["tool_use"]);
        Assert.Equal(2, config.NamedChatTemplates.Count);
    }

    [Theory]
    [InlineData("""{ "bos_token": 5 }""", "bos_token", "the number 5")]
    [InlineData("""{ "eos_token": { "lstrip": false } }""", "eos_token", "content")]
    [InlineData("""{ "add_bos_token": "yes" }""", "add_bos_token", "a string")]
    [InlineData("""{ "model_max_length": -1 }""", "model_max_length", "positive whole number")]
    [InlineData("""{ "model_max_length": 2048.5 }""", "model_max_length", "positive whole number")]
    [InlineData("""{ "chat_template": 7 }""", "chat_template", "template string")]
    [InlineData("""{ "chat_template": [ { "name": "default", "template": "A" }, { "name": "x" } ] }""", "chat_template[1]", "'name' and 'template'")]
    [InlineData("""{ "chat_template": [ { "name": "a", "template": "A" }, { "name": "a", "template": "B" } ] }""", "chat_template[1]", "repeats")]
    public void Parse_NamesTheFileAndField_OfAWrongValue(string json, string field, string detail)
    {
        var error = Assert.Throws<TokenizerConfigException>(() => TokenizerConfig.Parse(json, "models/x/tokenizer_config.json"));

        Assert.Equal(field, error.Field);
        Assert.Equal("models/x/tokenizer_config.json", error.ConfigSource);
        Assert.Contains("models/x/tokenizer_config.json", error.Message);
        Assert.Contains($"'{field}'", error.Message);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void Parse_ReportsWhereTheJsonBreaks()
    {
        var error = Assert.Throws<TokenizerConfigException>(() => TokenizerConfig.Parse("{\n  \"bos_token\": \"<s>\",\n  oops\n}", "bad.json"));

        Assert.Null(error.Field);
        Assert.StartsWith("bad.json: is not valid JSON (line 3", error.Message);
    }

    [Fact]
    public void Parse_RefusesAJsonThatIsNotAnObject()
    {
        var error = Assert.Throws<TokenizerConfigException>(() => TokenizerConfig.Parse("[1, 2]", "list.json"));
        Assert.Contains("an array", error.Message);
    }

    [Theory]
    [InlineData(LlamaStyle)]
    [InlineData(AddedTokenStyle)]
    [InlineData("""{ "chat_template": [ { "name": "default", "template": "A" }, { "name": "rag", "template": "<|im_start|>\n" } ] }""")]
    public void ToJson_RoundTrips(string json)
    {
        var config = TokenizerConfig.Parse(json, "in.json");
        var again = TokenizerConfig.Parse(config.ToJson(), "out.json");

        Assert.Equal(config.BosToken, again.BosToken);
        Assert.Equal(config.EosToken, again.EosToken);
        Assert.Equal(config.PadToken, again.PadToken);
        Assert.Equal(config.UnkToken, again.UnkToken);
        Assert.Equal(config.AddBosToken, again.AddBosToken);
        Assert.Equal(config.AddEosToken, again.AddEosToken);
        Assert.Equal(config.ModelMaxLength, again.ModelMaxLength);
        Assert.Equal(config.CleanUpTokenizationSpaces, again.CleanUpTokenizationSpaces);
        Assert.Equal(config.ChatTemplate, again.ChatTemplate);
        Assert.Equal(config.NamedChatTemplates, again.NamedChatTemplates);
        Assert.Equal(config.OtherFields.Keys, again.OtherFields.Keys);
        foreach (var (name, value) in config.OtherFields)
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(value.GetRawText()), JsonNode.Parse(again.OtherFields[name].GetRawText())), name);
    }

    [Fact]
    public void ToJson_WritesSpecialTokensReadably()
    {
        var json = new TokenizerConfig { BosToken = "<|im_start|>", AddBosToken = false }.ToJson();

        Assert.Contains("\"bos_token\": \"<|im_start|>\"", json);
        Assert.Contains("\"add_bos_token\": false", json);
        Assert.DoesNotContain("eos_token", json);
    }

    [Fact]
    public void Read_TakesTheTemplateFromChatTemplateJinja_WhenTheConfigHasNone()
    {
        using var folder = new TempDirectory("tokenizer-config");
        var path = Path.Combine(folder.Path, TokenizerConfig.FileName);
        File.WriteAllText(path, """{ "eos_token": "<|im_end|>" }""");
        File.WriteAllText(Path.Combine(folder.Path, TokenizerConfig.ChatTemplateFileName), "{{ '<|im_start|>' }}");

        Assert.Equal("{{ '<|im_start|>' }}", TokenizerConfig.Read(path).ChatTemplate);

        File.WriteAllText(path, """{ "chat_template": "own" }""");
        Assert.Equal("own", TokenizerConfig.Read(path).ChatTemplate);
    }

    [Fact]
    public void Read_NamesThePathInErrors()
    {
        using var folder = new TempDirectory("tokenizer-config");
        var path = Path.Combine(folder.Path, TokenizerConfig.FileName);
        File.WriteAllText(path, """{ "pad_token": [] }""");

        var error = Assert.Throws<TokenizerConfigException>(() => TokenizerConfig.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Equal("pad_token", error.Field);
    }
}
