// A deterministic mixed text for tokenizer parity tests: English prose, code, numbers, whitespace
// runs (tabs, CRLF), emoji (ZWJ sequences, flags, skin tones), CJK, combining marks, Arabic,
// Hebrew, Cyrillic, Greek, astral letters and digits, contractions in odd cases, and special-token
// text left as plain text. Everything comes from a seeded generator and the lists below, so the
// same script always writes the same text.

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nouns = ("tokenizer model vocabulary merge byte string text sentence word piece table rank file test fixture " +
  "engine layer gradient tensor batch sequence kernel cache thread buffer pattern regex letter number space line " +
  "server client request response queue worker job checkpoint weight optimizer learning rate schedule loss step " +
  "river mountain city garden window kitchen morning evening library teacher student bicycle harbor lantern").split(" ");
const verbs = ("reads writes splits merges encodes decodes counts checks builds loads saves returns keeps drops " +
  "measures compares prints runs trains holds sends finds replaces joins walks carries opens closes").split(" ");
const adjectives = ("small large fast slow exact rare common short long quiet bright old new simple careful " +
  "hidden plain empty full early late strange familiar").split(" ");
const adverbs = "quickly slowly carefully exactly rarely often always never quietly".split(" ");
const names = "Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia Peggy".split(" ");
const contractions = ["don't", "can't", "won't", "it's", "we're", "they've", "I'm", "we'll", "she'd", "DON'T", "IT'S",
  "They'Re", "WE'LL", "o'clock", "rock'n'roll", "'tis", "y'all"];

function pick(random, list) {
  return list[Math.floor(random() * list.length)];
}

function sentence(random) {
  const subject = random() < 0.3 ? pick(random, names) : `the ${pick(random, adjectives)} ${pick(random, nouns)}`;
  const parts = [subject, pick(random, verbs), `a ${pick(random, nouns)}`];
  const r = random();
  if (r < 0.15) parts.push(pick(random, adverbs));
  else if (r < 0.3) parts.push(`and ${pick(random, contractions)} ${pick(random, verbs)} it`);
  else if (r < 0.4) parts.push(`(${Math.floor(random() * 10000)} times, about ${(random() * 100).toFixed(2)}%)`);
  else if (r < 0.48) parts.push(`— "${pick(random, adjectives)}", as ${pick(random, names)} said`);
  else if (r < 0.55) parts.push(`on ${2000 + Math.floor(random() * 30)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 10)}`);
  else if (r < 0.6) parts.push(`at https://example.org/${pick(random, nouns)}?id=${Math.floor(random() * 1e6)}`);
  const text = parts.join(" ");
  const end = pick(random, [".", ".", ".", "!", "?", "...", ";", ":"]);
  return text[0].toUpperCase() + text.slice(1) + end;
}

function prose(random, paragraphs) {
  const out = [];
  for (let p = 0; p < paragraphs; p++) {
    const count = 3 + Math.floor(random() * 6);
    const sentences = [];
    for (let s = 0; s < count; s++) sentences.push(sentence(random));
    out.push(sentences.join(random() < 0.1 ? "  " : " "));
  }
  return out.join(random() < 0.5 ? "\n\n" : "\n");
}

const essay = `
A byte-level tokenizer never meets a character it cannot encode: every string is, underneath,
a sequence of bytes, and the 256 single bytes are all in the vocabulary. What the vocabulary adds
on top are merges, learned from a corpus, that glue frequent neighbours into longer tokens. The
text is first cut into pre-tokens by a regular expression, so that a merge never crosses from a
word into the space before the next one, or from letters into digits.

Two rules decide which neighbours merge first. tiktoken looks at the bytes the pair would form and
asks for their rank; Hugging Face looks the pair itself up in its list of merges. For vocabularies
converted from one to the other the answers almost always agree, and the tests here check that
they do on this very text.

Numbers are cut into groups of at most three digits: 1234567 becomes 123, 456 and 7. Whitespace
is kept, but a run of spaces gives its last space to the word that follows it, which is why
"    return x" keeps its indentation apart from " return". Line breaks stay with the whitespace
before them.
`;

const csharp = `using System;
using System.Collections.Generic;

namespace Example
{
    /// <summary>Counts words in a text.</summary>
    public static class WordCounter
    {
        public static Dictionary<string, int> Count(string text)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                counts[word] = counts.TryGetValue(word, out var n) ? n + 1 : 1;
            }
            return counts;   // e.g. {"a": 2, "b": 1}
        }

        private static int Fibonacci(int n) => n < 2 ? n : Fibonacci(n - 1) + Fibonacci(n - 2);
    }
}
`;

const python = `import json
from dataclasses import dataclass


@dataclass
class Point:
    x: float
    y: float

    def norm(self) -> float:
        return (self.x ** 2 + self.y ** 2) ** 0.5


def main(argv: list[str]) -> int:
\tpoints = [Point(i, i * 0.5) for i in range(10)]
\tprint(json.dumps({"n": len(points), "max": max(p.norm() for p in points)}, indent=2))
\treturn 0  # tabs on purpose


if __name__ == "__main__":
    raise SystemExit(main([]))
`;

const javascript = "const xs = [1, 2, 3].map((x) => x * 2);\r\nif (xs.length !== 3) {\r\n  throw new Error(`bad: ${xs}`);\r\n}\r\n// CRLF line endings\r\n\r\n";

const json = JSON.stringify({
  name: "fixture",
  version: "1.0.0",
  tags: ["a", "b", "c"],
  nested: { deep: { deeper: [null, true, false, 0, -1.5e-7] } },
  unicode: "Grüße, Ñandú, Ærøskøbing",
}, null, 4);

const shell = `#!/usr/bin/env bash
set -euo pipefail
for f in *.txt; do
  wc -l "$f" | awk '{print $1}'   # count lines
done
echo "done: $(date +%Y-%m-%d)" >> /tmp/log.txt 2>&1
`;

const unicode = [
  "Emoji: 😀 😃 😄 😁 👍 👍🏽 👋🏿 ❤️ 🔥 ✨ 🎉 🚀 1️⃣ #️⃣ 👨‍👩‍👧‍👦 👩‍💻 🏳️‍🌈 🧑🏾‍🚀 🇩🇪 🇯🇵 🇺🇸 🇧🇷 🇮🇳",
  "Emoji next to letters: 😀abc abc😀def 123😀456 😀😀😀 a👍b x🇩🇪y",
  "中文：分词器把文本切成小块，然后合并常见的字节对。今天的天气很好，我们去公园散步吧。",
  "日本語：トークナイザーはテキストを小さな部分に分けます。ひらがな、カタカナ、漢字が混ざっています。",
  "한국어: 토크나이저는 텍스트를 작은 조각으로 나눕니다. 안녕하세요, 만나서 반갑습니다.",
  "Русский: Токенизатор делит текст на части. Съешь же ещё этих мягких французских булок, да выпей чаю.",
  "Українська: Гей, хлопці, не вспію — на ґанку ваш ґедзь.",
  "Ελληνικά: Ο γρήγορος καφέ αλεπού πηδά πάνω από τον τεμπέλη σκύλο.",
  "العربية: يقسم المحلل النص إلى أجزاء صغيرة، ثم يدمج الأزواج الشائعة. مرحبا بالعالم!",
  "עברית: המפרק מחלק את הטקסט לחלקים קטנים.",
  "हिन्दी: नमस्ते दुनिया, यह एक परीक्षण है।",
  "ไทย: สวัสดีชาวโลก",
  "Tiếng Việt: Xin chào thế giới, đây là một bài kiểm tra.",
  "Combining: e\u0301 a\u0300 o\u0308 n\u0303 Ame\u0301lie Zoe\u0308 a\u0308\u0301\u0302 x\u0336y\u0336z\u0336",
  "Astral letters and digits: 𝐀𝐁𝐂𝐃 𝒶𝒷𝒸𝒹 𝔄𝔅ℭ 𝟏𝟐𝟑𝟒𝟓𝟔𝟕 𐌰𐌱𐌲 𐐷𐐸 𠀀𠀁𠀂 a𝐀b 1𝟏2",
  "Spaces: a\u00a0b\u2003c\u3000d\u2009e \u00a0\u00a0f\u202fg  \ufeffh \u180ei",
  "Separators: x\u2028y\u2029z\u0085w\u000bv\u000cu",
  "Contractions: 's 'S 't 'T 're 'RE 'Re 'rE 've 'VE 'm 'M 'll 'LL 'lL 'd 'D ''s '''s 'x 'ſ 'ſx 'Kx",
  "Special-token text as plain text: <|endoftext|> <|fim_prefix|> <|fim_middle|> <|fim_suffix|> <|endofprompt|> <|endoftext <|im_start|>",
  "Math: ∀x ∈ ℝ, x² ≥ 0; ∑ᵢ aᵢ = ½ · π ≈ 3.14159; ⅓ + ⅔ = 1; ①②③ Ⅻ",
  "Punctuation runs: !!! ??? ... --- *** ### $$$ %%% &&& ((( ))) [[[ ]]] {{{ }}} ||| ~~~ ``` ''' \"\"\" <<< >>> ///",
];

function numbers(random) {
  const out = [];
  for (let i = 0; i < 120; i++) {
    const digits = 1 + Math.floor(random() * 20);
    let n = "";
    for (let d = 0; d < digits; d++) n += Math.floor(random() * 10);
    out.push(n);
  }
  out.push("0x7FFF_FFFF 0b1010 1e-9 -42 +17 3,141,592 2,718.28 (555) 123-4567 192.168.0.1 ١٢٣ ४५६ ٤٥٦");
  return out.join(" ");
}

function whitespace(random) {
  const pieces = [" ", "  ", "   ", "    ", "\t", "\t\t", "\n", "\n\n", "\r\n", "\r\n\r\n", " \n", "\n ", " \t ", "\u00a0", "\u3000"];
  let out = "";
  for (let i = 0; i < 300; i++) {
    out += pick(random, pieces);
    if (random() < 0.6) out += pick(random, ["x", "word", "12", "!", "😀", "é", "中"]);
  }
  return out;
}

// Random characters from long-assigned blocks (so every Unicode version agrees on their category).
function randomCharacters(random, count) {
  const pools = [
    [0x20, 0x7e], [0xa0, 0xff], [0x100, 0x17f], [0x300, 0x36f], [0x391, 0x3c9], [0x410, 0x44f], [0x5d0, 0x5ea],
    [0x621, 0x64a], [0x660, 0x669], [0x905, 0x939], [0x966, 0x96f], [0x2000, 0x200a], [0x2010, 0x2027], [0x2070, 0x2079],
    [0x2150, 0x2182], [0x2460, 0x249b], [0x3041, 0x3096], [0x30a1, 0x30fa], [0x4e00, 0x4fff], [0xac00, 0xad00],
    [0x1d400, 0x1d433], [0x1d7ce, 0x1d7ff], [0x1f600, 0x1f64f], [0x1f300, 0x1f320], [0x10330, 0x1034a], [0x20000, 0x20020],
  ];
  let out = "";
  for (let i = 0; i < count; i++) {
    const [lo, hi] = pick(random, pools);
    out += String.fromCodePoint(lo + Math.floor(random() * (hi - lo + 1)));
    if (random() < 0.08) out += pick(random, [" ", "\n", "  ", "'s", "\t"]);
  }
  return out;
}

export function mixedText() {
  const random = rng(20240517);
  const sections = [];
  sections.push(essay.trim());
  for (let round = 0; round < 9; round++) {
    sections.push(prose(random, 30));
    sections.push(pick(random, [csharp, python, javascript, json, shell]));
    sections.push(unicode[round % unicode.length], unicode[(round + 9) % unicode.length], unicode[(round + 18) % unicode.length]);
    sections.push(numbers(random));
    sections.push(whitespace(random));
    sections.push(randomCharacters(random, 500));
  }
  sections.push(csharp, python, javascript, json, shell, ...unicode);
  return sections.join("\n\n");
}
