using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Testing;
using FineTune.Tokenizers;
using FineTune.Tokenizers.Chat;
using FineTune.Tokenizers.Config;

namespace FineTune.Cli.Tests;

/// <summary>The base model committed under models/ loads as any user's Hugging Face checkpoint would, and writes English.</summary>
public sealed partial class ShippedModelSpecs
{
    private static string Folder() => RepositoryFiles.PathOf("models", "finetune-base");

    [Fact]
    public void The_shipped_base_model_loads_through_the_hugging_face_loader_and_continues_a_prompt_in_words()
    {
        var model = LlamaCheckpoints.Load(Folder());
        var tokenizer = Tokenizer.LoadHuggingFace(Path.Combine(Folder(), "tokenizer.json"));
        Assert.Equal(tokenizer.VocabSize, model.Config.VocabSize);
        Assert.Contains($"| parameters | {model.ParameterCount:N0} |", File.ReadAllText(Path.Combine(Folder(), "README.md")));
        Assert.IsType<ChatMlFormat>(ChatFormats.Detect(TokenizerConfig.Read(Path.Combine(Folder(), TokenizerConfig.FileName)), "finetune-base"));

        var (english, words) = LooksEnglish(model, tokenizer);
        Assert.True(english, words);
        // the check tells trained from untrained: the same shape with random weights fails it
        Assert.False(LooksEnglish(LlamaModel.CreateRandom(model.Config, seed: 1), tokenizer).English);
    }

    /// <summary>
    /// Samples as the model card does and checks the text is mostly words, with the commonest
    /// English words among them at a rate real English text has (about a fifth to a third of words).
    /// </summary>
    private static (bool English, string Words) LooksEnglish(LlamaModel model, Tokenizer tokenizer)
    {
        var options = new SamplingOptions { Temperature = 0.8f, TopK = 40, MaxNewTokens = 48, Seed = 1 };
        var results = new LlamaGenerator(new InferenceSession(model))
            .Generate([tokenizer.Encode("In the beginning"), tokenizer.Encode("To configure the network,")], options);
        var words = results.SelectMany(r => WordPattern().Matches(tokenizer.Decode(r.TokenIds.ToArray(), skipSpecialTokens: true)))
            .Select(m => m.Value.ToLowerInvariant()).ToList();
        string[] common = ["the", "of", "and", "to", "a", "in", "is", "that", "for", "with", "be", "are", "he", "his", "it", "as"];
        return (words.Count >= 30 && words.Count(common.Contains) >= words.Count / 6, string.Join(' ', words));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\p{L}+")]
    private static partial System.Text.RegularExpressions.Regex WordPattern();
}
