using System.Globalization;
using FineTune.Storage.Artifacts.Internal;
using Microsoft.Win32.SafeHandles;

namespace FineTune.Storage.Artifacts.FileSystem;

/// <summary>
/// <see cref="IArtifactStore"/> in a local folder, for development and single-machine runs. Every
/// write streams into a temp file under <c>%tmp</c>, is flushed, and is then renamed over the
/// object's file in one atomic step: readers see the old object or the new one, never part of one,
/// and a crash leaves at most a temp file that listing ignores. Conditional writes and deletes
/// check and rename while holding a per-key lock that also excludes other processes
/// (<see cref="StripedKeyLocks"/>). The layout is described in <see cref="FileSystemLayout"/>, the
/// file format in <see cref="ArtifactFileFormat"/>.
/// </summary>
public sealed partial class FileSystemArtifactStore : IArtifactStore
{
    // A writer can find a folder gone when a concurrent delete pruned it after it was created.
    private const int FolderRaceRetries = 8;

    private readonly FileSystemLayout _layout;
    private readonly StripedKeyLocks _locks;
    private readonly FileSystemArtifactStoreOptions _options;

    /// <param name="root">The folder that holds the store; created if missing.</param>
    public FileSystemArtifactStore(string root, FileSystemArtifactStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _options = options ?? new FileSystemArtifactStoreOptions();
        Root = Path.GetFullPath(root);
        _layout = new FileSystemLayout(Root);
        Directory.CreateDirectory(_layout.TempFolder);
        _locks = new StripedKeyLocks(_layout.LockFolder, _options.LockTimeout);
        Description = $"file {Root}";
        DeleteStaleTempFiles();
    }

    public string Root { get; }

    public string Description { get; }

    public async Task<ArtifactInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        options = PutConditions.Validate(options);
        var target = _layout.ObjectPath(key);
        var temp = _layout.NewTempPath();
        try
        {
            // The slow part (streaming the content) happens outside the lock; only check + rename is inside.
            var info = await WriteTempFileAsync(temp, key, content, options, cancellationToken);
            using (await _locks.AcquireAsync(key, Description, cancellationToken))
            {
                var current = await CurrentETagAsync(target, key, cancellationToken);
                if (!PutConditions.Hold(options, current))
                    throw new ArtifactPreconditionFailedException(key, PutConditions.Describe(options), Description);
                MoveIntoPlace(temp, target, key);
            }
            return info;
        }
        finally
        {
            DeleteTempFile(temp); // no-op once renamed; removes the temp file of a refused or failed write
        }
    }

    public async Task<ArtifactReadResult> GetAsync(string key, ByteRange? range = null, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        ByteRanges.Validate(range);
        var file = OpenObject(_layout.ObjectPath(key)) ?? throw new ArtifactNotFoundException(key, Description);
        try
        {
            var info = await ArtifactFileFormat.ReadInfoAsync(file, key, Description, cancellationToken);
            var (offset, count) = ByteRanges.Resolve(range, info.Length, key, Description);
            return new ArtifactReadResult(info, new FileSliceStream(file, offset, count));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public async Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        return await ReadInfoAsync(_layout.ObjectPath(key), key, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ArtifactKey.Validate(key);
        PutConditions.ValidateIfMatch(ifMatch);
        var target = _layout.ObjectPath(key);
        using (await _locks.AcquireAsync(key, Description, cancellationToken))
        {
            var current = await CurrentETagAsync(target, key, cancellationToken);
            if (current is null) return false;
            if (!PutConditions.IfMatchHolds(ifMatch, current))
                throw new ArtifactPreconditionFailedException(key, $"If-Match {ifMatch}", Description);
            File.Delete(target);
        }
        PruneEmptyFolders(Path.GetDirectoryName(target)!);
        return true;
    }

    /// <summary>Proves the root is there and writable by creating and removing a probe file.</summary>
    public Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var probe = _layout.NewTempPath();
        try
        {
            File.OpenHandle(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.DeleteOnClose).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArtifactStoreException($"Artifact store {Description} is not usable: {e.Message}", e);
        }
        return Task.CompletedTask;
    }

    private async Task<ArtifactInfo> WriteTempFileAsync(string temp, string key, Stream content, PutOptions options, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        using var reader = new HashingChunkReader(content);
        for (var chunk = await reader.ReadChunkAsync(cancellationToken); chunk.Length > 0; chunk = await reader.ReadChunkAsync(cancellationToken))
            await RandomAccess.WriteAsync(file, chunk, reader.Length - chunk.Length, cancellationToken);

        var sha256 = reader.Sha256Hex();
        var now = DateTimeOffset.UtcNow;
        var info = new ArtifactInfo(key, reader.Length, NewETag(sha256, now), sha256, options.ContentType, now);
        await ArtifactFileFormat.WriteTrailerAsync(file, reader.Length, info, cancellationToken);
        if (_options.FlushToDisk) RandomAccess.FlushToDisk(file);
        return info;
    }

    /// <summary>
    /// Content hash + write time identify the version; 32 random bits make two writes of the same
    /// bytes within one clock tick (possible across processes) still get different ETags.
    /// </summary>
    private static string NewETag(string sha256, DateTimeOffset written) =>
        $"\"{sha256[..16]}-{written.UtcTicks.ToString("x", CultureInfo.InvariantCulture)}-{Random.Shared.Next():x8}\"";

    private void MoveIntoPlace(string temp, string target, string key)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temp, target, overwrite: true); // rename(2): atomic replace
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < FolderRaceRetries)
            {
                // A delete pruned the folder between CreateDirectory and Move; create it again.
            }
            catch (PathTooLongException e)
            {
                throw new ArtifactStoreException($"Artifact key '{key}' is too long for the file system of {Description}: {e.Message}", e);
            }
        }
    }

    /// <summary>Removes folders a delete left empty, up to the root. A writer racing this retries (see <see cref="MoveIntoPlace"/>).</summary>
    private void PruneEmptyFolders(string folder)
    {
        while (folder.Length > Root.Length && folder.StartsWith(Root, StringComparison.Ordinal))
        {
            try { Directory.Delete(folder, recursive: false); }
            catch (IOException) { return; } // not empty (or already gone): stop
            catch (UnauthorizedAccessException) { return; }
            folder = Path.GetDirectoryName(folder)!;
        }
    }

    private async Task<string?> CurrentETagAsync(string path, string key, CancellationToken cancellationToken) =>
        (await ReadInfoAsync(path, key, cancellationToken))?.ETag;

    private async Task<ArtifactInfo?> ReadInfoAsync(string path, string key, CancellationToken cancellationToken)
    {
        using var file = OpenObject(path);
        return file is null ? null : await ArtifactFileFormat.ReadInfoAsync(file, key, Description, cancellationToken);
    }

    /// <summary>Opens an object for reading, or null when it does not exist. Sharing allows a writer to rename over it meanwhile.</summary>
    private static SafeFileHandle? OpenObject(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or PathTooLongException)
        {
            return null;
        }
    }

    private static void DeleteTempFile(string temp)
    {
        try { File.Delete(temp); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Must not hide the write's own outcome; a leftover is ignored by listing and removed when stale.
        }
    }

    private void DeleteStaleTempFiles()
    {
        var cutoff = DateTime.UtcNow - _options.StaleTempFileAge;
        foreach (var temp in new DirectoryInfo(_layout.TempFolder).EnumerateFiles())
        {
            try
            {
                if (temp.LastWriteTimeUtc < cutoff) temp.Delete();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: another store instance may be cleaning the same file.
            }
        }
    }
}
