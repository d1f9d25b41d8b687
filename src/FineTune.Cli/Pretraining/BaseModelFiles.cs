using FineTune.Tokenizers;
using FineTune.Tokenizers.Config;

namespace FineTune.Cli.Pretraining;

/// <summary>The tokenizer files a base model ships with besides tokenizer.json.</summary>
internal static class BaseModelFiles
{
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
