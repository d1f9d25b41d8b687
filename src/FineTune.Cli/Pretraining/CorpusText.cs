using System.Text;
using FineTune.Tokenizers;

namespace FineTune.Cli.Pretraining;

/// <summary>
/// How a corpus text becomes one token stream, the same for training and for scoring. The corpus
/// (scripts/corpus/build-corpus.sh) ends every document with a line holding only &lt;|endoftext|&gt;;
/// paragraphs inside a document are separated by a blank line. Each document is encoded as text (a
/// literal "&lt;|endoftext|&gt;" inside one stays text) and followed by the real end-of-text token, so
/// the model learns where a text stops.
/// </summary>
internal static class CorpusText
{
    public const string EndOfText = "<|endoftext|>";

    /// <param name="progress">Receives the number of UTF-8 bytes consumed so far.</param>
    public static int[] Tokenize(string path, Tokenizer tokenizer, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var endOfText = tokenizer.SpecialTokens.TryGetValue(EndOfText, out var id) ? id
            : throw new ArgumentException($"the tokenizer has no {EndOfText} token to separate documents with.");
        var ids = new List<int>();
        long read = 0;
        foreach (var document in Documents(path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            tokenizer.Encode(document.AsSpan(), ids, SpecialTokenPolicy.AsText);
            ids.Add(endOfText);
            read += Encoding.UTF8.GetByteCount(document) + EndOfText.Length + 2;
            progress?.Invoke(read);
        }
        return ids.ToArray();
    }

    /// <summary>The documents of a corpus file, each without its closing marker line.</summary>
    public static IEnumerable<string> Documents(string path)
    {
        var current = new StringBuilder();
        foreach (var line in File.ReadLines(path))
        {
            if (line == EndOfText)
            {
                if (current.Length > 0) yield return current.ToString().TrimEnd('\n');
                current.Clear();
            }
            else current.Append(line).Append('\n');
        }
        var last = current.ToString().TrimEnd('\n');
        if (last.Length > 0) yield return last;
    }
}
