using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace FineTune.Datasets.Pii;

/// <summary>
/// Replaces personal data in text with a placeholder per kind and counts what it replaced. Patterns
/// find candidates; checksums decide for the kinds that have one — a card number must pass Luhn, an
/// IBAN ISO 13616's mod-97, an IP address must parse — so order numbers and version strings survive.
/// Kinds are tried most specific first (e-mail before phone, card before phone), and each match is
/// replaced before the next kind looks, so one span is never counted twice.
/// </summary>
public static partial class PiiRedactor
{
    public static string Placeholder(PiiKind kind) => kind switch
    {
        PiiKind.Email => "[EMAIL]",
        PiiKind.CreditCard => "[CREDIT_CARD]",
        PiiKind.Iban => "[IBAN]",
        PiiKind.IpAddress => "[IP_ADDRESS]",
        PiiKind.Phone => "[PHONE]",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The text with every detected item replaced; <paramref name="counts"/> gains one per replacement.</summary>
    public static string Redact(string text, IDictionary<PiiKind, int> counts)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = Replace(text, EmailPattern(), PiiKind.Email, counts, _ => true);
        text = Replace(text, IbanPattern(), PiiKind.Iban, counts, IsIban);
        text = Replace(text, CardPattern(), PiiKind.CreditCard, counts, PassesLuhn);
        text = Replace(text, Ipv4Pattern(), PiiKind.IpAddress, counts, value => IPAddress.TryParse(value, out _));
        text = Replace(text, Ipv6Pattern(), PiiKind.IpAddress, counts,
            value => IPAddress.TryParse(value, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
        text = Replace(text, PhonePattern(), PiiKind.Phone, counts, value => value.Count(char.IsAsciiDigit) is >= 7 and <= 15);
        return text;
    }

    private static string Replace(string text, Regex pattern, PiiKind kind, IDictionary<PiiKind, int> counts, Func<string, bool> accept) =>
        pattern.Replace(text, match =>
        {
            if (!accept(match.Value)) return match.Value;
            counts[kind] = counts.TryGetValue(kind, out var n) ? n + 1 : 1;
            return Placeholder(kind);
        });

    /// <summary>Luhn's check over the digits (13–19 of them), separators ignored.</summary>
    public static bool PassesLuhn(string candidate)
    {
        var digits = candidate.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length is < 13 or > 19) return false;
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        return sum % 10 == 0;
    }

    /// <summary>ISO 13616: move the first four characters to the end, letters to 10–35, and the number mod 97 is 1.</summary>
    internal static bool IsIban(string candidate)
    {
        var compact = new StringBuilder();
        foreach (var c in candidate) if (c != ' ') compact.Append(char.ToUpperInvariant(c));
        if (compact.Length is < 15 or > 34) return false;
        var rearranged = compact.ToString(4, compact.Length - 4) + compact.ToString(0, 4);
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterUpper(c) ? c - 'A' + 10 : -1;
            if (value < 0) return false;
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder == 1;
    }

    [GeneratedRegex(@"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")]
    private static partial Regex EmailPattern();

    // two letters, two check digits, then 11–30 letters or digits, optionally in groups of four
    [GeneratedRegex(@"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")]
    private static partial Regex IbanPattern();

    [GeneratedRegex(@"\b\d(?:[ -]?\d){12,18}\b")]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"\b(?:\d{1,3}\.){3}\d{1,3}\b")]
    private static partial Regex Ipv4Pattern();

    // a run of hex digits and colons with at least two colons; IPAddress.TryParse decides
    [GeneratedRegex(@"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")]
    private static partial Regex Ipv6Pattern();

    // an optional +country code, then digits in groups split by spaces, dots, dashes or a bracketed area code
    [GeneratedRegex(@"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}(?![\w])")]
    private static partial Regex PhonePattern();
}
