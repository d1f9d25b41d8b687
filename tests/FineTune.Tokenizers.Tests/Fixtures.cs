using System.Text.Json;

namespace FineTune.Tokenizers.Tests;

/// <summary>The files under Fixtures/ (see Fixtures/README.md) and the tokenizers built from them, loaded once.</summary>
internal static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static readonly Lazy<Tokenizer> Cl100kLazy = new(() => Tokenizer.Cl100kBase(PathOf("cl100k_base.tiktoken")));

    /// <summary>cl100k_base; shared by the tests (tokenizers are thread-safe).</summary>
    public static Tokenizer Cl100k => Cl100kLazy.Value;

    private static readonly Lazy<string> MixedTextLazy = new(() => File.ReadAllText(PathOf("cl100k_mixed.txt")));

    public static string MixedText => MixedTextLazy.Value;

    private static readonly Lazy<int[]> MixedIdsLazy = new(() => JsonSerializer.Deserialize<int[]>(File.ReadAllText(PathOf("cl100k_mixed.ids.json")))!);

    public static int[] MixedIds => MixedIdsLazy.Value;

    public sealed record Case(string Text, int[] Ordinary, int[] AllSpecial);

    public static IReadOnlyList<Case> Cases { get; } =
        JsonSerializer.Deserialize<List<Case>>(File.ReadAllText(PathOf("cl100k_cases.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public sealed record Utf8Row(byte[] Bytes, int[] CodePoints);

    public static IReadOnlyList<Utf8Row> Utf8Rows { get; } = ReadUtf8Rows();

    private static List<Utf8Row> ReadUtf8Rows()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PathOf("utf8_replacement.json")));
        return document.RootElement.EnumerateArray().Select(row => new Utf8Row(
            row.GetProperty("bytes").EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray(),
            row.GetProperty("codePoints").EnumerateArray().Select(c => c.GetInt32()).ToArray())).ToList();
    }
}
