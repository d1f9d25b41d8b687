using System.Text;
using System.Text.RegularExpressions;

namespace FineTune.Tokenizers.Chat;

/// <summary>Reads the default system message out of a ChatML Jinja template's text.</summary>
internal static partial class ChatMlTemplate
{
    const string TurnEnd = "<|im_end|>";

    /// <summary>
    /// Finds a system turn whose content is literal text — the branch a template takes when the
    /// conversation has no system message — and returns that text (null when every system turn
    /// copies messages[0]). False when a system turn mixes literal text with an expression, which
    /// cannot be reproduced without running the template.
    /// </summary>
    /// <remarks>
    /// Templates write the turn inside a quoted Jinja string, <c>'&lt;|im_start|&gt;system\nYou are…&lt;|im_end|&gt;\n'</c>
    /// (the newline as the two characters <c>\n</c>), or as raw template text with a real newline.
    /// A string that ends right after <c>system\n</c> is the branch that appends messages[0].
    /// </remarks>
    public static bool TryReadDefaultSystemMessage(string template, out string? message)
    {
        message = null;
        foreach (Match start in SystemTurnStart().Matches(template))
        {
            var at = start.Index + start.Length;
            var quoted = start.Groups["newline"].Value == "\\n";
            var quote = quoted ? OpeningQuote(template, start.Index) : '\0';
            var text = new StringBuilder();
            while (true)
            {
                if (at >= template.Length) return false;
                if (string.CompareOrdinal(template, at, TurnEnd, 0, TurnEnd.Length) == 0)
                {
                    message = text.ToString();
                    return true;
                }
                var c = template[at];
                var endsLiteral = quoted ? c == quote : c == '{';
                if (endsLiteral)
                {
                    if (text.Length == 0) break;   // the copy-messages[0] branch: look further
                    return false;                  // literal text joined to an expression
                }
                if (quoted && c == '\\' && at + 1 < template.Length)
                {
                    text.Append(Unescape(template[at + 1]));
                    at += 2;
                    continue;
                }
                text.Append(c);
                at++;
            }
        }
        return true;
    }

    /// <summary>The quote that opens the Jinja string holding position <paramref name="index"/>.</summary>
    static char OpeningQuote(string template, int index)
    {
        var quoteAt = template.LastIndexOfAny(['\'', '"'], index);
        return quoteAt < 0 ? '\'' : template[quoteAt];
    }

    /// <summary>The character a backslash escape in a Jinja (Python) string stands for.</summary>
    static char Unescape(char escaped) => escaped switch
    {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        _ => escaped,   // \\ \' \"
    };

    [GeneratedRegex(@"<\|im_start\|>system(?<newline>\\n|\n)", RegexOptions.CultureInvariant)]
    private static partial Regex SystemTurnStart();
}
