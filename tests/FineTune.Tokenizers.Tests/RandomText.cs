using System.Text;

namespace FineTune.Tokenizers.Tests;

/// <summary>Seeded random strings biased toward what splitters and encoders get wrong.</summary>
internal static class RandomText
{
    // Characters and short strings that sit on the split patterns' edges.
    private static readonly string[] Atoms =
    [
        " ", "  ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u3000", "\u2028", "\u0085", "\v", "\f", "\ufeff",
        "'", "'s", "'S", "'re", "'RE", "'ll", "'lL", "'ve", "'m", "'d", "'t", "'ſ", "'x",
        "a", "Z", "é", "e\u0301", "ß", "ſ", "Ж", "ж", "λ", "ا", "ש", "中", "の", "한", "ก",
        "0", "7", "١", "٣", "४", "²", "½", "Ⅻ", "①",
        "!", ".", ",", "-", "_", "$", "<", "|", ">", "\"", "(", "]", "€", "™", "\u00ad", "\u200d",
        "😀", "👍🏽", "🇩🇪", "👨‍👩‍👧", "𝐀", "𝒶", "𝟏", "𝟗", "𐌰", "𐐷", "𠀀", "\U0001F9D1",
    ];

    public static string Next(Random random, int maxAtoms, bool loneSurrogates = false)
    {
        var text = new StringBuilder();
        var count = random.Next(maxAtoms + 1);
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(100);
            if (roll < 70) text.Append(Atoms[random.Next(Atoms.Length)]);
            else if (roll < 85) text.Append((char)random.Next(0x20, 0x7f));
            else if (roll < 95) text.Append(RandomScalar(random));
            else if (loneSurrogates) text.Append((char)random.Next(0xD800, 0xE000));
            else text.Append(' ', random.Next(1, 6));
        }
        return text.ToString();
    }

    /// <summary>Any Unicode scalar (BMP or astral, assigned or not), never a surrogate.</summary>
    public static string RandomScalar(Random random)
    {
        while (true)
        {
            var value = random.Next(3) == 0 ? random.Next(0x10000, 0x110000) : random.Next(0, 0x10000);
            if (value is < 0xD800 or > 0xDFFF) return char.ConvertFromUtf32(value);
        }
    }
}
