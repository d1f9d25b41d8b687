using System.Text.Json;

namespace FineTune.Evaluation;

/// <summary>The shipped data files (<c>Data/</c>): where they are, and one way to read a JSON one with an error that names the file.</summary>
internal static class DataFiles
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    public static JsonElement ReadJson(string path) => FineTune.Datasets.JsonDataFile.Read(path);
}
