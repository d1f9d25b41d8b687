using FineTune.Models.Llama;
using FineTune.Tokenizers;
using FineTune.Tokenizers.Config;

namespace FineTune.Cli.Pretraining;

/// <summary>A model folder's files beside the weights: its tokenizer and tokenizer config.</summary>
internal static class BaseModelFiles
{
    /// <summary>The model and its tokenizer from a Hugging Face folder; errors name the missing file.</summary>
    public static (LlamaModel Model, Tokenizer Tokenizer) Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new ArgumentException($"model folder '{Path.GetFullPath(folder)}' does not exist.");
        var tokenizerPath = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(tokenizerPath)) throw new ArgumentException($"model folder '{folder}' has no tokenizer.json.");
        return (LlamaCheckpoints.Load(folder), Tokenizer.LoadHuggingFace(tokenizerPath));
    }

    /// <summary>ChatML, as Qwen2 and SmolLM2 write it, so fine-tuning on chats works on the base model out of the box.</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    public static void WriteTokenizerConfig(string folder, Tokenizer tokenizer, int contextLength)
    {
        var config = new TokenizerConfig
        {
            BosToken = CorpusText.EndOfText,
            EosToken = CorpusText.EndOfText,
            PadToken = CorpusText.EndOfText,
            AddBosToken = false,
            AddEosToken = false,
            ModelMaxLength = contextLength,
            ChatTemplate = tokenizer.SpecialTokens.ContainsKey("<|im_start|>") ? ChatMlTemplate : null,
        };
        File.WriteAllText(Path.Combine(folder, TokenizerConfig.FileName), config.ToJson());
    }
}
