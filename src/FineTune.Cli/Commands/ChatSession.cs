using System.Text;
using FineTune.Cli.Client;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary>A conversation with one model: every question is sent with the turns before it, and the answer is written as it streams.</summary>
internal sealed class ChatSession(SuiteClient client, IAnsiConsole console, string model, int maxTokens, string? system = null)
{
    private readonly List<ChatTurn> _turns = system is null ? [] : [new ChatTurn("system", system)];

    public IReadOnlyList<ChatTurn> Turns => _turns;

    public async Task<string> AskAsync(string question, CancellationToken cancellationToken)
    {
        _turns.Add(new ChatTurn("user", question));
        var answer = new StringBuilder();
        await foreach (var piece in client.StreamChatAsync(model, _turns, maxTokens, cancellationToken))
        {
            console.Write(piece);
            answer.Append(piece);
        }
        console.WriteLine();
        _turns.Add(new ChatTurn("assistant", answer.ToString()));
        return answer.ToString();
    }

    /// <summary>Asks every line read until an empty one or the end of input (Ctrl+D).</summary>
    public async Task ConverseAsync(TextReader input, CancellationToken cancellationToken)
    {
        console.MarkupLineInterpolated($"[grey]chatting with {model}; an empty line or Ctrl+D ends[/]");
        while (true)
        {
            console.Markup("[bold]you>[/] ");
            if (await input.ReadLineAsync(cancellationToken) is not { Length: > 0 } line) return;
            console.Markup($"[bold]{Markup.Escape(model)}>[/] ");
            await AskAsync(line, cancellationToken);
        }
    }
}
