using FineTune.Models.Llama;
using FineTune.Models.Training;

namespace FineTune.Models.Methods;

/// <summary>
/// Half Fine-Tuning (Hui et al., arXiv 2404.18466): in each round, half of the parameter matrices of
/// every category in every layer train and the other half stay frozen at their pre-trained values,
/// which keeps part of the old knowledge in place. Categories per decoder layer: attention (q, k, v,
/// o: two of four), MLP (gate, up, down: one or two of three, alternating by draw so that half the
/// MLP trains on average) and norms (one of two); outside the layers, the embedding, the final norm
/// and an untied LM head form one more category. The choice is redrawn every round from (seed, round).
/// </summary>
public static class HalfFineTuning
{
    /// <summary>Keeps these draws apart from the run's other seeded draws.</summary>
    private const long Purpose = 0x4846_5421;

    /// <summary>Names of the tensors that train in <paramref name="round"/>.</summary>
    public static IReadOnlySet<string> TrainableIn(ParameterLayout layout, int seed, int round)
    {
        var random = new Random(Seeds.Derive(seed, Purpose, round));
        var trainable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in layout.Layers)
        {
            PickHalf([layer.Q, layer.K, layer.V, layer.O], random, trainable);
            PickHalf([layer.Gate, layer.Up, layer.Down], random, trainable);
            PickHalf([layer.InputNorm, layer.PostAttentionNorm], random, trainable);
            // a projection's bias trains with its weight
            foreach (var (weight, bias) in new[] { (layer.Q, layer.QBias), (layer.K, layer.KBias), (layer.V, layer.VBias) })
                if (bias is not null && trainable.Contains(weight.Name)) trainable.Add(bias.Name);
        }
        var outer = new List<ParameterTensor> { layout.Embedding, layout.FinalNorm };
        if (layout.LmHead != layout.Embedding) outer.Add(layout.LmHead);
        PickHalf(outer, random, trainable);
        return trainable;
    }

    /// <summary>A predicate for <see cref="TrainingPass.SetTrainable"/>.</summary>
    public static Func<ParameterTensor, bool> Round(ParameterLayout layout, int seed, int round)
    {
        var trainable = TrainableIn(layout, seed, round);
        return tensor => trainable.Contains(tensor.Name);
    }

    /// <summary>Half of <paramref name="category"/>, rounded up or down at random when it has an odd size.</summary>
    private static void PickHalf(IReadOnlyList<ParameterTensor> category, Random random, HashSet<string> trainable)
    {
        var count = category.Count / 2 + (category.Count % 2 == 1 && random.Next(2) == 1 ? 1 : 0);
        foreach (var tensor in category.OrderBy(_ => random.Next()).Take(count)) trainable.Add(tensor.Name);
    }
}
