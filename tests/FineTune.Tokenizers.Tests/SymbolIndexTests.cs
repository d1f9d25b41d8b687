using FineTune.Tokenizers.Bpe;

namespace FineTune.Tokenizers.Tests;

/// <summary>The inline-slot lookup table against the plain linear search it stands in for.</summary>
public class SymbolIndexTests
{
    [Fact]
    public void Index_agrees_with_linear_search_on_present_and_absent_byte_strings()
    {
        var random = new Random(3);
        var symbols = new byte[]?[3000];
        var seen = new HashSet<string>();
        for (var id = 0; id < symbols.Length; id++)
        {
            if (id % 10 == 3) continue;   // gaps, as in tiktoken vocabularies
            var bytes = new byte[random.Next(1, 14)];
            random.NextBytes(bytes);
            if (random.Next(4) == 0) bytes[^1] = 0;   // trailing zeros must not collide with shorter strings
            if (seen.Add(Convert.ToHexString(bytes))) symbols[id] = bytes;
        }
        var index = new SymbolIndex(symbols);
        var probes = symbols.Where(s => s is not null).Select(s => s!)
            .Concat(Enumerable.Range(0, 3000).Select(_ => { var b = new byte[random.Next(0, 14)]; random.NextBytes(b); return b; }))
            .Concat(symbols.Where(s => s is { Length: < 8 }).Select(s => (byte[])[.. s!, 0]));
        foreach (var probe in probes)
        {
            var expected = SymbolIndex.LookupReference(symbols, probe, out var expectedId);
            Assert.Equal(expected, index.TryGetId(probe, out var id));
            Assert.Equal(expectedId, id);
        }
    }

    [Fact]
    public void Two_ids_with_the_same_bytes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new SymbolIndex([[1, 2], [3], [1, 2]]));
    }
}
