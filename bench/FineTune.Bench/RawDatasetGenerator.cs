using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FineTune.Bench;

/// <summary>
/// Writes a seeded, deterministic raw chat JSONL file for the curation benchmark: product reviews
/// labelled positive / neutral / negative (about 500 bytes a line), with the kinds of noise the
/// samples' raw files carry, at fixed rates: exact and near duplicates, HTML, whitespace, PII
/// (emails, +1 555 phones, Luhn-valid card numbers, IBANs) and malformed lines. Each noisy line has
/// exactly one kind. Reviews are assembled from several sentence pools with numbers in them, so
/// clean lines are nearly all distinct and a near-duplicate finder has real work to do.
/// </summary>
internal static class RawDatasetGenerator
{
    /// <summary>Planted noise, by kind, as rates of all lines; the rest are clean.</summary>
    public static readonly (string Kind, double Rate)[] Noise =
    [
        ("exact_duplicate", 0.03), ("near_duplicate", 0.03), ("html", 0.04), ("whitespace", 0.04), ("pii", 0.05),
        ("malformed_truncated_json", 0.00125), ("malformed_missing_role", 0.00125),
        ("malformed_empty_content", 0.00125), ("malformed_invalid_utf8", 0.00125),
    ];

    private const string SystemPrompt = "Classify the sentiment of the customer review as positive, neutral or negative.";
    // stands where the invalid bytes go; never produced by the pools
    private const string InvalidBytesMark = "§§";
    private static readonly byte[] InvalidUtf8 = [0xFF, 0xFE, 0xE9];
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Openers =
    [
        "Bought it for my mother.", "Ordered it online last month.", "Got it on sale.", "This was a birthday present.",
        "I replaced my old one with this.", "My partner picked this out.", "Second purchase from this shop.",
        "Saw it recommended on a forum.", "Needed one for the new flat.", "Picked it up in store on a whim.",
        "I had been comparing models for weeks.", "A friend lent me hers first, then I bought my own.",
    ];
    private static readonly string[] Adjectives =
    [
        "stainless", "compact", "cordless", "bamboo", "ceramic", "foldable", "wireless", "insulated", "cast iron",
        "glass", "rechargeable", "waterproof", "ergonomic", "vintage", "lightweight", "heavy duty", "smart", "mini",
    ];
    private static readonly string[] Products =
    [
        "kettle", "toaster", "duvet", "frying pan", "desk lamp", "blender", "backpack", "rain jacket", "coffee grinder",
        "office chair", "water bottle", "headphones", "bread knife", "yoga mat", "alarm clock", "shower head",
        "cutting board", "travel mug", "hair dryer", "bike light", "laundry basket", "doormat", "speaker", "keyboard",
        "phone case", "tea pot", "pillow", "saucepan", "thermometer", "umbrella",
    ];
    private static readonly string[][] Verdicts =
    [
        [
            "Really happy with the {0}.", "Five stars for this {0}.", "The {0} works perfectly and looks great.",
            "Best {0} I have owned in {1} years.", "Would buy this {0} again without thinking.", "The {0} exceeded what I expected.",
        ],
        [
            "The {0} is fine, I guess.", "Decent {0} for the price.", "The {0} does the job, nothing more.",
            "It is an average {0}, no complaints and no praise.", "The {0} is okay after {1} weeks of use.", "Neither good nor bad, just a {0}.",
        ],
        [
            "The {0} broke after {1} days.", "Very disappointed with this {0}.", "The {0} stopped working within a week.",
            "I returned the {0} after {1} days.", "Cheap feeling {0}, would not recommend.", "The {0} arrived scratched and it wobbles.",
        ],
    ];
    private static readonly string[] Details =
    [
        "Delivery took {1} days.", "It came in {2} packaging.", "The colour is {2} in person.", "It weighs about {1}00 grams.",
        "The instructions were {2}.", "Customer service answered within {1} hours.", "Setup took {1} minutes.",
        "The box said it was made in {3}.", "I paid {1} pounds for it.", "The cable is {1}0 centimetres long.",
        "My kids use it every day.", "It fits nicely on the shelf by the {4}.", "The handle gets warm after {1} minutes.",
        "It is louder than my old one.", "The finish feels {2} to the touch.", "Cleaning it takes a minute or two.",
        "It came with {1} spare parts.", "The battery lasts about {1} hours.", "I use it mostly in the {4}.",
        "The price went up by {1} percent a week later.",
    ];
    private static readonly string[] Qualities = ["plain", "sturdy", "flimsy", "elegant", "dull", "bright", "confusing", "clear", "recycled", "excessive"];
    private static readonly string[] Countries = ["Portugal", "Vietnam", "Poland", "Mexico", "Turkey", "Germany", "India", "Canada"];
    private static readonly string[] Rooms = ["kitchen", "hallway", "garage", "bedroom", "office", "balcony", "bathroom", "studio"];
    private static readonly string[] Closers =
    [
        "That is all.", "Hope this helps someone.", "Thanks for reading.", "Would love a blue version.", "Shipping was quick.",
        "Overall a fair deal.", "Will update this review later.", "Ask me anything about it.",
    ];
    private static readonly string[] Names = ["aisha.khan", "j.smith", "maria.lopez", "t.nguyen", "o.adeyemi", "l.muller", "k.tanaka", "p.novak"];
    // class sizes are uneven on purpose so oversampling has something to do
    private static readonly double[] LabelShares = [0.55, 0.27, 0.18];
    private static readonly string[] Labels = ["positive", "neutral", "negative"];

    /// <summary>What was written: the lines and bytes, and how many lines of each noise kind.</summary>
    public sealed record Written(string Path, int Lines, long Bytes, IReadOnlyDictionary<string, int> Planted);

    public static Written Write(string path, int records, int seed)
    {
        var random = new Random(seed);
        // earlier clean lines to copy from; a bounded pool keeps memory flat at any record count
        var pool = new List<(string User, string Label)>(4096);
        var planted = Noise.ToDictionary(n => n.Kind, _ => 0);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (var line = 0; line < records; line++)
        {
            var kind = pool.Count == 0 ? null : Pick(random);
            var (user, label) = kind is "exact_duplicate" or "near_duplicate" ? pool[random.Next(pool.Count)] : (Review(random, out var drawn), drawn);
            string text;
            switch (kind)
            {
                case "exact_duplicate": text = Chat(user, label); break;
                case "near_duplicate": text = Chat(NearCopy(user, random), label); break;
                case "html": text = Chat(Html(user, random), label); break;
                case "whitespace": text = Chat(Whitespace(user, random), label); break;
                case "pii": text = Chat($"{user} {Pii(random)}", label); break;
                case "malformed_truncated_json": var whole = Chat(user, label); text = whole[..random.Next(20, whole.Length - 10)]; break;
                case "malformed_missing_role": text = Chat(user, label).Replace("{\"role\": \"user\", ", "{", StringComparison.Ordinal); break;
                case "malformed_empty_content": text = Chat(user, ""); break;
                case "malformed_invalid_utf8": text = Chat(user.Insert(user.IndexOf(' ', StringComparison.Ordinal) + 1, InvalidBytesMark), label); break;
                default:
                    text = Chat(user, label);
                    if (pool.Count < pool.Capacity) pool.Add((user, label));
                    else pool[random.Next(pool.Count)] = (user, label);
                    break;
            }
            if (kind is not null) planted[kind]++;
            WriteLine(file, text);
        }
        return new Written(path, records, file.Length, planted);
    }

    private static string? Pick(Random random)
    {
        var draw = random.NextDouble();
        foreach (var (kind, rate) in Noise)
            if ((draw -= rate) < 0) return kind;
        return null;
    }

    private static string Review(Random random, out string label)
    {
        var draw = random.NextDouble();
        var sentiment = draw < LabelShares[0] ? 0 : draw < LabelShares[0] + LabelShares[1] ? 1 : 2;
        label = Labels[sentiment];
        var product = $"{Pick(random, Adjectives)} {Pick(random, Products)}";
        var text = new StringBuilder(Pick(random, Openers));
        text.Append(' ').Append(Fill(Pick(random, Verdicts[sentiment]), product, random));
        for (var i = random.Next(3, 6); i > 0; i--) text.Append(' ').Append(Fill(Pick(random, Details), product, random));
        text.Append(' ').Append(Fill(Pick(random, Verdicts[sentiment]), product, random));
        if (random.Next(2) == 0) text.Append(' ').Append(Pick(random, Closers));
        return text.ToString();
    }

    private static string Fill(string template, string product, Random random) =>
        string.Format(null, template, product, random.Next(2, 60), Pick(random, Qualities), Pick(random, Countries), Pick(random, Rooms));

    private static string NearCopy(string user, Random random) => random.Next(4) switch
    {
        0 => user.ToUpperInvariant(),
        1 => user.ToLowerInvariant(),
        2 => user.Remove(random.Next(user.Length), 1),
        _ => user.TrimEnd('.', '!', '?'),
    };

    private static string Html(string user, Random random) => random.Next(3) switch
    {
        0 => $"<p>{user}</p>",
        1 => user.Replace(". ", ".<br> ", StringComparison.Ordinal) + "&nbsp;",
        _ => $"<b>{user.Replace(" and ", " &amp; ", StringComparison.Ordinal)}</b> It&#39;s here.",
    };

    private static string Whitespace(string user, Random random) => random.Next(3) switch
    {
        0 => $"  {user} \t",
        1 => user.Replace(". ", ".   ", StringComparison.Ordinal),
        _ => $"\n{user}\n\n",
    };

    private static string Pii(Random random) => random.Next(4) switch
    {
        0 => $"Write to me at {Pick(random, Names)}{random.Next(10, 99)}@example.com.",
        1 => $"Call me on +1 555 {random.Next(100, 1000)} {random.Next(1000, 10000)}.",
        2 => $"I paid with card {CardNumber(random)}.",
        _ => $"Refund to IBAN {Iban(random)} please.",
    };

    /// <summary>Sixteen digits starting 4 with a Luhn check digit, grouped in fours.</summary>
    private static string CardNumber(Random random)
    {
        var digits = new int[16];
        digits[0] = 4;
        for (var i = 1; i < 15; i++) digits[i] = random.Next(10);
        var sum = 0;
        for (var i = 14; i >= 0; i--)
        {
            // doubled: every second digit counting left from the check digit
            var d = (14 - i) % 2 == 0 ? digits[i] * 2 : digits[i];
            sum += d > 9 ? d - 9 : d;
        }
        digits[15] = (10 - sum % 10) % 10;
        var text = string.Concat(digits);
        return $"{text[..4]} {text[4..8]} {text[8..12]} {text[12..]}";
    }

    /// <summary>A German IBAN (DE, 2 check digits, 18 digits) whose mod-97 check holds.</summary>
    private static string Iban(Random random)
    {
        var account = string.Concat(Enumerable.Range(0, 18).Select(_ => random.Next(10)));
        // check digits: 98 - (account + "DE00" as digits, D=13 E=14) mod 97
        var remainder = 0;
        foreach (var c in account + "131400") remainder = (remainder * 10 + (c - '0')) % 97;
        return $"DE{98 - remainder:D2}{account}";
    }

    private static string Pick(Random random, string[] pool) => pool[random.Next(pool.Length)];

    private static string Chat(string user, string reply) =>
        $"{{\"messages\": [{{\"role\": \"system\", \"content\": {Json(SystemPrompt)}}}, {{\"role\": \"user\", \"content\": {Json(user)}}}, " +
        $"{{\"role\": \"assistant\", \"content\": {Json(reply)}}}]}}";

    private static string Json(string text) => JsonSerializer.Serialize(text, Relaxed);

    private static void WriteLine(Stream file, string text)
    {
        var parts = text.Split(InvalidBytesMark);
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) file.Write(InvalidUtf8);
            file.Write(Encoding.UTF8.GetBytes(parts[i]));
        }
        file.WriteByte((byte)'\n');
    }
}
