using System.CommandLine;
using FineTune.Cli.Client;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary><c>finetune chat --model NAME [PROMPT]</c>: one streamed answer, or without a prompt a conversation until an empty line or end of input.</summary>
internal static class ChatCommand
{
    private static readonly Option<string> Model = new("--model") { Description = "A registered model (its production version), NAME:VERSION, or a base model (finetune-base).", Required = true };
    private static readonly Option<int> MaxTokens = new("--max-tokens") { Description = "Longest answer in tokens.", DefaultValueFactory = _ => 128 };
    private static readonly Option<string?> SystemMessage = new("--system") { Description = "A system message to start the conversation with." };
    private static readonly Argument<string?> Prompt = new("PROMPT") { Description = "Ask this once; leave out for a conversation.", Arity = ArgumentArity.ZeroOrOne };

    /// <param name="input">Where the conversation's lines come from (default: standard input).</param>
    public static Command Create(IAnsiConsole console, TextReader? input = null)
    {
        var command = new Command("chat", "Chat with a served model; the answer streams token by token.") { Model, MaxTokens, SystemMessage, Prompt };
        command.SetAction((parse, cancellationToken) => SuiteOptions.Run(parse, console, async client =>
        {
            var session = new ChatSession(client, console, parse.GetValue(Model)!, parse.GetValue(MaxTokens), parse.GetValue(SystemMessage));
            if (parse.GetValue(Prompt) is { Length: > 0 } prompt) await session.AskAsync(prompt, cancellationToken);
            else await session.ConverseAsync(input ?? Console.In, cancellationToken);
            return 0;
        }));
        return command;
    }
}
