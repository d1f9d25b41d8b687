namespace FineTune.Tokenizers.Formats;

/// <summary>
/// tiktoken's <c>.tiktoken</c> rank files: one token per line, its bytes in base64, a space, and
/// its rank (which is its id and its merge priority).
/// </summary>
internal static class TiktokenFile
{
    public static byte[]?[] Read(string path)
    {
        var tokens = new List<(byte[] Bytes, int Rank)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var space = line.IndexOf(' ');
            if (space < 0 || !int.TryParse(line.AsSpan(space + 1), out var rank) || rank < 0)
                throw new TokenizerFormatException($"{Path.GetFileName(path)}:{lineNumber}", "expected '<base64 token> <rank>'");
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(line[..space]);
            }
            catch (FormatException)
            {
                throw new TokenizerFormatException($"{Path.GetFileName(path)}:{lineNumber}", "the token is not valid base64");
            }
            tokens.Add((bytes, rank));
        }
        var symbols = new byte[]?[tokens.Count == 0 ? 0 : tokens.Max(t => t.Rank) + 1];
        foreach (var (bytes, rank) in tokens)
        {
            if (symbols[rank] is not null) throw new TokenizerFormatException(Path.GetFileName(path), $"rank {rank} appears twice");
            symbols[rank] = bytes;
        }
        return symbols;
    }
}
