namespace FineTune.Curation.Augmentation;

/// <summary>
/// Makes variants of a text the way easy data augmentation (EDA) does — WordNet synonyms for some
/// words, then swapped word pairs, then dropped words — for growing small classes with text a model
/// has not seen verbatim. Function words ("not", "the") are never replaced or dropped, spacing and
/// punctuation are kept, and a variant always keeps at least one word.
/// </summary>
public sealed class TextAugmenter(WordNetSynonyms synonyms)
{
    /// <summary>How often an attempt that happened to change nothing is repeated before giving up.</summary>
    private const int Attempts = 5;

    /// <summary>One variant of the text, drawn from the random source; the text itself when nothing in it can change.</summary>
    public string Augment(string text, Random random, AugmentationOptions options)
    {
        options.Validate();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var tokens = WordTokens.Of(text);
            ReplaceWithSynonyms(tokens, random, options.SynonymRate);
            SwapWords(tokens, random, options.SwapRate);
            DeleteWords(tokens, random, options.DeletionRate);
            var variant = tokens.ToString();
            if (variant != text) return variant;
        }
        return text;
    }

    /// <summary>
    /// Up to <see cref="AugmentationOptions.CopiesPerRecord"/> variants, each different from the text
    /// and from one another, the same for the same seed; fewer when the text allows no more.
    /// </summary>
    public IReadOnlyList<string> Variants(string text, int seed, AugmentationOptions options)
    {
        options.Validate();
        var random = new Random(seed);
        var variants = new List<string>();
        for (var attempt = 0; variants.Count < options.CopiesPerRecord && attempt < Attempts * options.CopiesPerRecord; attempt++)
        {
            var variant = Augment(text, random, options);
            if (variant != text && !variants.Contains(variant)) variants.Add(variant);
        }
        return variants;
    }

    private void ReplaceWithSynonyms(WordTokens tokens, Random random, double rate)
    {
        var words = tokens.WordPositions();
        if (rate == 0 || words.Count == 0) return;
        var candidates = words.Where(p => IsAlphabetic(tokens[p]) && !StopWords.Contains(tokens[p])).ToArray();
        random.Shuffle(candidates);
        var wanted = ChangeCount(rate, words.Count);
        foreach (var position in candidates)
        {
            if (wanted == 0) break;
            var choices = synonyms.For(tokens[position]);
            if (choices.Count == 0) continue;
            var synonym = choices[random.Next(choices.Count)];
            tokens[position] = char.IsUpper(tokens[position][0]) ? char.ToUpperInvariant(synonym[0]) + synonym[1..] : synonym;
            wanted--;
        }
    }

    private static void SwapWords(WordTokens tokens, Random random, double rate)
    {
        var words = tokens.WordPositions();
        if (rate == 0 || words.Count < 2) return;
        for (var swap = ChangeCount(rate, words.Count); swap > 0; swap--)
        {
            var first = words[random.Next(words.Count)];
            var second = words[random.Next(words.Count - 1)];
            if (second == first) second = words[^1]; // draws the second from the other words only
            (tokens[first], tokens[second]) = (tokens[second], tokens[first]);
        }
    }

    private static void DeleteWords(WordTokens tokens, Random random, double rate)
    {
        var words = tokens.WordPositions();
        if (rate == 0) return;
        var doomed = words.Where(p => !StopWords.Contains(tokens[p]) && random.NextDouble() < rate).ToList();
        if (doomed.Count < words.Count) tokens.Remove(doomed);
    }

    /// <summary>EDA's n: the rate's share of the words, at least one.</summary>
    private static int ChangeCount(double rate, int words) => Math.Max(1, (int)Math.Round(rate * words));

    private static bool IsAlphabetic(string word) => word.All(char.IsLetter);
}
