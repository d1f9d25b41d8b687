using System.Diagnostics;

namespace FineTune.LocalServers;

/// <summary>Azurite's blob service (npm package <c>azurite</c>, installed project-locally under <c>.tools/</c>).</summary>
public sealed class AzuriteServer(string? dataRoot = null) : LocalServer("azurite", dataRoot)
{
    /// <summary>Azurite's well-known development account (public, the same in every Azurite).</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string Executable { get; init; } = ToolLocator.NodeTool("azurite-blob");

    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{AccountName}";

    /// <summary>An Azure Storage connection string, as Aspire passes in <c>ConnectionStrings__artifacts</c>.</summary>
    public override string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    protected override ProcessStartInfo CreateStartInfo()
    {
        var start = new ProcessStartInfo(Executable);
        // --disableTelemetry always: without it Azurite tries to reach the internet.
        foreach (var arg in new[]
                 {
                     "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(), "--location", DataDirectory,
                     "--disableTelemetry", "--skipApiVersionCheck", "--loose",
                 })
            start.ArgumentList.Add(arg);
        return start;
    }

    protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        // Any HTTP answer (even 400 for an unsigned request) means the blob service is up.
        using var response = await http.GetAsync($"{BlobEndpoint}?comp=list", cancellationToken);
        return true;
    }
}
