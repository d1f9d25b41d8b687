using FineTune.Engine.Layers;
using FineTune.Models.FineTuning;
using FineTune.Models.Llama;

namespace FineTune.Models.Tests.FineTuning;

/// <summary>A tiny model (in-widths that fit NF4's 64-weight blocks) and tasks it can learn in a few dozen steps.</summary>
internal static class FineTuningData
{
    public const int Pad = 0;

    public static readonly LlamaConfig Config = new()
    {
        VocabSize = 64, HiddenSize = 64, IntermediateSize = 128, NumLayers = 2, NumHeads = 4, NumKeyValueHeads = 2, MaxPositionEmbeddings = 32,
    };

    public static LlamaModel NewModel() => LlamaModel.CreateRandom(Config, seed: 6, std: 0.1f);

    /// <summary>
    /// "Instructions": a prompt of 3–6 tokens, a separator, and a reply that is the prompt's tokens
    /// shifted by a fixed offset — loss only on the reply, as on an assistant turn.
    /// </summary>
    public static List<TrainingExample> Instructions(int count, int seed, int offset = 20)
    {
        var random = new Random(seed);
        var examples = new List<TrainingExample>();
        for (var i = 0; i < count; i++)
        {
            var prompt = Enumerable.Range(0, random.Next(3, 7)).Select(_ => random.Next(2, 20)).ToArray();
            var reply = prompt.Select(t => t + offset).ToArray();
            int[] ids = [1, .. prompt, 63, .. reply];
            var labels = ids.Select((id, at) => at > prompt.Length + 1 ? id : CrossEntropy.IgnoreIndex).ToArray();
            examples.Add(new TrainingExample(ids, labels));
        }
        return examples;
    }

    /// <summary>Class 0 when the sequence holds more low tokens than high ones, else 1 (about 70/30).</summary>
    public static List<TrainingExample> Classification(int count, int seed)
    {
        var random = new Random(seed);
        var examples = new List<TrainingExample>();
        for (var i = 0; i < count; i++)
        {
            var label = random.NextDouble() < 0.7 ? 0 : 1;
            var ids = Enumerable.Range(0, random.Next(4, 9)).Select(_ => label == 0 ? random.Next(2, 22) : random.Next(30, 50)).ToArray();
            examples.Add(TrainingExample.ForClass(ids, label));
        }
        return examples;
    }
}
