using System.Text;
using System.Text.Json;

namespace FineTune.Models.Formats;

/// <summary>
/// Hugging Face's <c>generation_config.json</c>: the sampling defaults a model ships with. Every
/// field is optional (null when the file leaves it out); fields not listed here are ignored.
/// </summary>
public sealed record GenerationConfig
{
    public const string FileName = "generation_config.json";

    public int? BosTokenId { get; init; }

    /// <summary>Every id that ends generation; the file may give one integer or a list.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public int? EosTokenId => EosTokenIds.Count > 0 ? EosTokenIds[0] : null;
    public int? PadTokenId { get; init; }
    public bool? DoSample { get; init; }
    public float? Temperature { get; init; }
    public int? TopK { get; init; }
    public float? TopP { get; init; }
    public float? RepetitionPenalty { get; init; }
    public int? MaxNewTokens { get; init; }

    public static GenerationConfig Read(string path) => Parse(File.ReadAllText(path), path);

    /// <param name="source">Names the file in error messages.</param>
    /// <exception cref="ModelFormatException">A known field has the wrong type.</exception>
    public static GenerationConfig Parse(string json, string source = FileName)
    {
        var fields = JsonObjectReader.Parse(json, source);
        return new GenerationConfig
        {
            BosTokenId = fields.OptionalInt("bos_token_id"),
            EosTokenIds = fields.IntOrIntList("eos_token_id"),
            PadTokenId = fields.OptionalInt("pad_token_id"),
            DoSample = fields.OptionalBool("do_sample"),
            Temperature = (float?)fields.OptionalDouble("temperature"),
            TopK = fields.OptionalInt("top_k"),
            TopP = (float?)fields.OptionalDouble("top_p"),
            RepetitionPenalty = (float?)fields.OptionalDouble("repetition_penalty"),
            MaxNewTokens = fields.OptionalInt("max_new_tokens"),
        };
    }

    public void Write(string path) => AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(ToJson()));

    /// <summary>Keys in alphabetical order as <c>transformers</c> writes them; null fields are left out.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            if (BosTokenId is { } bos) json.WriteNumber("bos_token_id", bos);
            if (DoSample is { } doSample) json.WriteBoolean("do_sample", doSample);
            WriteEos(json);
            if (MaxNewTokens is { } maxNewTokens) json.WriteNumber("max_new_tokens", maxNewTokens);
            if (PadTokenId is { } pad) json.WriteNumber("pad_token_id", pad);
            if (RepetitionPenalty is { } penalty) json.WriteNumber("repetition_penalty", penalty);
            if (Temperature is { } temperature) json.WriteNumber("temperature", temperature);
            if (TopK is { } topK) json.WriteNumber("top_k", topK);
            if (TopP is { } topP) json.WriteNumber("top_p", topP);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private void WriteEos(Utf8JsonWriter json)
    {
        switch (EosTokenIds.Count)
        {
            case 0: return;
            case 1: json.WriteNumber("eos_token_id", EosTokenIds[0]); return;
            default:
                json.WriteStartArray("eos_token_id");
                foreach (var id in EosTokenIds) json.WriteNumberValue(id);
                json.WriteEndArray();
                return;
        }
    }

    // A record compares lists by reference; two configs with the same eos ids are the same config.
    public bool Equals(GenerationConfig? other) =>
        other is not null
        && BosTokenId == other.BosTokenId && EosTokenIds.SequenceEqual(other.EosTokenIds) && PadTokenId == other.PadTokenId
        && DoSample == other.DoSample && Temperature == other.Temperature && TopK == other.TopK && TopP == other.TopP
        && RepetitionPenalty == other.RepetitionPenalty && MaxNewTokens == other.MaxNewTokens;

    public override int GetHashCode() =>
        HashCode.Combine(BosTokenId, EosTokenId, PadTokenId, DoSample, Temperature, TopK, TopP, HashCode.Combine(RepetitionPenalty, MaxNewTokens));
}
