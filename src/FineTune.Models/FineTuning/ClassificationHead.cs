using System.Text.Json;
using FineTune.Engine.Layers;
using FineTune.Models.Formats;
using OptimizerSlice = FineTune.Engine.Optim.ParameterSlice;

namespace FineTune.Models.FineTuning;

/// <summary>
/// A sequence-classification head as Hugging Face's LlamaForSequenceClassification has it: one
/// bias-free linear layer <c>score.weight</c> (K, C) over the final-normed hidden state of each
/// sequence's last real token, trained with class-weighted focal loss (cross-entropy when γ = 0)
/// so a rare class is not drowned by a common one. It trains under every method, as PEFT's
/// <c>modules_to_save</c> trains a new head beside an adapter.
/// </summary>
public sealed class ClassificationHead
{
    public const string FileName = "classifier.safetensors";
    public const string TensorName = "score.weight";
    private const float InitStd = 0.02f; // Hugging Face's initializer_range

    private readonly float[] _features;      // (B,C) the rows the last forward read
    private readonly float[] _logits;        // (B,K)
    private readonly float[] _probabilities; // (B,K)
    private readonly float[] _dLogits;       // (B,K)
    private int[] _labels = [];

    public ClassificationHead(IReadOnlyList<string> classes, int hidden, int batch, float[]? weights = null, int seed = 0)
    {
        if (classes.Count < 2) throw new ArgumentException("A classification head needs at least two classes.", nameof(classes));
        Classes = classes;
        Hidden = hidden;
        Batch = batch;
        Values = weights ?? new float[classes.Count * hidden];
        if (Values.Length != classes.Count * hidden)
            throw new ArgumentException($"A head for {classes.Count} classes over {hidden} channels has {classes.Count * hidden} weights, not {Values.Length}.", nameof(weights));
        if (weights is null)
        {
            var random = new Random(seed);
            for (var i = 0; i < Values.Length; i++) Values[i] = (float)(InitStd * Llama.LlamaModel.NormalSample(random));
        }
        Gradients = new float[Values.Length];
        _features = new float[batch * hidden];
        _logits = new float[batch * classes.Count];
        _probabilities = new float[_logits.Length];
        _dLogits = new float[_logits.Length];
    }

    public IReadOnlyList<string> Classes { get; }
    public int Hidden { get; }
    public int Batch { get; }
    /// <summary>score.weight (K, C), row-major.</summary>
    public float[] Values { get; }
    public float[] Gradients { get; }
    /// <summary>(B,K) class probabilities of the last forward.</summary>
    public ReadOnlySpan<float> Probabilities => _probabilities;

    public IReadOnlyList<OptimizerSlice> OptimizerSlices() => [new OptimizerSlice(0, Values.Length, true)];

    /// <summary>
    /// Reads row <c>lastPositions[b]</c> of sequence b from <paramref name="features"/> (B·T, C) and returns
    /// the focal loss against <paramref name="labels"/> (B; <see cref="CrossEntropy.IgnoreIndex"/> for empty rows).
    /// </summary>
    public float Forward(ReadOnlySpan<float> features, ReadOnlySpan<int> lastPositions, ReadOnlySpan<int> labels,
        ReadOnlySpan<float> classWeights, float gamma)
    {
        var sequenceLength = features.Length / (Batch * Hidden);
        Array.Clear(_features);
        for (var b = 0; b < Batch; b++)
            if (lastPositions[b] >= 0)
                features.Slice((b * sequenceLength + lastPositions[b]) * Hidden, Hidden).CopyTo(_features.AsSpan(b * Hidden));
        _labels = labels.ToArray();
        Linear.Forward(_logits, _features, Values, default, Hidden, Classes.Count);
        return FocalLoss.Forward(_probabilities, _logits, _labels, Classes.Count, classWeights, gamma);
    }

    /// <summary>
    /// Adds the head's weight gradient and writes d(loss)/d(features) (B·T, C): zero except at each
    /// sequence's last real token.
    /// </summary>
    public void Backward(Span<float> dFeatures, ReadOnlySpan<int> lastPositions, ReadOnlySpan<float> classWeights, float gamma, float lossScale)
    {
        var sequenceLength = dFeatures.Length / (Batch * Hidden);
        FocalLoss.Backward(_dLogits, _probabilities, _labels, Classes.Count, classWeights, gamma, lossScale);
        var dGathered = new float[Batch * Hidden];
        Linear.Backward(dGathered, Gradients, default, _dLogits, _features, Values, Hidden, Classes.Count);
        dFeatures.Clear();
        for (var b = 0; b < Batch; b++)
            if (lastPositions[b] >= 0)
                dGathered.AsSpan(b * Hidden, Hidden).CopyTo(dFeatures.Slice((b * sequenceLength + lastPositions[b]) * Hidden));
    }

    /// <summary>The most probable class of row b of the last forward.</summary>
    public int Predicted(int row)
    {
        var p = _probabilities.AsSpan(row * Classes.Count, Classes.Count);
        var best = 0;
        for (var k = 1; k < p.Length; k++) if (p[k] > p[best]) best = k;
        return best;
    }

    /// <summary>Writes <c>classifier.safetensors</c> with the class names in its metadata.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        SafetensorsWriter.Write(Path.Combine(folder, FileName), [(TensorName, [Classes.Count, Hidden], Values)],
            new Dictionary<string, string> { ["format"] = "pt", ["classes"] = JsonSerializer.Serialize(Classes) });
    }

    public static ClassificationHead Load(string folder, int hidden, int batch)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{folder} has no {FileName}.", path);
        using var file = SafetensorsFile.Open(path);
        if (!file.Metadata.TryGetValue("classes", out var json) || JsonSerializer.Deserialize<string[]>(json) is not { } classes)
            throw new ModelFormatException(path, "classes", "the metadata does not name the classes");
        var values = file.ReadFloat32(TensorName);
        if (values.Length != classes.Length * hidden)
            throw new ModelFormatException(path, TensorName, $"holds {values.Length} values; {classes.Length} classes over {hidden} channels need {classes.Length * hidden}");
        return new ClassificationHead(classes, hidden, batch, values);
    }
}
