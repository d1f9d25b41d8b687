using FineTune.Curation.Augmentation;

namespace FineTune.Curation;

/// <summary>The service's settings (section <c>Curation</c>).</summary>
public sealed class CurationSettings
{
    public const string Section = "Curation";

    /// <summary>The largest upload accepted; larger ones get 413.</summary>
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>An upload with a larger share of bad lines is refused at once (a run may set its own rate).</summary>
    public double MaxErrorRate { get; set; } = 0.05;

    /// <summary>The base model's tokenizer.json: token lengths and the reference profile use its ids.</summary>
    public string Tokenizer { get; set; } = Path.Combine(AppContext.BaseDirectory, "Tokenizer", "tokenizer.json");

    /// <summary>The WordNet database augmentation draws synonyms from.</summary>
    public string WordNet { get; set; } = WordNetSynonyms.DefaultFolder;
}
