using System.Collections.Concurrent;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace FineTune.Curation.Augmentation;

/// <summary>
/// Synonyms from the WordNet 3.0 database that Debian's wordnet-base installs: for a word, the
/// other lemmas of its most frequent sense in each part of speech. Loading reads only the four
/// index files (lemma → first synset offset); a synset is read from its data file on first use by
/// seeking to its byte offset, then cached, so a curation run pays only for the words it meets.
/// Safe to share between threads; dispose it to close the data files.
/// </summary>
public sealed class WordNetSynonyms : IDisposable
{
    public const string DefaultFolder = "/usr/share/wordnet";

    /// <summary>The licence the data comes under, as a dataset card records it.</summary>
    public const string Licence = "WordNet 3.0 licence, Princeton University (Debian package wordnet-base)";

    /// <summary>A synset's header (offset, lex file, type, word count, words) fits in this; longer lines grow the buffer.</summary>
    private const int FirstReadBytes = 1024;

    // the order For reports parts of speech in: nouns first, as the most common sense of a word usually is one
    private static readonly string[] PartsOfSpeech = ["noun", "verb", "adj", "adv"];

    // WordNet marks some adjectives' syntactic position after the word: predicate, attributive, immediately postnominal
    private static readonly string[] AdjectiveMarkers = ["(p)", "(a)", "(ip)"];

    private readonly string _folder;
    private readonly Dictionary<string, long>[] _firstSense;
    private readonly SafeFileHandle[] _data;
    private readonly ConcurrentDictionary<(int Pos, long Offset), string[]> _synsets = new();

    private WordNetSynonyms(string folder, Dictionary<string, long>[] firstSense, SafeFileHandle[] data)
    {
        _folder = folder;
        _firstSense = firstSense;
        _data = data;
    }

    /// <summary>Reads the index files; a missing file is named with how to install it.</summary>
    public static WordNetSynonyms Load(string folder = DefaultFolder)
    {
        foreach (var kind in new[] { "index", "data" })
            foreach (var pos in PartsOfSpeech)
            {
                var path = Path.Combine(folder, $"{kind}.{pos}");
                if (!File.Exists(path))
                    throw new FileNotFoundException($"WordNet file '{path}' is missing; scripts/install-dependencies.sh installs wordnet-base.", path);
            }
        var firstSense = PartsOfSpeech.Select(pos => ReadIndex(Path.Combine(folder, $"index.{pos}"))).ToArray();
        var data = PartsOfSpeech.Select(pos => File.OpenHandle(Path.Combine(folder, $"data.{pos}"))).ToArray();
        return new WordNetSynonyms(folder, firstSense, data);
    }

    /// <summary>
    /// The other lemmas of the word's most frequent sense in each part of speech, nouns, verbs,
    /// adjectives, adverbs in that order, spaces for WordNet's underscores, each once. Empty for a
    /// word WordNet lacks or whose most frequent senses hold it alone.
    /// </summary>
    public IReadOnlyList<string> For(string word)
    {
        var lemma = word.Trim().ToLowerInvariant().Replace(' ', '_');
        var synonyms = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { lemma };
        for (var pos = 0; pos < PartsOfSpeech.Length; pos++)
        {
            if (!_firstSense[pos].TryGetValue(lemma, out var offset)) continue;
            foreach (var other in _synsets.GetOrAdd((pos, offset), key => ReadSynset(key.Pos, key.Offset)))
                if (seen.Add(other)) synonyms.Add(other.Replace('_', ' '));
        }
        return synonyms;
    }

    public void Dispose()
    {
        foreach (var handle in _data) handle.Dispose();
    }

    private static Dictionary<string, long> ReadIndex(string path)
    {
        var firstSense = new Dictionary<string, long>(StringComparer.Ordinal);
        var lineNumber = 0;
        Span<Range> ranges = stackalloc Range[5];
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.StartsWith("  ", StringComparison.Ordinal) || line.Length == 0) continue; // the licence header
            // lemma pos synset_cnt p_cnt [ptr_symbol × p_cnt] sense_cnt tagsense_cnt synset_offset...
            var fields = line.AsSpan().TrimEnd();
            if (fields.Split(ranges, ' ') < 5 || !int.TryParse(fields[ranges[3]], out var pointerCount))
                throw new InvalidDataException($"{path}:{lineNumber}: not a WordNet index line.");
            var offsetField = SkipFields(fields[ranges[4].Start..], pointerCount + 2);
            var end = offsetField.IndexOf(' ');
            if (!long.TryParse(end < 0 ? offsetField : offsetField[..end], out var offset))
                throw new InvalidDataException($"{path}:{lineNumber}: no synset offset where one belongs.");
            firstSense[fields[ranges[0]].ToString()] = offset;
        }
        return firstSense;
    }

    private static ReadOnlySpan<char> SkipFields(ReadOnlySpan<char> fields, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var space = fields.IndexOf(' ');
            fields = space < 0 ? [] : fields[(space + 1)..];
        }
        return fields;
    }

    /// <summary>The words of the synset whose line starts at the byte offset, markers stripped.</summary>
    private string[] ReadSynset(int pos, long offset)
    {
        var path = Path.Combine(_folder, $"data.{PartsOfSpeech[pos]}");
        var line = ReadLine(_data[pos], offset);
        // synset_offset lex_filenum ss_type w_cnt(hex) [word lex_id × w_cnt] p_cnt ...
        var fields = line.Split(' ');
        if (fields.Length < 4 || !long.TryParse(fields[0], out var start) || start != offset
            || !int.TryParse(fields[3], System.Globalization.NumberStyles.HexNumber, null, out var wordCount) || fields.Length < 4 + 2 * wordCount)
            throw new InvalidDataException($"{path}: no synset starts at byte {offset}; the index and data files do not belong together.");
        return Enumerable.Range(0, wordCount).Select(i => WithoutMarker(fields[4 + 2 * i])).ToArray();
    }

    private static string ReadLine(SafeFileHandle file, long offset)
    {
        var buffer = new byte[FirstReadBytes];
        while (true)
        {
            var read = RandomAccess.Read(file, buffer, offset);
            var newline = Array.IndexOf(buffer, (byte)'\n', 0, read);
            if (newline >= 0 || read < buffer.Length)
                return Encoding.UTF8.GetString(buffer, 0, newline >= 0 ? newline : read);
            buffer = new byte[buffer.Length * 2];
        }
    }

    private static string WithoutMarker(string word)
    {
        foreach (var marker in AdjectiveMarkers)
            if (word.EndsWith(marker, StringComparison.Ordinal)) return word[..^marker.Length];
        return word;
    }
}
