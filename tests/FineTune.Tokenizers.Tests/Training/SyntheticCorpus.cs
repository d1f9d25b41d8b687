namespace FineTune.Tokenizers.Tests.Training;

/// <summary>
/// English-looking text from a fixed seed: words drawn with a Zipf-like skew from a lexicon of
/// real words and a few thousand pronounceable made-up ones (two to four syllables), capitals after
/// full stops, commas, numbers and paragraph breaks — the shapes the Llama 3 split pattern cares
/// about, and more distinct words than a 4096-token vocabulary can hold whole.
/// </summary>
internal static class SyntheticCorpus
{
    /// <summary>Made-up words added to the lexicon.</summary>
    const int InventedWords = 6000;

    static readonly string[] Syllables =
    [
        "ba", "be", "bi", "bo", "bu", "ca", "co", "cu", "da", "de", "di", "do", "fa", "fe", "fi", "fo",
        "ga", "ge", "go", "ha", "he", "hi", "ho", "ja", "jo", "ka", "ke", "ki", "ko", "la", "le", "li",
        "lo", "lu", "ma", "me", "mi", "mo", "mu", "na", "ne", "ni", "no", "nu", "pa", "pe", "pi", "po",
        "ra", "re", "ri", "ro", "ru", "sa", "se", "si", "so", "su", "ta", "te", "ti", "to", "tu", "va",
        "ve", "vi", "vo", "wa", "we", "wi", "za", "zo", "ter", "ston", "mer", "ing", "tion", "al",
        "ent", "ous", "ble", "ment", "ver", "ly", "str", "ght", "ph", "th", "sh", "ch", "qu", "ck",
    ];

    static readonly string[] Words = [.. RealWords(), .. Invent(InventedWords, seed: 1234)];

    static string[] Invent(int count, int seed)
    {
        var random = new Random(seed);
        var words = new string[count];
        for (var i = 0; i < count; i++)
            words[i] = string.Concat(Enumerable.Range(0, random.Next(2, 5)).Select(_ => Syllables[random.Next(Syllables.Length)]));
        return words;
    }

    static string[] RealWords() =>
    [
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by",
        "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had",
        "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if",
        "more", "when", "will", "would", "who", "so", "no", "package", "system", "file", "files",
        "program", "license", "software", "source", "code", "version", "free", "copyright", "debian",
        "distribute", "modify", "terms", "conditions", "library", "documentation", "install",
        "installation", "configuration", "directory", "default", "option", "options", "command",
        "commands", "user", "users", "server", "network", "kernel", "memory", "process", "processes",
        "function", "functions", "value", "values", "string", "number", "error", "errors", "warning",
        "output", "input", "standard", "interface", "implementation", "example", "examples", "support",
        "provided", "without", "warranty", "merchantability", "fitness", "particular", "purpose",
        "general", "public", "permission", "granted", "redistribution", "binary", "forms", "notice",
        "following", "disclaimer", "materials", "author", "authors", "contributors", "liability",
        "damages", "however", "caused", "theory", "contract", "strict", "negligence", "otherwise",
        "arising", "possibility", "such", "damage", "tokenizer", "vocabulary", "training", "model",
        "language", "weights", "gradient", "optimizer", "learning", "rate", "batch", "sequence",
        "attention", "layer", "layers", "embedding", "matrix", "vector", "tensor", "quickly", "brown",
        "fox", "jumps", "over", "lazy", "dog", "between", "through", "during", "before", "after",
        "above", "below", "under", "again", "further", "then", "once", "here", "where", "why", "how",
    ];

    /// <summary>Paragraphs of about <paramref name="approximateChars"/> characters in all.</summary>
    public static List<string> Paragraphs(int approximateChars, int seed)
    {
        var random = new Random(seed);
        var paragraphs = new List<string>();
        var total = 0;
        var text = new System.Text.StringBuilder();
        while (total < approximateChars)
        {
            text.Clear();
            var sentences = random.Next(2, 7);
            for (var s = 0; s < sentences; s++)
            {
                var words = random.Next(4, 18);
                for (var w = 0; w < words; w++)
                {
                    var word = Words[ZipfIndex(random)];
                    if (w == 0) word = char.ToUpperInvariant(word[0]) + word[1..];
                    if (w > 0) text.Append(' ');
                    text.Append(random.Next(40) == 0 ? random.Next(2000).ToString() : word);
                    if (w < words - 1 && random.Next(9) == 0) text.Append(',');
                }
                text.Append(random.Next(12) == 0 ? "?" : ".");
                if (s < sentences - 1) text.Append(' ');
            }
            text.Append("\n\n");
            paragraphs.Add(text.ToString());
            total += text.Length;
        }
        return paragraphs;
    }

    /// <summary>Index i with probability roughly ∝ 1/(i+1): a few words dominate, as in real text.</summary>
    static int ZipfIndex(Random random)
    {
        var harmonic = Math.Log(Words.Length + 1);
        var index = (int)(Math.Exp(random.NextDouble() * harmonic) - 1);
        return Math.Min(index, Words.Length - 1);
    }
}
