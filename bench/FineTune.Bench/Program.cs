// FineTune benchmarks: each compares the project's engine with a reference run in the same
// invocation (OpenBLAS, PyTorch) on this machine and prints the ratio.
//   dotnet run -c Release --project bench/FineTune.Bench -- <name> [options]
using FineTune.Bench;

var benchmarks = new Dictionary<string, (string Description, Func<string[], int> Run)>
{
    ["gemm"] = ("GEMM GFLOP/s on the model's shapes vs OpenBLAS", GemmBench.Run),
    ["train"] = ("training step tokens/s (forward, backward, AdamW) vs PyTorch", a => ModelBench.Run("train", a)),
    ["forward"] = ("forward tokens/s vs PyTorch", a => ModelBench.Run("forward", a)),
    ["decode"] = ("greedy decode tokens/s at batch 1 with a KV cache vs PyTorch", a => ModelBench.Run("decode", a)),
    ["tokenizer"] = ("encode MB/s on English text vs tiktoken", TokenizerBench.Run),
    ["curation"] = ("a raw 100,000-record chat file curated end to end vs a System.Text.Json parse", CurationBench.Run),
    ["evaluation"] = ("300 test examples evaluated on the base model: batched generation vs one at a time, and the whole EvaluationRunner", EvaluationBench.Run),
    ["int8"] = ("one decode step's products on SmolLM2-135M's shapes: 8-bit block weights vs fp32, with memory bandwidth", Int8Bench.Run),
    ["serving"] = ("continuous batching on the base model: 16 clients at batch 16 vs one at a time (tokens/s), and p95 latency / first token at 8 clients", ServingBench.Run),
    ["adapters"] = ("many LoRA adapters on one base in one batch vs the base alone and vs a merged model per adapter (tokens/s, memory)", AdapterServingBench.Run),
    ["gateway"] = ("the gateway under load: added latency p50/p99 vs calling a replica directly, then one of two replicas killed mid-run", GatewayBench.Run),
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var chosen))
{
    Console.Error.WriteLine("usage: FineTune.Bench <benchmark> [options]");
    foreach (var (name, (description, _)) in benchmarks) Console.Error.WriteLine($"  {name,-10} {description}");
    return args.Length == 0 ? 0 : 2;
}
return chosen.Run(args[1..]);
