using FineTune.Tokenizers.Chat;
using FineTune.Tokenizers.Config;

namespace FineTune.Tokenizers.Tests.Chat;

public class ChatFormatDetectionTests
{
    static IChatFormat Detect(string? template, string model = "org/model", string? bos = null) =>
        ChatFormats.Detect(new TokenizerConfig { ChatTemplate = template, BosToken = bos }, model);

    [Fact]
    public void Qwen25_IsChatMl_WithQwensDefaultSystemMessage()
    {
        var format = Assert.IsType<ChatMlFormat>(Detect(Templates.Qwen25));

        Assert.Equal("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.", format.DefaultSystemMessage);
        Assert.Equal(
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            format.Render([new("user", "Hi")], addGenerationPrompt: true).Text);
    }

    [Fact]
    public void SmolLm2_IsChatMl_WithSmolLmsDefaultSystemMessage()
    {
        var format = Assert.IsType<ChatMlFormat>(Detect(Templates.SmolLm2));

        Assert.Equal("You are a helpful AI assistant named SmolLM, trained by Hugging Face", format.DefaultSystemMessage);
    }

    [Fact]
    public void PlainChatMl_HasNoDefaultSystemMessage()
    {
        var format = Assert.IsType<ChatMlFormat>(Detect(Templates.PlainChatMl));

        Assert.Null(format.DefaultSystemMessage);
        Assert.Equal("chatml", format.Name);
    }

    [Fact]
    public void Llama30_IsLlama3_WithoutADate()
    {
        var format = Assert.IsType<Llama3ChatFormat>(Detect(Templates.Llama30, bos: "<|begin_of_text|>"));

        Assert.Null(format.TodayDate);
        Assert.Equal("llama3", format.Name);
    }

    [Fact]
    public void Llama31_IsLlama3_WithTheTemplatesFallbackDate()
    {
        var format = Assert.IsType<Llama3ChatFormat>(Detect(Templates.Llama31));

        Assert.Equal("26 Jul 2024", format.TodayDate);
        Assert.StartsWith(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>",
            format.Render([new("user", "Hi")], addGenerationPrompt: true).Text);
    }

    [Fact]
    public void Llama3_UsesTheConfigsBosToken()
    {
        var format = Assert.IsType<Llama3ChatFormat>(Detect(Templates.Llama30, bos: "<|bos|>"));

        Assert.StartsWith("<|bos|><|start_header_id|>", format.Render([new("user", "Hi")], addGenerationPrompt: true).Text);
        Assert.Contains("<|bos|>", format.SpecialTokens);
    }

    [Fact]
    public void NoTemplate_IsUnsupported_NamingTheModel()
    {
        var error = Assert.Throws<UnsupportedChatTemplateException>(() => Detect(null, model: "HuggingFaceTB/SmolLM2-135M"));

        Assert.Equal("HuggingFaceTB/SmolLM2-135M", error.ModelName);
        Assert.Contains("'HuggingFaceTB/SmolLM2-135M'", error.Message);
        Assert.Contains("no chat template", error.Message);
    }

    [Fact]
    public void NamedTemplatesWithoutDefault_AreListedInTheError()
    {
        var config = new TokenizerConfig { NamedChatTemplates = new Dictionary<string, string> { ["tool_use"] = "x", ["rag"] = "y" } };

        var error = Assert.Throws<UnsupportedChatTemplateException>(() => ChatFormats.Detect(config, "m"));
        Assert.Contains("'tool_use', 'rag'", error.Message);
    }

    [Fact]
    public void UnknownTemplate_IsUnsupported_QuotingItsBeginning()
    {
        var error = Assert.Throws<UnsupportedChatTemplateException>(() => Detect(Templates.Mistral, model: "mistralai/Mistral-7B-Instruct-v0.2"));

        Assert.Contains("'mistralai/Mistral-7B-Instruct-v0.2'", error.Message);
        Assert.Contains("{{ bos_token }}{% for message in messages %}", error.Message);
        Assert.Equal(UnsupportedChatTemplateException.QuotedLength + 1, error.TemplateStart!.Length);
    }

    [Fact]
    public void ChatMlWithReasoningBlocks_IsUnsupported()
    {
        var error = Assert.Throws<UnsupportedChatTemplateException>(() => Detect(Templates.ChatMlWithThinking, model: "Qwen/Qwen3-0.6B"));

        Assert.Contains("<think>", error.Message);
        Assert.Contains("'Qwen/Qwen3-0.6B'", error.Message);
    }

    [Fact]
    public void ChatMlWithAComputedDefaultSystemMessage_IsUnsupported()
    {
        const string template = "{{ '<|im_start|>system\\nYou are ' + model_name + '.<|im_end|>\\n' }}" +
            "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}";

        var error = Assert.Throws<UnsupportedChatTemplateException>(() => Detect(template));
        Assert.Contains("expression", error.Message);
    }

    [Fact]
    public void DefaultSystemMessage_UnescapesJinjaStringEscapes()
    {
        const string template = "{{ \"<|im_start|>system\\nYou're \\\"kind\\\".\\nReally.<|im_end|>\\n\" }}" +
            "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}";

        var format = Assert.IsType<ChatMlFormat>(Detect(template));
        Assert.Equal("You're \"kind\".\nReally.", format.DefaultSystemMessage);
    }

    [Fact]
    public void MixedMarkers_AreUnsupported()
    {
        Assert.Throws<UnsupportedChatTemplateException>(() => Detect("<|im_start|> <|start_header_id|>"));
    }
}
