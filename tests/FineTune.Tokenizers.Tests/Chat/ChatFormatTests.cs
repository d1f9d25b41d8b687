using FineTune.Tokenizers.Chat;

namespace FineTune.Tokenizers.Tests.Chat;

public class ChatFormatTests
{
    static readonly ChatMessage System = new("system", "You are terse.");
    static readonly ChatMessage User = new("user", "Hi");
    static readonly ChatMessage Reply = new("assistant", "Hello!");

    [Fact]
    public void ChatMl_RendersEachMessageAsATurn()
    {
        var text = ChatFormats.ChatMl.Render([System, User, Reply], addGenerationPrompt: false).Text;

        Assert.Equal(
            "<|im_start|>system\nYou are terse.<|im_end|>\n" +
            "<|im_start|>user\nHi<|im_end|>\n" +
            "<|im_start|>assistant\nHello!<|im_end|>\n", text);
    }

    [Fact]
    public void ChatMl_GenerationPrompt_OpensAnAssistantTurn()
    {
        var text = ChatFormats.ChatMl.Render([User], addGenerationPrompt: true).Text;

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", text);
    }

    [Fact]
    public void ChatMl_LeavesContentUntouched()
    {
        var text = ChatFormats.ChatMl.Render([new("user", " Hi \n"), new("assistant", "\nok ")], addGenerationPrompt: false).Text;

        Assert.Equal("<|im_start|>user\n Hi \n<|im_end|>\n<|im_start|>assistant\n\nok <|im_end|>\n", text);
    }

    [Fact]
    public void ChatMl_DefaultSystemMessage_OnlyWhenTheConversationHasNone()
    {
        var format = new ChatMlFormat("Be kind.");

        Assert.Equal(
            "<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n",
            format.Render([User, Reply], addGenerationPrompt: false).Text);
        Assert.Equal(
            "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n",
            format.Render([System, User, Reply], addGenerationPrompt: false).Text);
    }

    [Fact]
    public void Llama30_TrimsContent_AndPutsBosFirst()
    {
        var text = ChatFormats.Llama3.Render([new("system", " Be brief. "), new("user", "Hi\n"), new("assistant", "\t Hello! ")], addGenerationPrompt: false).Text;

        Assert.Equal(
            "<|begin_of_text|>" +
            "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>", text);
    }

    [Fact]
    public void Llama30_GenerationPrompt_OpensAnAssistantHeader()
    {
        var text = ChatFormats.Llama3.Render([User], addGenerationPrompt: true).Text;

        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void Llama31_AddsTheDateHeader_WithOrWithoutASystemMessage()
    {
        var format = new Llama3ChatFormat(todayDate: "26 Jul 2024");

        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n" +
            "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>",
            format.Render([User, Reply], addGenerationPrompt: false).Text);
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n" +
            "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nBe brief.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>",
            format.Render([new("system", "Be brief.\n"), User, Reply], addGenerationPrompt: false).Text);
    }

    [Fact]
    public void Llama3_Trim_RemovesWhatPythonStripRemoves()
    {
        // U+001C–U+001F are white space to Python's str.strip() but not to .NET's string.Trim().
        var text = ChatFormats.Llama3.Render([new("user", "\x1c\u00a0Hi\u2029\x1f"), Reply], addGenerationPrompt: false).Text;

        Assert.Contains("<|end_header_id|>\n\nHi<|eot_id|>", text);
    }

    [Fact]
    public void Segments_MarkOnlyTheAssistantsContentAndEndMarker_AsTrainable()
    {
        var rendered = ChatFormats.ChatMl.Render([User, Reply, new("user", "Again"), new("assistant", "Sure.")], addGenerationPrompt: false);

        Assert.Equal("Hello!<|im_end|>Sure.<|im_end|>", rendered.TrainableText);
        Assert.All(rendered.Segments.Where(s => s.Trainable), s => Assert.Equal("assistant", s.Role));
        Assert.Equal([1, 1, 3, 3], rendered.Segments.Where(s => s.Trainable).Select(s => s.MessageIndex));
    }

    [Fact]
    public void Llama3_TrainableText_IsTheTrimmedReplyAndEndOfTurn()
    {
        var rendered = new Llama3ChatFormat("26 Jul 2024").Render([System, User, new("assistant", " Hello! ")], addGenerationPrompt: false);

        Assert.Equal("Hello!<|eot_id|>", rendered.TrainableText);
    }

    [Theory]
    [InlineData("chatml")]
    [InlineData("llama3")]
    public void EmptyConversation_IsRefused(string formatName)
    {
        var error = Assert.Throws<InvalidChatException>(() => Format(formatName).Render([], addGenerationPrompt: false));
        Assert.Equal(-1, error.MessageIndex);
        Assert.Contains("empty", error.Message);
    }

    [Theory]
    [InlineData("chatml")]
    [InlineData("llama3")]
    public void UnknownRole_IsRefused_NamingTheMessage(string formatName)
    {
        var error = Assert.Throws<InvalidChatException>(() => Format(formatName).Render([User, new("bot", "x"), Reply], addGenerationPrompt: false));
        Assert.Equal(1, error.MessageIndex);
        Assert.Contains("Message 1", error.Message);
        Assert.Contains("'bot'", error.Message);
    }

    [Theory]
    [InlineData("chatml")]
    [InlineData("llama3")]
    public void TrainingExample_MustEndWithTheAssistant(string formatName)
    {
        var error = Assert.Throws<InvalidChatException>(() => Format(formatName).Render([User, Reply, User], addGenerationPrompt: false));
        Assert.Equal(2, error.MessageIndex);
        Assert.Contains("Message 2", error.Message);
    }

    [Fact]
    public void GenerationPrompt_AfterAnAssistantTurn_IsRefused()
    {
        var error = Assert.Throws<InvalidChatException>(() => ChatFormats.ChatMl.Render([User, Reply], addGenerationPrompt: true));
        Assert.Equal(1, error.MessageIndex);
    }

    [Fact]
    public void MissingContent_IsRefused_NamingTheMessage()
    {
        var error = Assert.Throws<InvalidChatException>(() => ChatFormats.ChatMl.Render([User, new("assistant", null!)], addGenerationPrompt: false));
        Assert.Equal(1, error.MessageIndex);
    }

    static IChatFormat Format(string name) => name == "chatml" ? ChatFormats.ChatMl : ChatFormats.Llama3;
}
