using System.CommandLine;
using FineTune.Cli.Terminal;
using FineTune.Storage.Artifacts;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary><c>finetune artifacts list|put|get|rm</c>: look into the artifact store the pipeline uses.</summary>
internal static class ArtifactsCommand
{
    private static readonly Argument<string> Key = new("key") { Description = "Artifact key, e.g. datasets/support/v1/train.jsonl" };
    private static readonly Argument<string> Prefix = new("prefix") { Description = "Key prefix", DefaultValueFactory = _ => "" };
    private static readonly Argument<FileInfo> File = new("file") { Description = "Local file" };
    private static readonly Option<FileInfo?> Output = new("--output", "-o") { Description = "Write here instead of standard output" };

    public static Command Create(IAnsiConsole console)
    {
        var list = new Command("list", "List artifacts under a prefix.") { Prefix };
        list.SetAction((parse, ct) => CommandErrors.Guard(() => ListAsync(parse, console, ct), console));
        var put = new Command("put", "Store a file under a key.") { Key, File };
        put.SetAction((parse, ct) => CommandErrors.Guard(() => PutAsync(parse, console, ct), console));
        var get = new Command("get", "Read an artifact.") { Key, Output };
        get.SetAction((parse, ct) => CommandErrors.Guard(() => GetAsync(parse, console, ct), console));
        var remove = new Command("rm", "Delete an artifact.") { Key };
        remove.SetAction((parse, ct) => CommandErrors.Guard(() => RemoveAsync(parse, console, ct), console));
        return new Command("artifacts", "Browse and move artifacts in the store.") { list, put, get, remove };
    }

    private static async Task<int> ListAsync(ParseResult parse, IAnsiConsole console, CancellationToken ct)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("key", "bytes", "sha256", "modified");
        var count = 0;
        await foreach (var item in CliOptions.OpenStore(parse).ListAsync(parse.GetValue(Prefix)!, ct))
        {
            table.AddRow(Markup.Escape(item.Key), item.Length.ToString("N0"), item.Sha256[..12], item.LastModified.ToString("u"));
            count++;
        }
        console.Write(table);
        console.MarkupLineInterpolated($"{count} artifact(s)");
        return 0;
    }

    private static async Task<int> PutAsync(ParseResult parse, IAnsiConsole console, CancellationToken ct)
    {
        var file = parse.GetValue(File)!;
        if (!file.Exists) return CommandErrors.Fail(console, $"file '{file.FullName}' does not exist.");
        var info = await Transfer.UploadAsync(console, CliOptions.OpenStore(parse), parse.GetValue(Key)!, file, ct);
        console.MarkupLineInterpolated($"[green]stored[/] {info.Key} ({info.Length:N0} bytes, sha256 {info.Sha256})");
        return 0;
    }

    private static async Task<int> GetAsync(ParseResult parse, IAnsiConsole console, CancellationToken ct)
    {
        var store = CliOptions.OpenStore(parse);
        var output = parse.GetValue(Output);
        if (output is null)
        {
            await using var artifact = await store.GetAsync(parse.GetValue(Key)!, cancellationToken: ct);
            await using var stdout = Console.OpenStandardOutput();
            await artifact.Content.CopyToAsync(stdout, ct);
            return 0;
        }
        await using (var target = output.Create())
            await Transfer.DownloadAsync(console, store, parse.GetValue(Key)!, target, ct);
        console.MarkupLineInterpolated($"[green]wrote[/] {output.FullName}");
        return 0;
    }

    private static async Task<int> RemoveAsync(ParseResult parse, IAnsiConsole console, CancellationToken ct)
    {
        var key = parse.GetValue(Key)!;
        if (!await CliOptions.OpenStore(parse).DeleteAsync(key, cancellationToken: ct)) return CommandErrors.Fail(console, $"artifact '{key}' does not exist.");
        console.MarkupLineInterpolated($"[green]deleted[/] {key}");
        return 0;
    }
}
