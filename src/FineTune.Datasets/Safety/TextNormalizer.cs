namespace FineTune.Datasets.Safety;

/// <summary>Makes typographic variants comparable before matching, so "can’t" reads as "can't".</summary>
internal static class TextNormalizer
{
    public static string Apostrophes(string text) => text.Replace('\u2019', '\'').Replace('\u2018', '\'');
}
