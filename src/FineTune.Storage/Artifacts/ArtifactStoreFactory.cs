using FineTune.Storage.Artifacts.AzureBlob;
using FineTune.Storage.Artifacts.FileSystem;

namespace FineTune.Storage.Artifacts;

/// <summary>Which artifact store to open: Azure Blob storage when a connection string is given, else a folder.</summary>
public sealed record ArtifactStoreSettings
{
    /// <summary>An Azure Storage connection string (Azure or Azurite); when set, it wins over <see cref="FileRoot"/>.</summary>
    public string? AzureConnectionString { get; init; }

    /// <summary>Blob container holding every artifact.</summary>
    public string Container { get; init; } = "artifacts";

    /// <summary>Folder of the embedded store, used when no connection string is set.</summary>
    public string FileRoot { get; init; } = Path.Combine(".finetune", "artifacts");
}

/// <summary>Opens the store the settings name, so the CLI and every service choose it the same way.</summary>
public static class ArtifactStoreFactory
{
    /// <param name="http">Used for Azure Blob requests; null creates one that recycles connections (DNS changes).</param>
    /// <exception cref="ArgumentException">The connection string or container name is malformed.</exception>
    public static IArtifactStore Create(ArtifactStoreSettings settings, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrWhiteSpace(settings.AzureConnectionString))
            return new FileSystemArtifactStore(Path.GetFullPath(settings.FileRoot));

        var account = AzureStorageConnectionString.Parse(settings.AzureConnectionString);
        http ??= new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan, // large uploads stream for as long as they take; callers cancel
        };
        return new AzureBlobArtifactStore(http, account, settings.Container);
    }
}
