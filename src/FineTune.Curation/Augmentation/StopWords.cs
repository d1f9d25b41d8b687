namespace FineTune.Curation.Augmentation;

/// <summary>
/// English function words augmentation leaves in place: replacing or dropping "not", "no" or "the"
/// changes what a sentence means or breaks its grammar, while adding nothing a model learns from.
/// </summary>
internal static class StopWords
{
    private static readonly HashSet<string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "an", "the", "and", "or", "but", "nor", "if", "then", "than", "so", "as",
        "of", "at", "by", "for", "with", "about", "to", "from", "in", "on", "into", "onto", "over", "under", "up", "down", "out", "off",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has", "have", "had",
        "will", "would", "can", "could", "shall", "should", "may", "might", "must",
        "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "it", "its", "they", "them", "their",
        "this", "that", "these", "those", "there", "here", "what", "which", "who", "whom", "when", "where", "why", "how",
        "not", "no", "all", "any", "each", "some", "very", "too", "just",
    };

    public static bool Contains(string word) => Words.Contains(word);
}
