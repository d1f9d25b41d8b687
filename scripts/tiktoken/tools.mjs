// Loads js-tiktoken and tiktoken (the Rust core compiled to WASM) from .tools/node_modules.
// Install them with: cd .tools && npm ci
import { createRequire } from "node:module";

const require = createRequire(new URL("../../.tools/package.json", import.meta.url));

/** js-tiktoken: a pure JS port (its own regex: ASCII-only contractions, JS's \s). */
export function jsTiktoken() {
  const { Tiktoken } = require("js-tiktoken/lite");
  const ranks = require("js-tiktoken/ranks/cl100k_base");
  return { Tiktoken, ranks: ranks.default ?? ranks };
}

/** tiktoken: OpenAI's Rust implementation compiled to WASM, the reference. */
export function wasmTiktoken() {
  return require("tiktoken");
}
