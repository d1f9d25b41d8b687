using System.CommandLine;
using FineTune.Cli.Pretraining;
using FineTune.Models.Training;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary><c>finetune perplexity</c>: how well a model predicts a text, on evenly spaced windows of it.</summary>
internal static class PerplexityCommand
{
    private static readonly Option<string> Model = new("--model") { Description = "Hugging Face model folder (config.json, model.safetensors, tokenizer.json).", Required = true };
    private static readonly Option<FileInfo> Text = new("--text") { Description = "UTF-8 text to score.", Required = true };
    private static readonly Option<int> Sequence = new("--seq") { Description = "Tokens per window.", DefaultValueFactory = _ => 128 };
    private static readonly Option<int> Windows = new("--windows") { Description = "Evenly spaced windows to score (a multiple of 8).", DefaultValueFactory = _ => 256 };

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("perplexity", "Score a text with a model: mean next-token loss and perplexity.") { Model, Text, Sequence, Windows };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(() => Task.FromResult(Execute(parse, console)), console));
        return command;
    }

    private static int Execute(ParseResult parse, IAnsiConsole console)
    {
        var folder = parse.GetValue(Model)!;
        var text = parse.GetValue(Text)!;
        if (!text.Exists) return CommandErrors.Fail(console, $"text file '{text.FullName}' does not exist (--text).");
        var (model, tokenizer) = BaseModelFiles.Load(folder);
        var ids = CorpusText.Tokenize(text.FullName, tokenizer);
        var windows = parse.GetValue(Windows);
        var loss = Pretrainer.Evaluate(model, new TokenWindows(ids, parse.GetValue(Sequence)), batchSize: 8, windows);
        console.MarkupLineInterpolated($"{text.Name}: {ids.Length:N0} tokens, {windows} windows of {parse.GetValue(Sequence)}: loss {loss:F4}, perplexity [bold]{Math.Exp(loss):F2}[/]");
        return 0;
    }
}
