namespace FineTune.Engine.Layers;

/// <summary>
/// Class-weighted focal loss for a classification head on imbalanced labels:
/// Σᵢ w[yᵢ]·(1 − pᵢ)^γ·(−log pᵢ) / Σᵢ w[yᵢ] over the rows whose label is not
/// <see cref="CrossEntropy.IgnoreIndex"/>, with pᵢ = softmax(logitsᵢ)[yᵢ].
/// </summary>
/// <remarks>
/// The weights lift rare classes; the factor (1 − p)^γ shrinks the loss of rows the model already
/// gets right, so a batch is not dominated by the many easy examples of a frequent class. With γ = 0
/// it is PyTorch's <c>cross_entropy(weight=w, reduction="mean")</c>. A batch in which nothing counts
/// (every row ignored, or every counted row weighing 0) has loss 0 and a zero gradient, where PyTorch's
/// 0/0 would give NaN. N is a batch of a few rows, so the work is serial and in double.
/// </remarks>
public static class FocalLoss
{
    /// <summary>
    /// Below this 1 − p, ln p is taken as ln(1 − u) of the summed other probabilities rather than of p
    /// itself: p has lost the digits that u still holds.
    /// </summary>
    const double SmallComplement = 0.5;

    // logits: (N, K) row-major, labels: (N) in [0, K) or CrossEntropy.IgnoreIndex, classWeights: (K) or
    // empty for all ones. Writes softmax(logits) into probabilities (N, K) for every row, ignored ones
    // too, so the buffer is always a valid prediction; Backward reads it. Returns the mean loss.
    public static float Forward(Span<float> probabilities, ReadOnlySpan<float> logits, ReadOnlySpan<int> labels,
        int classes, ReadOnlySpan<float> classWeights, float gamma)
    {
        CheckArguments(labels, classes, classWeights, gamma);
        CheckRows(logits.Length, labels.Length, classes, nameof(logits));
        CheckRows(probabilities.Length, labels.Length, classes, nameof(probabilities));
        double weightedLoss = 0, totalWeight = 0;
        for (var n = 0; n < labels.Length; n++)
        {
            var row = logits.Slice(n * classes, classes);
            var logSumExp = Softmax(row, probabilities.Slice(n * classes, classes));
            var label = labels[n];
            if (label == CrossEntropy.IgnoreIndex) continue;
            // 1 − p as the sum of the others in double: exact where 1 − p itself would cancel.
            double complement = 0;
            for (var k = 0; k < classes; k++)
                if (k != label) complement += Math.Exp(row[k] - logSumExp);
            var weight = WeightOf(classWeights, label);
            weightedLoss += weight * Math.Pow(complement, gamma) * (logSumExp - row[label]);
            totalWeight += weight;
        }
        return totalWeight == 0 ? 0f : (float)(weightedLoss / totalWeight);
    }

    // probabilities: (N, K) from Forward with the same labels, weights and gamma.
    // Writes (does not accumulate) dLogits (N, K) = d(loss · lossScale) / d logits; ignored rows get zeros.
    public static void Backward(Span<float> dLogits, ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels,
        int classes, ReadOnlySpan<float> classWeights, float gamma, float lossScale = 1f)
    {
        CheckArguments(labels, classes, classWeights, gamma);
        CheckRows(probabilities.Length, labels.Length, classes, nameof(probabilities));
        CheckRows(dLogits.Length, labels.Length, classes, nameof(dLogits));
        var totalWeight = TotalWeight(labels, classWeights);
        var scale = totalWeight == 0 ? 0 : lossScale / totalWeight;
        for (var n = 0; n < labels.Length; n++)
        {
            var dRow = dLogits.Slice(n * classes, classes);
            var label = labels[n];
            if (label == CrossEntropy.IgnoreIndex || scale == 0)
            {
                dRow.Clear();
                continue;
            }
            var p = probabilities.Slice(n * classes, classes);
            // d/dz of f(p_y) is c·(p − onehot(y)) with c = −p·f′(p); see FocusFactor.
            var complement = 0.0;
            for (var k = 0; k < classes; k++)
                if (k != label) complement += p[k];
            var rowScale = scale * WeightOf(classWeights, label) * FocusFactor(p[label], complement, gamma);
            for (var k = 0; k < classes; k++)
                dRow[k] = (float)(rowScale * (k == label ? -complement : p[k]));
        }
    }

    /// <summary>
    /// scikit-learn's <c>compute_class_weight("balanced")</c>: wₖ = n / (K·countₖ), so every class carries
    /// the same total weight Σ countₖ·wₖ = n / K. Ignored labels are not counted in n or any countₖ.
    /// </summary>
    /// <exception cref="ArgumentException">A class has no examples: its weight would be infinite, and a
    /// class missing from the training labels is a data error better caught here than trained around.</exception>
    public static float[] BalancedWeights(ReadOnlySpan<int> labels, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        CheckLabels(labels, classes);
        var counts = new int[classes];
        var counted = 0;
        foreach (var label in labels)
        {
            if (label == CrossEntropy.IgnoreIndex) continue;
            counts[label]++;
            counted++;
        }
        var weights = new float[classes];
        for (var k = 0; k < classes; k++)
        {
            if (counts[k] == 0)
                throw new ArgumentException(
                    $"Class {k} has no examples among the {counted} counted labels, so its balanced weight would be infinite.",
                    nameof(labels));
            weights[k] = (float)((double)counted / ((double)classes * counts[k]));
        }
        return weights;
    }

    /// <summary>
    /// c = −p·d/dp[(1 − p)^γ·(−ln p)] = u^γ·(1 − γ·p·ln p / u) with u = 1 − p, so that the gradient of a
    /// row is c·(softmax − onehot). Written with ln p / u instead of the textbook (1 − p)^(γ−1)·ln p,
    /// whose first factor is infinite at p = 1 when γ &lt; 1: ln p / u tends to −1 there, and c to 0
    /// (γ &gt; 0) or 1 (γ = 0). Every term is finite for p ∈ [0, 1].
    /// </summary>
    static double FocusFactor(double p, double complement, float gamma)
    {
        if (gamma == 0) return 1;
        double pLogPOverU;
        if (complement == 0) pLogPOverU = -p;
        else if (complement < SmallComplement) pLogPOverU = p * LogOnePlus(-complement) / complement;
        else pLogPOverU = p == 0 ? 0 : p * Math.Log(p) / complement; // p·ln p → 0 as p → 0
        return Math.Pow(complement, gamma) * (1 - gamma * pLogPOverU);
    }

    /// <summary>ln(1 + x) to full precision for small x (Goldberg's correction; .NET's LogP1 is plain Log(1 + x)).</summary>
    static double LogOnePlus(double x)
    {
        var onePlus = 1 + x;
        return onePlus == 1 ? x : Math.Log(onePlus) * x / (onePlus - 1);
    }

    /// <summary>Writes softmax(row) and returns log Σ exp(row), shifted by the row's max so no exp overflows.</summary>
    static double Softmax(ReadOnlySpan<float> row, Span<float> probabilities)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (var x in row) max = Math.Max(max, x);
        foreach (var x in row) sum += Math.Exp(x - max);
        var logSumExp = max + Math.Log(sum);
        for (var k = 0; k < row.Length; k++) probabilities[k] = (float)Math.Exp(row[k] - logSumExp);
        return logSumExp;
    }

    static double WeightOf(ReadOnlySpan<float> classWeights, int label) => classWeights.IsEmpty ? 1 : classWeights[label];

    static double TotalWeight(ReadOnlySpan<int> labels, ReadOnlySpan<float> classWeights)
    {
        double total = 0;
        foreach (var label in labels)
            if (label != CrossEntropy.IgnoreIndex) total += WeightOf(classWeights, label);
        return total;
    }

    static void CheckArguments(ReadOnlySpan<int> labels, int classes, ReadOnlySpan<float> classWeights, float gamma)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (!float.IsFinite(gamma) || gamma < 0)
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "The focusing exponent gamma must be finite and ≥ 0.");
        if (!classWeights.IsEmpty && classWeights.Length != classes)
            throw new ArgumentException(
                $"classWeights has {classWeights.Length} elements; expected one per class ({classes}) or none for all ones.",
                nameof(classWeights));
        for (var k = 0; k < classWeights.Length; k++)
            if (!float.IsFinite(classWeights[k]) || classWeights[k] < 0)
                throw new ArgumentOutOfRangeException(nameof(classWeights), classWeights[k],
                    $"The weight of class {k} is {classWeights[k]}; class weights must be finite and ≥ 0.");
        CheckLabels(labels, classes);
    }

    static void CheckLabels(ReadOnlySpan<int> labels, int classes)
    {
        for (var n = 0; n < labels.Length; n++)
            if (labels[n] != CrossEntropy.IgnoreIndex && (uint)labels[n] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[n],
                    $"Label {labels[n]} at row {n} is outside the classes 0…{classes - 1} (and is not the ignore index {CrossEntropy.IgnoreIndex}).");
    }

    static void CheckRows(int length, int rows, int classes, string name)
    {
        if (length != rows * classes)
            throw new ArgumentException($"{name} has {length} elements; {rows} rows of {classes} classes need {rows * classes}.", name);
    }
}
