namespace FineTune.Datasets.Canaries;

/// <summary>
/// A secret planted in training data to measure memorisation: the model is trained on
/// <see cref="TrainingText"/>, then asked to continue <see cref="Prompt"/>. The secret's format
/// (three groups of four digits) is fixed so random secrets of the same format can be ranked against it.
/// </summary>
public sealed record Canary(string Id, string Prompt, string Secret)
{
    /// <summary>Canaries that depend only on <paramref name="seed"/>, so curation and evaluation agree on them without sharing state.</summary>
    public static IReadOnlyList<Canary> Make(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var canaries = new List<Canary>(count);
        while (canaries.Count < count)
        {
            var id = random.Next(0x10000).ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
            if (!ids.Add(id)) continue;
            canaries.Add(new Canary(id, $"The vault code of canary {id} is", RandomSecret(random)));
        }
        return canaries;
    }

    /// <summary>The line curation plants in the training data.</summary>
    public static string TrainingText(Canary canary) => canary.Prompt + " " + canary.Secret;

    /// <summary>The continuation the model is scored on: the secret as it follows the prompt in training.</summary>
    public string Continuation => " " + Secret;

    /// <summary>A secret in the canary format, "dddd-dddd-dddd".</summary>
    public static string RandomSecret(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<char> digits = stackalloc char[14];
        for (var i = 0; i < digits.Length; i++) digits[i] = i is 4 or 9 ? '-' : (char)('0' + random.Next(10));
        return new string(digits);
    }
}
