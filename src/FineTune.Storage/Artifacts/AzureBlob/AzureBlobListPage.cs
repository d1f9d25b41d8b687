using System.Globalization;
using System.Xml.Linq;

namespace FineTune.Storage.Artifacts.AzureBlob;

/// <summary>One page of a List Blobs answer: the blobs on it and the marker of the next page.</summary>
internal sealed record AzureBlobListPage(IReadOnlyList<ArtifactInfo> Items, string? NextMarker)
{
    /// <summary>
    /// Parses <c>EnumerationResults/Blobs/Blob</c> (Name, Properties, Metadata/sha256) and
    /// <c>NextMarker</c>. Unknown elements are ignored, so newer service versions still parse.
    /// </summary>
    public static AzureBlobListPage Parse(XDocument document)
    {
        var root = document.Root ?? throw new FormatException("The List Blobs answer is empty.");
        var items = new List<ArtifactInfo>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            var properties = blob.Element("Properties");
            items.Add(new ArtifactInfo(
                Name(blob.Element("Name") ?? throw new FormatException("A <Blob> in the List Blobs answer has no <Name>.")),
                long.Parse(properties?.Element("Content-Length")?.Value ?? "0", NumberStyles.None, CultureInfo.InvariantCulture),
                AzureBlobResponses.QuotedETag(properties?.Element("Etag")?.Value ?? ""),
                blob.Element("Metadata")?.Element(AzureBlobResponses.Sha256MetadataName)?.Value ?? "",
                NullIfEmpty(properties?.Element("Content-Type")?.Value) ?? "application/octet-stream",
                properties?.Element("Last-Modified")?.Value is { } modified
                    ? DateTimeOffset.Parse(modified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                    : DateTimeOffset.MinValue));
        }
        return new AzureBlobListPage(items, NullIfEmpty(root.Element("NextMarker")?.Value));
    }

    // Names with characters XML cannot carry come back percent-encoded with Encoded="true".
    private static string Name(XElement name) =>
        string.Equals((string?)name.Attribute("Encoded"), "true", StringComparison.OrdinalIgnoreCase)
            ? Uri.UnescapeDataString(name.Value)
            : name.Value;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
