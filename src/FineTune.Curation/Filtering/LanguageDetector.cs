using System.Collections.Frozen;
using System.Numerics;

namespace FineTune.Curation.Filtering;

/// <summary>
/// Guesses a text's language (ISO 639-1: en, de, fr, es, it, nl, pt, sv) from its function words — the
/// few dozen most frequent words of each language, which make up a large share of any running text. The
/// language whose list matches the most words wins; confidence is the share of matched words that are in
/// the winner's list. Too few words (under three), no match or a tie give "und" (undetermined). Cheap
/// enough to run over every record of a large upload: no allocation per word.
/// </summary>
public static class LanguageDetector
{
    public const string Undetermined = "und";

    private const int MinWords = 3;

    private static readonly (string Code, string Words)[] StopWords =
    [
        ("en", "the of and to a in is it you that he was for on are with as i his they be at one have this from or had by not but what we can were all your when there an which she do their if will would my been has me our its them than who could should am very"),
        ("de", "der die das und ist nicht ein eine einen zu den dem des mit sich von auf für im auch es an als wie wir ich sie er noch nach bei aus wird werden hat haben sind oder aber dass war wenn nur kann über schon diese mir uns"),
        ("fr", "le la les de des du un une et est en que qui dans pour pas ne au aux sur avec il elle ce cette se son sa ses nous vous ils je mais ou par plus sont été être leur très aussi comme tout y à"),
        ("es", "el la los las de del y en que un una es por con no para se su sus al lo como más pero le ya o este esta muy también hay está son fue ha sin sobre entre cuando todo yo me mi nos porque a"),
        ("it", "il lo la i gli le di del della che e è un una per non in con si da al alla dei delle sono come ma più anche ha nel nella questo questa se ci mi ti suo sua molto perché ho essere stato a"),
        ("nl", "de het een en van is dat die in op te met voor niet zijn er aan ook als maar om bij dan nog wel naar uit worden wordt door ze hij zij wij ik je we heeft hebben was of dit deze geen zo al kan wat tot"),
        ("pt", "o a os as de do da dos das e em no na nos nas um uma que é para com não por se mais como mas ao aos seu sua ele ela eu você isso este esta foi são está muito também pelo pela já ou há tem"),
        ("sv", "och att det som en i på är för med den till av inte jag har de om ett var men så han hon vi du kan sig ska eller från vid efter nu ut mycket också detta dessa när vara blev min sin"),
    ];

    /// <summary>For each stop word, a bit per language (bit i: <see cref="StopWords"/>[i]) whose list holds it.</summary>
    private static readonly FrozenDictionary<string, int> LanguagesOf = StopWords
        .SelectMany((language, index) => language.Words.Split(' ').Select(word => (word, bit: 1 << index)))
        .GroupBy(pair => pair.word, StringComparer.OrdinalIgnoreCase)
        .ToFrozenDictionary(group => group.Key, group => group.Aggregate(0, (mask, pair) => mask | pair.bit), StringComparer.OrdinalIgnoreCase);

    private static readonly int LongestStopWord = LanguagesOf.Keys.Max(word => word.Length);

    private static readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> LookUp =
        LanguagesOf.GetAlternateLookup<ReadOnlySpan<char>>();

    public static (string Language, double Confidence) Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<int> hits = stackalloc int[StopWords.Length];
        int words = 0, matched = 0;
        var span = text.AsSpan();
        for (var i = 0; i < span.Length;)
        {
            if (!char.IsLetter(span[i])) { i++; continue; }
            var start = i;
            while (i < span.Length && char.IsLetter(span[i])) i++;
            words++;
            if (i - start > LongestStopWord || !LookUp.TryGetValue(span[start..i], out var languages)) continue;
            matched++;
            for (var bits = languages; bits != 0; bits &= bits - 1) hits[BitOperations.TrailingZeroCount(bits)]++;
        }
        if (words < MinWords || matched == 0) return (Undetermined, 0);

        int best = 0, runnerUp = 0, winner = 0;
        for (var language = 0; language < hits.Length; language++)
        {
            if (hits[language] > best) (runnerUp, best, winner) = (best, hits[language], language);
            else if (hits[language] > runnerUp) runnerUp = hits[language];
        }
        return best == runnerUp ? (Undetermined, 0) : (StopWords[winner].Code, (double)best / matched);
    }
}
