using System.Text;

namespace FineTune.Tokenizers.Chat;

/// <summary>Turns a <see cref="RenderedChat"/> into token ids and a loss mask.</summary>
public static class ChatTokenizer
{
    /// <summary>
    /// Encodes each run of adjacent text segments with the same trainability as one string — so the
    /// context around a special token tokenizes as it does in the whole rendered string — and looks
    /// up each special token by its string.
    /// </summary>
    /// <remarks>
    /// Tokens never straddle the line between context and reply: the header before an assistant's
    /// content and the content are encoded apart. This differs from tokenizing the whole string only
    /// where a pre-token could span that line (a reply starting with a newline, in ChatML), and keeps
    /// every trainable token wholly inside the reply.
    /// </remarks>
    /// <param name="encodeText">Encodes plain text, adding no BOS/EOS and treating special-token
    /// strings in it as text: message content must not be able to inject control tokens.</param>
    /// <param name="specialTokenId">The id of one special token; throws if the vocabulary lacks it.</param>
    public static TokenizedChat Tokenize(RenderedChat chat, Func<string, IReadOnlyList<int>> encodeText, Func<string, int> specialTokenId)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(encodeText);
        ArgumentNullException.ThrowIfNull(specialTokenId);
        var ids = new List<int>();
        var trainable = new List<bool>();
        var run = new StringBuilder();
        var runTrainable = false;

        void FlushRun()
        {
            if (run.Length == 0) return;
            foreach (var id in encodeText(run.ToString()))
            {
                ids.Add(id);
                trainable.Add(runTrainable);
            }
            run.Clear();
        }

        foreach (var segment in chat.Segments)
        {
            if (segment.IsSpecial)
            {
                FlushRun();
                var id = specialTokenId(segment.Text);
                if (id < 0)
                    throw new InvalidOperationException($"The special token '{segment.Text}' has no id in this vocabulary (got {id}).");
                ids.Add(id);
                trainable.Add(segment.Trainable);
                continue;
            }
            if (run.Length > 0 && segment.Trainable != runTrainable) FlushRun();
            runTrainable = segment.Trainable;
            run.Append(segment.Text);
        }
        FlushRun();
        return new TokenizedChat([.. ids], [.. trainable]);
    }
}
