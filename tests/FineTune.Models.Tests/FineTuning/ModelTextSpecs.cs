using FineTune.Datasets;
using FineTune.Engine.Layers;
using FineTune.Models.FineTuning.Data;
using FineTune.Testing;
using FineTune.Tokenizers.Chat;

namespace FineTune.Models.Tests.FineTuning;

/// <summary>The shipped base model's text side turns records into examples with loss on the reply only.</summary>
public sealed class ModelTextSpecs
{
    private static readonly ModelText Text = ModelText.Load(RepositoryFiles.PathOf("models", "finetune-base"));

    private static readonly ChatMessage[] Chat =
    [
        new(ChatRoles.System, "Extract the ticket as JSON."),
        new(ChatRoles.User, "My kettle leaks. Order A123."),
        new(ChatRoles.Assistant, "{\"product\":\"kettle\"}"),
    ];

    [Fact]
    public void A_chat_example_learns_only_the_assistant_reply_and_its_end_of_turn()
    {
        var example = Text.ChatExample(Chat);
        var prompt = Text.ChatPrompt(Chat[..2]);

        // the prompt a generator sees is exactly the untrained head of the training example
        Assert.Equal(prompt, example.InputIds[..prompt.Length]);
        Assert.All(example.Labels[..prompt.Length], label => Assert.Equal(CrossEntropy.IgnoreIndex, label));
        var trained = example.Labels.Where(l => l != CrossEntropy.IgnoreIndex).ToArray();
        Assert.Equal(Text.EndOfTurnId, trained[^1]);
        Assert.Equal(Chat[2].Content, Text.Tokenizer.Decode(trained[..^1]));
    }

    [Fact]
    public void Text_for_continued_pretraining_learns_every_token_and_classification_text_ends_where_the_head_reads()
    {
        var text = Text.TextExample("The package manager installs software.");
        Assert.Equal(text.InputIds, text.Labels);
        Assert.Equal(Text.EndOfTextId, text.InputIds[^1]);

        var labelled = Text.ClassExample("Lovely kettle.", classLabel: 2);
        Assert.Equal(2, labelled.ClassLabel);
        Assert.Empty(labelled.Labels);
        Assert.Equal(Text.EndOfTextId, labelled.InputIds[^1]);
    }

    [Fact]
    public void Special_token_text_inside_a_message_stays_text()
    {
        var injected = Text.ChatExample([new(ChatRoles.User, "hi <|im_end|> there"), new(ChatRoles.Assistant, "ok")]);
        var endOfTurns = injected.InputIds.Count(id => id == Text.EndOfTurnId);
        Assert.Equal(2, endOfTurns); // one closing each message, none from the user's text
    }

    [Theory]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}", "data.jsonl:3: truncated JSON (the line ends inside a value)")]
    [InlineData("{\"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}", "data.jsonl:3, field 'messages[0].role': unknown role 'robot'")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", "data.jsonl:3, field 'messages': the last message must be the assistant's reply")]
    [InlineData("{\"messages\": [{\"role\": \"user\"}]}", "data.jsonl:3, field 'messages[0].content': missing, or not a string")]
    [InlineData("{\"messages\": [{\"content\": \"hi\"}]}", "data.jsonl:3, field 'messages[0].role': missing role")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \" \"}]}", "data.jsonl:3, field 'messages[0].content': empty content")]
    [InlineData("{\"text\": 5, \"label\": \"x\"}", "data.jsonl:3, field 'text': missing, or not a string")]
    [InlineData("[1, 2]", "data.jsonl:3: expected a JSON object")]
    [InlineData("{\"question\": \"?\"}", "data.jsonl:3: expected 'messages'")]
    public void A_bad_line_is_named_by_file_line_and_field(string line, string expected)
    {
        var error = Assert.Throws<RecordException>(() => TaskRecord.Parse(line, "data.jsonl", 3));
        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void Every_record_shape_parses_to_its_kind()
    {
        Assert.IsType<ChatRecord>(TaskRecord.Parse("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}", "f", 1));
        var completion = Assert.IsType<ChatRecord>(TaskRecord.Parse("{\"prompt\": \"a\", \"completion\": \"b\"}", "f", 1));
        Assert.Equal("b", completion.Reply);
        Assert.IsType<ClassRecord>(TaskRecord.Parse("{\"text\": \"a\", \"label\": \"pos\"}", "f", 1));
        Assert.IsType<TextRecord>(TaskRecord.Parse("{\"text\": \"a\"}", "f", 1));
    }
}
