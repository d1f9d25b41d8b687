using FineTune.Cli.Client;
using FineTune.Cli.Suite;
using FineTune.Testing;

namespace FineTune.Cli.Tests;

/// <summary>
/// A real suite — every service and the gateway, in this process — shared by one test class, with
/// evaluation cut down (a few test examples, short replies) so a tiny job is judged in seconds.
/// </summary>
public sealed class SuiteFixture : IAsyncLifetime
{
    private readonly TempDirectory _work = new("cli-suite");
    private EmbeddedSuite? _suite;

    public EmbeddedSuite Suite => _suite ?? throw new InvalidOperationException("The suite has not started.");

    public async Task InitializeAsync() => _suite = await EmbeddedSuite.StartAsync(new EmbeddedSuiteOptions
    {
        StoreFolder = Path.Combine(_work.Path, "store"),
        Settings = new Dictionary<string, string?>
        {
            ["Evaluation:TestLimit"] = "2",
            ["Evaluation:FewShot"] = "1",
            ["Evaluation:MaxNewTokens"] = "4",
            ["Evaluation:ForgettingWindows"] = "2",
            ["Training:ProgressEvery"] = "1",
            // a running job notices a cancel at its next heartbeat, a third of the lease
            ["Training:Lease"] = "00:00:03",
        },
    });

    public async Task DisposeAsync()
    {
        if (_suite is not null) await _suite.DisposeAsync();
        _work.Dispose();
    }

    public SuiteClient Client() => new(Suite.GatewayUrl, Suite.ApiKey);

    /// <summary>Runs the CLI against this suite; returns the exit code and everything it printed.</summary>
    public async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var exit = await CliRunner.Run(output, [.. args, "--gateway", Suite.GatewayUrl.ToString(), "--api-key", Suite.ApiKey]);
        return (exit, output.ToString());
    }

    public static string SampleData => RepositoryFiles.PathOf("samples", "support-chat.jsonl");

    /// <summary>The bundled sample uploaded and curated as <paramref name="dataset"/> (the same version when asked again).</summary>
    public async Task<DatasetVersion> CurateSampleAsync(string dataset)
    {
        using var client = Client();
        await using var content = File.OpenRead(SampleData);
        var file = await client.UploadFileAsync(content, "support-chat.jsonl");
        return await client.CurateAsync(dataset, [file.Id]);
    }

    /// <summary>A job small enough to train in seconds.</summary>
    public static JobRequest TinyJob(DatasetVersion dataset, string suffix, int maxSteps = 2) => new()
    {
        TrainingFile = dataset.Id,
        Suffix = suffix,
        Epochs = 1,
        MaxSteps = maxSteps,
        BatchSize = 4,
    };

    /// <summary>Polls until <paramref name="condition"/> holds; a minute without it fails the test rather than hanging it.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("The suite did not reach the expected state within a minute.");
    }
}
