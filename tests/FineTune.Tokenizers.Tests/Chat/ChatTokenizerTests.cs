using FineTune.Tokenizers.Chat;

namespace FineTune.Tokenizers.Tests.Chat;

public class ChatTokenizerTests
{
    /// <summary>A stand-in vocabulary: each character is one token (id = 1000 + code), specials from a table.</summary>
    sealed class CharVocabulary
    {
        public readonly List<string> EncodedRuns = [];
        readonly Dictionary<string, int> specials = new()
        {
            ["<|im_start|>"] = 1, ["<|im_end|>"] = 2,
            ["<|begin_of_text|>"] = 3, ["<|start_header_id|>"] = 4, ["<|end_header_id|>"] = 5, ["<|eot_id|>"] = 6,
        };

        public IReadOnlyList<int> Encode(string text)
        {
            EncodedRuns.Add(text);
            return [.. text.Select(c => 1000 + c)];
        }

        public int Special(string token) => specials[token];
    }

    [Fact]
    public void ChatMl_MaskCoversExactlyTheReplyAndItsEndMarker()
    {
        var vocabulary = new CharVocabulary();
        var rendered = ChatFormats.ChatMl.Render([new("user", "Hi"), new("assistant", "Yo")], addGenerationPrompt: false);

        var tokens = ChatTokenizer.Tokenize(rendered, vocabulary.Encode, vocabulary.Special);

        // <|im_start|> u s e r \n H i <|im_end|> \n   <|im_start|> a s s i s t a n t \n   Y o <|im_end|>   \n
        int[] ids =
        [
            1, 1000 + 'u', 1000 + 's', 1000 + 'e', 1000 + 'r', 1000 + '\n', 1000 + 'H', 1000 + 'i', 2, 1000 + '\n',
            1, 1000 + 'a', 1000 + 's', 1000 + 's', 1000 + 'i', 1000 + 's', 1000 + 't', 1000 + 'a', 1000 + 'n', 1000 + 't', 1000 + '\n',
            1000 + 'Y', 1000 + 'o', 2,
            1000 + '\n',
        ];
        bool[] mask = [.. Enumerable.Repeat(false, 21), true, true, true, false];
        Assert.Equal(ids, tokens.InputIds);
        Assert.Equal(mask, tokens.Trainable);
        Assert.Equal([.. Enumerable.Repeat(-100, 21), 1000 + 'Y', 1000 + 'o', 2, -100], tokens.Labels);
    }

    [Fact]
    public void TextRuns_AreEncodedWhole_ButNeverAcrossTheReplyBoundary()
    {
        var vocabulary = new CharVocabulary();
        var rendered = ChatFormats.Llama3.Render([new("user", "Hi"), new("assistant", "Yo")], addGenerationPrompt: false);

        ChatTokenizer.Tokenize(rendered, vocabulary.Encode, vocabulary.Special);

        // "\n\n" + user content is one run (both context); the assistant's "\n\n" and "Yo" are not.
        Assert.Equal(["user", "\n\nHi", "assistant", "\n\n", "Yo"], vocabulary.EncodedRuns);
    }

    [Fact]
    public void Llama3_MultiTurn_MasksEveryAssistantTurn()
    {
        var vocabulary = new CharVocabulary();
        var rendered = ChatFormats.Llama3.Render(
            [new("system", "S"), new("user", "A"), new("assistant", "B"), new("user", "C"), new("assistant", "D")],
            addGenerationPrompt: false);

        var tokens = ChatTokenizer.Tokenize(rendered, vocabulary.Encode, vocabulary.Special);

        var trainedIds = tokens.InputIds.Where((_, i) => tokens.Trainable[i]);
        Assert.Equal([1000 + 'B', 6, 1000 + 'D', 6], trainedIds);
        Assert.Equal(tokens.Count, tokens.Labels.Length);
        Assert.Equal(3, tokens.InputIds[0]);
    }

    [Fact]
    public void AMissingSpecialToken_IsReported()
    {
        var rendered = ChatFormats.ChatMl.Render([new("user", "Hi"), new("assistant", "Yo")], addGenerationPrompt: false);

        var error = Assert.Throws<InvalidOperationException>(() => ChatTokenizer.Tokenize(rendered, t => [0], _ => -1));
        Assert.Contains("<|im_start|>", error.Message);
    }
}
