using System.Text.Json;
using FineTune.Models.Formats;

namespace FineTune.Models.Tests.Formats;

public sealed class GenerationConfigTests
{
    [Fact]
    public void ReadsKnownFieldsAndIgnoresTheRest()
    {
        // Shaped like Llama 3.2 Instruct's generation_config.json.
        const string json = """
            {
              "bos_token_id": 128000,
              "do_sample": true,
              "eos_token_id": [128001, 128008, 128009],
              "temperature": 0.6,
              "top_p": 0.9,
              "transformers_version": "4.45.0.dev0",
              "some_future_field": {"nested": [1, 2]}
            }
            """;

        var config = GenerationConfig.Parse(json);

        Assert.Equal(128000, config.BosTokenId);
        Assert.True(config.DoSample);
        Assert.Equal([128001, 128008, 128009], config.EosTokenIds);
        Assert.Equal(128001, config.EosTokenId);
        Assert.Equal(0.6f, config.Temperature);
        Assert.Equal(0.9f, config.TopP);
        Assert.Null(config.TopK);
        Assert.Null(config.PadTokenId);
        Assert.Null(config.RepetitionPenalty);
        Assert.Null(config.MaxNewTokens);
    }

    [Fact]
    public void ReadsASingleEosId()
    {
        var config = GenerationConfig.Parse("""{"eos_token_id": 2, "pad_token_id": null}""");
        Assert.Equal([2], config.EosTokenIds);
        Assert.Null(config.PadTokenId);
    }

    [Theory]
    [InlineData("""{"top_k": "50"}""", "top_k")]
    [InlineData("""{"eos_token_id": [1, "2"]}""", "eos_token_id")]
    [InlineData("""{"do_sample": "yes"}""", "do_sample")]
    [InlineData("""{"temperature": [0.7]}""", "temperature")]
    public void RejectsMistypedFieldsNamingThem(string json, string field)
    {
        var error = Assert.Throws<ModelFormatException>(() => GenerationConfig.Parse(json, "gen.json"));
        Assert.Equal(field, error.Field);
        Assert.Contains("gen.json", error.Message);
    }

    [Theory]
    [InlineData(new[] { 2 })]
    [InlineData(new[] { 2, 7 })]
    public void RoundTripsEveryField(int[] eos)
    {
        var config = new GenerationConfig
        {
            BosTokenId = 1, EosTokenIds = eos, PadTokenId = 0, DoSample = false, Temperature = 0.7f,
            TopK = 50, TopP = 0.95f, RepetitionPenalty = 1.1f, MaxNewTokens = 256,
        };

        var json = config.ToJson();

        Assert.Equal(config, GenerationConfig.Parse(json));
        using var document = JsonDocument.Parse(json);
        Assert.Equal(eos.Length == 1 ? JsonValueKind.Number : JsonValueKind.Array, document.RootElement.GetProperty("eos_token_id").ValueKind);
        Assert.Equal("0.7", document.RootElement.GetProperty("temperature").GetRawText());
    }

    [Fact]
    public void EmptyConfigWritesNoFields()
    {
        using var document = JsonDocument.Parse(new GenerationConfig().ToJson());
        Assert.Empty(document.RootElement.EnumerateObject());
    }
}
