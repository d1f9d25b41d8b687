using FineTune.Cli.Client;
using FineTune.Cli.Commands;
using Spectre.Console;

namespace FineTune.Cli.Tests;

public sealed class ChatSpecs(SuiteFixture fixture) : IClassFixture<SuiteFixture>
{
    private static readonly ChatTurn[] Question = [new("user", "How do I reset my password?")];

    [Fact]
    public async Task A_one_shot_chat_prints_the_models_answer()
    {
        using var client = fixture.Client();
        var expected = await client.ChatAsync("finetune-base", Question, maxTokens: 12);

        var (exit, output) = await fixture.RunAsync("chat", "--model", "finetune-base", "--max-tokens", "12", Question[0].Content);

        Assert.Equal(0, exit);
        Assert.False(string.IsNullOrWhiteSpace(expected));
        Assert.Contains(expected.Trim(), output);
    }

    [Fact]
    public async Task The_answer_arrives_as_a_stream_of_pieces_that_make_up_the_whole()
    {
        using var client = fixture.Client();
        var pieces = new List<string>();

        await foreach (var piece in client.StreamChatAsync("finetune-base", Question, maxTokens: 12)) pieces.Add(piece);

        Assert.True(pieces.Count > 1, $"expected several streamed pieces, got {pieces.Count}");
        Assert.Equal(await client.ChatAsync("finetune-base", Question, maxTokens: 12), string.Concat(pieces));
    }

    [Fact]
    public async Task A_conversation_keeps_every_turn_and_ends_at_an_empty_line()
    {
        using var client = fixture.Client();
        var output = new StringWriter();
        var session = new ChatSession(client, Console(output), "finetune-base", maxTokens: 6, system: "Answer briefly.");

        await session.ConverseAsync(new StringReader("Hello\nWhere is my order?\n\nnever asked\n"), CancellationToken.None);

        Assert.Equal(["system", "user", "assistant", "user", "assistant"], session.Turns.Select(t => t.Role));
        Assert.Equal("Where is my order?", session.Turns[3].Content);
        Assert.DoesNotContain(session.Turns, t => t.Content == "never asked");
        Assert.Contains($"finetune-base> {session.Turns[4].Content}", output.ToString());
    }

    [Fact]
    public async Task A_conversation_ends_at_the_end_of_input()
    {
        using var client = fixture.Client();
        var session = new ChatSession(client, Console(new StringWriter()), "finetune-base", maxTokens: 4);

        await session.ConverseAsync(new StringReader("Hi"), CancellationToken.None);

        Assert.Equal(2, session.Turns.Count);
    }

    private static IAnsiConsole Console(StringWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = AnsiSupport.No,
        Interactive = InteractionSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
    });
}
