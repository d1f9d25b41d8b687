using FineTune.Models.Llama;

namespace FineTune.Bench;

/// <summary>--name value pairs after the benchmark's name.</summary>
internal sealed class BenchOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --name value pairs, got '{string.Join(' ', args)}'.");
            options._values[args[i][2..]] = args[i + 1];
        }
        return options;
    }

    public string String(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    /// <summary><c>--weights int8|fp32</c> (<c>float32</c> also reads as fp32), one spelling for every benchmark that serves either.</summary>
    public WeightPrecision Weights(WeightPrecision fallback) => String("weights", "") switch
    {
        "" => fallback,
        "int8" => WeightPrecision.Int8,
        "fp32" or "float32" => WeightPrecision.Float32,
        var other => throw new ArgumentException($"--weights must be int8 or fp32, got '{other}'."),
    };

    public int Int(string name, int fallback) =>
        !_values.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text, out var value) && value > 0 ? value
        : throw new ArgumentException($"--{name} must be a positive whole number, got '{text}'.");
}
