namespace FineTune.Tokenizers.Config;

/// <summary>A tokenizer_config.json that cannot be read: the message names the file and the field.</summary>
public sealed class TokenizerConfigException : Exception
{
    public TokenizerConfigException(string source, string? field, string problem, Exception? inner = null)
        : base(field is null ? $"{source}: {problem}" : $"{source}: field '{field}' {problem}", inner)
    {
        ConfigSource = source;
        Field = field;
    }

    /// <summary>The file path, or whatever the caller named the text it parsed.</summary>
    public string ConfigSource { get; }

    /// <summary>The offending field; null when the file as a whole is unreadable.</summary>
    public string? Field { get; }
}
