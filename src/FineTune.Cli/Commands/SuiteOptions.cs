using System.CommandLine;
using FineTune.Cli.Client;
using Spectre.Console;

namespace FineTune.Cli.Commands;

/// <summary>The gateway and API key every client command talks to the suite with, and how such a command reports the suite's refusals.</summary>
internal static class SuiteOptions
{
    public const string DefaultGateway = "http://localhost:8080/";

    public static readonly Option<string?> Gateway = new("--gateway")
    {
        Description = $"URL of the FineTune gateway (default: $FINETUNE_GATEWAY, else {DefaultGateway}).",
        Recursive = true,
    };

    public static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = "API key sent as 'Authorization: Bearer' (default: $FINETUNE_API_KEY).",
        Recursive = true,
    };

    public static SuiteClient Connect(ParseResult parse)
    {
        var url = parse.GetValue(Gateway) ?? Environment.GetEnvironmentVariable("FINETUNE_GATEWAY") ?? DefaultGateway;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--gateway: '{url}' is not an http:// or https:// URL.");
        return new SuiteClient(gateway, parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("FINETUNE_API_KEY"));
    }

    /// <summary>Runs a client command: the suite's refusals and a missing gateway end it with one line and exit code 1.</summary>
    public static Task<int> Run(ParseResult parse, IAnsiConsole console, Func<SuiteClient, Task<int>> action) => CommandErrors.Guard(async () =>
    {
        using var client = Connect(parse);
        try { return await action(client); }
        catch (Exception e) when (e is SuiteApiException or TimeoutException) { return CommandErrors.Fail(console, e.Message); }
    }, console);
}
