using FineTune.Curation;
using FineTune.Curation.Extensions;
using FineTune.Curation.Files;
using FineTune.Curation.Pipeline;
using FineTune.Curation.Versions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FineTune.Cli.Curation;

/// <summary>
/// The curation service's own modules hosted inside the CLI — the embedded default: MassTransit's
/// in-memory bus, the artifact store the CLI was pointed at — so <c>finetune curate</c> does exactly
/// what <c>POST /v1/files</c> and <c>POST /api/datasets/{name}/versions</c> do on a server.
/// </summary>
internal sealed class EmbeddedCuration : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedCuration(IHost host) => _host = host;

    public static async Task<EmbeddedCuration> StartAsync(string? storePath, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders(); // the CLI shows progress itself
        if (storePath is not null) builder.Configuration.AddInMemoryCollection([new("Storage:Path", storePath)]);
        builder.AddCurationServices();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new EmbeddedCuration(host);
    }

    public string StoreDescription => _host.Services.GetRequiredService<FineTune.Storage.Artifacts.IArtifactStore>().Description;

    /// <summary>Stores the file as an upload (like <c>POST /v1/files</c>) and returns its id.</summary>
    public async Task<StoredFile> UploadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var files = _host.Services.GetRequiredService<FileStore>();
        var id = FileStore.NewId();
        await using var content = file.OpenRead();
        var stored = await files.PutContentAsync(id, content, cancellationToken);
        return await files.PublishAsync(id, file.Name, "fine-tune", stored, null, cancellationToken);
    }

    public async Task<(DatasetManifest Manifest, CurationReport Report)> CurateAsync(string dataset, string fileId, CurationOptions options,
        IProgress<CurationProgress> progress, CancellationToken cancellationToken)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var (manifest, _) = await scope.ServiceProvider.GetRequiredService<DatasetCurator>().CurateAsync(dataset, [fileId], options, progress: progress, cancellationToken: cancellationToken);
        var report = await scope.ServiceProvider.GetRequiredService<DatasetVersionStore>().ReadJsonAsync<CurationReport>(manifest.Report, cancellationToken);
        return (manifest, report);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
