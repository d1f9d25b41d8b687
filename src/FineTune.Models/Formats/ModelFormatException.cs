namespace FineTune.Models.Formats;

/// <summary>
/// A model file (config, index, weights) that cannot be used as it is. The message always names
/// the file, and the field or tensor where one is at fault, so the user can find and fix it.
/// </summary>
public class ModelFormatException : Exception
{
    public ModelFormatException(string filePath, string? field, string problem)
        : base(Compose(filePath, null, field, problem))
    {
        FilePath = filePath;
        Field = field;
    }

    protected ModelFormatException(string filePath, string? tensorName, string? field, string problem)
        : base(Compose(filePath, tensorName, field, problem))
    {
        FilePath = filePath;
        Field = field;
    }

    public string FilePath { get; }

    /// <summary>The JSON field at fault, when there is one.</summary>
    public string? Field { get; }

    private static string Compose(string filePath, string? tensorName, string? field, string problem)
    {
        var where = filePath;
        if (tensorName is not null) where += $": tensor '{tensorName}'";
        if (field is not null) where += $": field '{field}'";
        return $"{where}: {problem}";
    }
}

/// <summary>A safetensors file whose header or layout breaks the format.</summary>
public sealed class SafetensorsFormatException : ModelFormatException
{
    public SafetensorsFormatException(string filePath, string? tensorName, string? field, string problem)
        : base(filePath, tensorName, field, problem) => TensorName = tensorName;

    /// <summary>The tensor whose header entry is at fault, when there is one.</summary>
    public string? TensorName { get; }
}
