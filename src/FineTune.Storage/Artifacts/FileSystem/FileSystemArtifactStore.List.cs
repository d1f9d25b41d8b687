using System.Runtime.CompilerServices;

namespace FineTune.Storage.Artifacts.FileSystem;

// Listing walks the folder tree depth-first. Within a folder, entries are sorted by the text they
// contribute to a key: a sub-folder "d" as "d/" and an object "f" as "f". All keys below "d" start
// with "d/", which contains no other '/', so comparing those texts orders every key below one entry
// against every key below another exactly as comparing the full keys would: the walk yields keys in
// ordinal order without collecting and sorting them all.
public sealed partial class FileSystemArtifactStore
{
    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArtifactKey.ValidatePrefix(prefix);
        // "a/b/c" lists folder "a/b" filtered to names starting with "c"; "a/b/" all of folder "a/b".
        var folderKey = prefix[..(prefix.LastIndexOf('/') + 1)];
        var nameFilter = prefix[folderKey.Length..];
        await foreach (var info in WalkAsync(_layout.FolderPath(folderKey), folderKey, nameFilter, cancellationToken))
            yield return info;
    }

    private async IAsyncEnumerable<ArtifactInfo> WalkAsync(string folder, string keyPrefix, string nameFilter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var entry in SortedEntries(folder, nameFilter))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.IsFolder)
            {
                await foreach (var info in WalkAsync(entry.Path, $"{keyPrefix}{entry.Segment}/", "", cancellationToken))
                    yield return info;
                continue;
            }

            var key = keyPrefix + entry.Segment;
            if (!IsValidKey(key)) continue; // a file someone placed by hand under a name no key maps to
            // Null: deleted since the folder was read; the listing is not a snapshot.
            if (await ReadInfoAsync(entry.Path, key, cancellationToken) is { } found) yield return found;
        }
    }

    private static List<(string SortText, string Segment, string Path, bool IsFolder)> SortedEntries(string folder, string nameFilter)
    {
        var entries = new List<(string SortText, string Segment, string Path, bool IsFolder)>();
        try
        {
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                var isFolder = entry is DirectoryInfo;
                var known = isFolder
                    ? FileSystemLayout.TryFolderSegment(entry.Name, out var segment)
                    : FileSystemLayout.TryObjectSegment(entry.Name, out segment);
                // Store-owned names (%tmp, %locks, temp files) and foreign files never decode to a segment.
                if (!known || !segment.StartsWith(nameFilter, StringComparison.Ordinal)) continue;
                entries.Add((isFolder ? segment + "/" : segment, segment, entry.FullName, isFolder));
            }
        }
        catch (DirectoryNotFoundException)
        {
            // No such folder (or pruned by a delete meanwhile): nothing under it.
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.SortText, b.SortText));
        return entries;
    }

    private static bool IsValidKey(string key)
    {
        try { ArtifactKey.Validate(key); return true; }
        catch (InvalidArtifactKeyException) { return false; }
    }
}
