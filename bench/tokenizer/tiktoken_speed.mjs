// Times cl100k_base encoding of a UTF-8 text file with js-tiktoken (pure JS) and tiktoken (Rust
// compiled to WASM), on one thread, and prints one JSON line that bench/FineTune.Bench's
// "tokenizer" benchmark reads:
//   node bench/tokenizer/tiktoken_speed.mjs <text file> [runs]
// Needs .tools/node_modules (cd .tools && npm ci).
import { readFileSync } from "node:fs";
import { jsTiktoken, wasmTiktoken } from "../../scripts/tiktoken/tools.mjs";

const [path, runsArg] = process.argv.slice(2);
if (!path) {
  console.error("usage: node tiktoken_speed.mjs <text file> [runs]");
  process.exit(2);
}
const runs = Number(runsArg ?? 5);
const text = readFileSync(path, "utf8");
const bytes = Buffer.byteLength(text, "utf8");

// Median seconds of `runs` timed calls after one warm-up call.
function time(encode) {
  const tokens = encode().length;
  const seconds = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    encode();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  seconds.sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)];
  return { tokens, seconds: median, mb_s: bytes / median / 1e6 };
}

const { Tiktoken, ranks } = jsTiktoken();
const port = new Tiktoken(ranks);
const js = time(() => port.encode(text, [], []));

const wasm = wasmTiktoken().get_encoding("cl100k_base");
const rust = time(() => wasm.encode_ordinary(text));
wasm.free();

console.log(JSON.stringify({ bytes, runs, js_tiktoken: js, tiktoken_wasm: rust, node: process.version }));
