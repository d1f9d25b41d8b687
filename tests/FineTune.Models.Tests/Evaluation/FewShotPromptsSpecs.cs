using FineTune.Datasets;
using FineTune.Models.Evaluation;
using FineTune.Tokenizers.Chat;

namespace FineTune.Models.Tests.Evaluation;

public sealed class FewShotPromptsSpecs
{
    private static ChatRecord Record(int line, string question, string answer, string? system = null) =>
        new(line, [
            .. system is null ? Array.Empty<ChatMessage>() : [new ChatMessage(ChatRoles.System, system)],
            new ChatMessage(ChatRoles.User, question),
            new ChatMessage(ChatRoles.Assistant, answer),
        ]);

    private static readonly ChatRecord[] Pool = [.. Enumerable.Range(1, 6).Select(i => Record(i, $"question {i}", $"answer {i}", system: "pool system"))];

    private static readonly ChatRecord Target = Record(100, "target question", "target answer", system: "Answer briefly.");

    [Fact]
    public void A_prompt_is_the_system_message_then_k_solved_examples_then_the_question()
    {
        var messages = FewShotPrompts.Build(Target, Pool, k: 2, seed: 7);

        Assert.Equal(6, messages.Count);
        Assert.Equal(new ChatMessage(ChatRoles.System, "Answer briefly."), messages[0]);
        Assert.Equal([ChatRoles.User, ChatRoles.Assistant, ChatRoles.User, ChatRoles.Assistant], messages.Skip(1).Take(4).Select(m => m.Role));
        for (var shot = 0; shot < 2; shot++)
        {
            // each shot's answer belongs to its question
            var question = messages[1 + 2 * shot].Content;
            Assert.Equal(question.Replace("question", "answer"), messages[2 + 2 * shot].Content);
        }
        Assert.Equal(new ChatMessage(ChatRoles.User, "target question"), messages[^1]);
        Assert.DoesNotContain(messages, m => m.Content == "target answer" || m.Content == "pool system");
    }

    [Fact]
    public void The_same_seed_picks_the_same_shots_and_other_seeds_pick_others()
    {
        static string Shots(int seed) => string.Join("|", FewShotPrompts.Build(Target, Pool, k: 3, seed).Select(m => m.Content));

        Assert.Equal(Shots(11), Shots(11));
        Assert.True(Enumerable.Range(0, 10).Select(Shots).Distinct().Count() > 1, "ten seeds all chose the same shots");
    }

    [Fact]
    public void A_record_in_the_pool_is_never_its_own_shot()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            foreach (var record in Pool)
            {
                // a copy with equal messages is the same conversation too
                var copy = record with { Line = 999, Messages = [.. record.Messages] };
                var messages = FewShotPrompts.Build(copy, Pool, k: Pool.Length - 1, seed);
                Assert.Single(messages, m => m.Content == record.Messages[1].Content);
                Assert.DoesNotContain(messages, m => m.Content == record.Reply);
            }
        }
    }

    [Fact]
    public void Zero_shots_leave_the_records_own_prompt_and_a_record_without_system_message_starts_with_a_shot()
    {
        var plain = Record(5, "plain question", "plain answer");
        Assert.Equal(Target.Prompt, FewShotPrompts.Build(Target, Pool, k: 0, seed: 1));
        Assert.Equal(ChatRoles.User, FewShotPrompts.Build(plain, Pool, k: 1, seed: 1)[0].Role);
    }

    [Fact]
    public void Asking_for_more_shots_than_the_pool_holds_besides_the_record_names_both_counts()
    {
        var error = Assert.Throws<ArgumentException>(() => FewShotPrompts.Build(Pool[0], Pool, k: 6, seed: 0));
        Assert.Contains("k = 6", error.Message);
        Assert.Contains("only 5", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => FewShotPrompts.Build(Target, Pool, k: -1, seed: 0));
    }
}
