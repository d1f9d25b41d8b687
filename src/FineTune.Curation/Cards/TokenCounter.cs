using System.Security.Cryptography;
using FineTune.Datasets;
using FineTune.Tokenizers;

namespace FineTune.Curation.Cards;

/// <summary>
/// Counts a record's tokens with the base model's tokenizer, split the way serving sees a request:
/// the prompt (every message before the reply, or the text) and the completion (the reply). Special
/// token text in data is counted as plain text, never as control tokens. Thread-safe.
/// </summary>
public sealed class TokenCounter(Tokenizer tokenizer, string name)
{
    /// <summary>The tokenizer's file name and SHA-256, so a profile is never compared across vocabularies.</summary>
    public string Name { get; } = name;

    public int VocabularySize => tokenizer.VocabSize;

    public static TokenCounter Load(string tokenizerJsonPath)
    {
        if (!File.Exists(tokenizerJsonPath))
            throw new FileNotFoundException($"The tokenizer '{tokenizerJsonPath}' (setting 'Curation:Tokenizer') does not exist.", tokenizerJsonPath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tokenizerJsonPath)));
        return new TokenCounter(Tokenizer.LoadHuggingFace(tokenizerJsonPath), $"{Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(tokenizerJsonPath)))}/{Path.GetFileName(tokenizerJsonPath)} sha256:{hash[..16]}");
    }

    public (int Prompt, int Completion) Count(TaskRecord record) => record switch
    {
        ChatRecord chat => (chat.Prompt.Sum(m => Count(m.Content)), Count(chat.Reply)),
        ClassRecord labelled => (Count(labelled.Text), 0),
        TextRecord text => (Count(text.Text), 0),
        _ => throw new ArgumentOutOfRangeException(nameof(record), record.GetType().Name, "unknown record shape"),
    };

    /// <summary>Adds one to <paramref name="counts"/>[id] for every prompt token of the record.</summary>
    public void AddPromptTokens(TaskRecord record, long[] counts, List<int> scratch)
    {
        IEnumerable<string> prompt = record switch
        {
            ChatRecord chat => chat.Prompt.Select(m => m.Content),
            ClassRecord labelled => [labelled.Text],
            TextRecord text => [text.Text],
            _ => [],
        };
        foreach (var text in prompt)
        {
            scratch.Clear();
            tokenizer.Encode(text, scratch, SpecialTokenPolicy.AsText);
            foreach (var id in scratch) counts[id]++;
        }
    }

    private int Count(string text) => tokenizer.CountTokens(text, SpecialTokenPolicy.AsText);
}
