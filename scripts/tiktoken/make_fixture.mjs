// Builds the tokenizer test fixtures in tests/FineTune.Tokenizers.Tests/Fixtures:
//   cl100k_base.tiktoken   cl100k_base's ranks (base64 token, space, rank per line), from js-tiktoken's copy
//   cl100k_mixed.txt       >= 100 KB of deterministic mixed text (UTF-8, written byte for byte)
//   cl100k_mixed.ids.json  the ids tiktoken (Rust core, WASM) gives that text with encode_ordinary
//   cl100k_cases.json      short tricky strings with their ids (ordinary, and with special tokens allowed)
//   utf8_replacement.json  random byte strings and what a WHATWG TextDecoder (U+FFFD per maximal subpart) makes of them
// Run: node scripts/tiktoken/make_fixture.mjs   (after: cd .tools && npm ci)
import { writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jsTiktoken, wasmTiktoken } from "./tools.mjs";
import { mixedText, rng } from "./mixed_text.mjs";

const fixtures = fileURLToPath(new URL("../../tests/FineTune.Tokenizers.Tests/Fixtures/", import.meta.url));
mkdirSync(fixtures, { recursive: true });

// ---- ranks: js-tiktoken stores them as lines "<prefix> <first rank> <base64 token> <base64 token> ..." ----
const { Tiktoken, ranks } = jsTiktoken();
const rankLines = [];
for (const line of ranks.bpe_ranks.split("\n").filter(Boolean)) {
  const [, offset, ...tokens] = line.split(" ");
  tokens.forEach((token, i) => rankLines.push([Number(offset) + i, token]));
}
rankLines.sort((a, b) => a[0] - b[0]);
writeFileSync(fixtures + "cl100k_base.tiktoken", rankLines.map(([rank, token]) => `${token} ${rank}\n`).join(""));

// ---- the mixed text and its ids ----
const { get_encoding } = wasmTiktoken();
const reference = get_encoding("cl100k_base");
const port = new Tiktoken(ranks);
const text = mixedText();
const bytes = Buffer.from(text, "utf8");
if (bytes.length < 100_000) throw new Error(`mixed text is only ${bytes.length} bytes`);
const ids = Array.from(reference.encode_ordinary(text));
const decoded = new TextDecoder().decode(reference.decode(new Uint32Array(ids)));
if (decoded !== text) throw new Error("tiktoken does not round-trip the mixed text");
const portIds = port.encode(text, [], []);
reportDifferences(ids, portIds);
writeFileSync(fixtures + "cl100k_mixed.txt", bytes);
writeFileSync(fixtures + "cl100k_mixed.ids.json", JSON.stringify(ids) + "\n");
console.log(`cl100k_mixed.txt: ${bytes.length} bytes, ${text.length} UTF-16 units, ${ids.length} ids`);

// ---- short cases ----
const cases = [
  "hello world", "Hello, World!", " leading space", "trailing space ", "  two leading", "tabs\tand\ttabs",
  "line\nbreaks\r\nand\rreturns", "\n\n\n", "   \n   ", "a  b   c    d", "1234567890", "3.14159", "v1.2.3-beta",
  "don't can't won't I'm we're they've she'll he'd", "DON'T IT'S WE'RE", "'s's's", "'ſx 'ſ 'Kx", "''", "'",
  "😀", "👨‍👩‍👧‍👦", "🇩🇪🇯🇵", "e\u0301", "日本語のテキスト", "한국어", "中文文本", "Привет, мир", "مرحبا بالعالم",
  "𝐀𝐁𝐂𝐃 𝟏𝟐𝟑𝟒𝟓", "  \ufeffhello", "a\ufeff b", "'ſt 'ſe", "\u00a0nbsp\u3000ideographic", "x\u0085y\u2028z", "<|endoftext|>", "a<|endoftext|>b",
  "<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>", "<|endofprompt|>", "<|endoftext", "<|im_start|>",
  "    def foo(self):\n        return 42\n", "{\"key\": [1, 2, 3]}", "https://example.com/path?q=1&r=2",
];
const caseRows = cases.map((c) => ({
  text: c,
  ordinary: Array.from(reference.encode_ordinary(c)),
  allSpecial: Array.from(reference.encode(c, "all")),
}));
writeFileSync(fixtures + "cl100k_cases.json", JSON.stringify(caseRows, null, 1) + "\n");
console.log(`cl100k_cases.json: ${caseRows.length} cases`);
reference.free();

// ---- UTF-8 replacement ----
const random = rng(7);
const interesting = [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90];
const utf8Rows = [];
for (let i = 0; i < 400; i++) {
  const length = 1 + Math.floor(random() * 12);
  const row = [];
  for (let k = 0; k < length; k++) row.push(random() < 0.7 ? interesting[Math.floor(random() * interesting.length)] : Math.floor(random() * 256));
  const decodedRow = new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(row));
  utf8Rows.push({ bytes: row, codePoints: Array.from(decodedRow).map((c) => c.codePointAt(0)) });
}
writeFileSync(fixtures + "utf8_replacement.json", JSON.stringify(utf8Rows) + "\n");
console.log(`utf8_replacement.json: ${utf8Rows.length} byte strings`);

// js-tiktoken is a port with its own regex; where it parts from the Rust core, say where and why.
function reportDifferences(expected, actual) {
  let first = 0;
  while (first < expected.length && expected[first] === actual[first]) first++;
  if (first === expected.length && expected.length === actual.length) {
    console.log("js-tiktoken agrees with tiktoken on the mixed text");
    return;
  }
  const context = new TextDecoder().decode(reference.decode(new Uint32Array(expected.slice(Math.max(0, first - 3), first + 5))));
  console.log(`js-tiktoken differs from tiktoken from id ${first} on, near ${JSON.stringify(context)}`);
}
