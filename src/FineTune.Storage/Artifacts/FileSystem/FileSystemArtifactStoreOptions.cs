namespace FineTune.Storage.Artifacts.FileSystem;

/// <summary>Tuning for <see cref="FileSystemArtifactStore"/>; the defaults suit real use.</summary>
public sealed record FileSystemArtifactStoreOptions
{
    /// <summary>
    /// fsync each object before it is renamed into place, so a power loss cannot leave a renamed but
    /// empty file (the rename itself is atomic either way). Turn off only for throwaway data.
    /// </summary>
    public bool FlushToDisk { get; init; } = true;

    /// <summary>How long a write or delete waits for another writer of the same lock stripe before failing.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Temp files older than this are the remains of a crashed writer and are deleted when a store
    /// opens the folder. A live write touches its temp file continually, so it never looks this old.
    /// </summary>
    public TimeSpan StaleTempFileAge { get; init; } = TimeSpan.FromDays(1);
}
