using System.Text.Json;

namespace FineTune.Datasets;

/// <summary>A shipped JSON data file (a lexicon, a probe set) read whole, with an error that names the file.</summary>
public static class JsonDataFile
{
    /// <exception cref="FormatException">The file is not valid JSON; the message names it.</exception>
    public static JsonElement Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }
}
