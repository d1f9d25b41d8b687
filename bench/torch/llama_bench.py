"""PyTorch speed reference for the C# engine: times the plain Llama of scripts/torch/llama.py in
float32 on the CPU and prints one JSON line.

    /usr/bin/python3 bench/torch/llama_bench.py --config small --mode train --batch 4 --seq 128

Modes:
  train    forward + backward + AdamW step; tokens/s = batch * seq / seconds per step
  forward  forward under no_grad;            tokens/s = batch * seq / seconds per step
  decode   greedy generation at batch 1 with a KV cache: a --seq token prompt, then --tokens new
           tokens one at a time; a "step" is one whole generation, tokens/s = new tokens / seconds
           (the prompt pass is included in the time, as a user would see it)

Configs (random weights; only the shape matters for speed):
  small    vocab 8192, hidden 256, intermediate 688, 8 layers, 8 heads, 4 kv heads (head dim 32),
           untied lm_head: 9,998,592 parameters
  smollm2  SmolLM2-135M's shape: vocab 49152, hidden 576, intermediate 1536, 30 layers, 9 heads,
           3 kv heads (head dim 64), tied embeddings: 134,515,008 parameters
"""

import argparse
import json
import os
import sys
import time


def _pin_blas_threads():
    """Debian's PyTorch does its matrix products in OpenBLAS, whose own thread pool ignores
    torch.set_num_threads and starts one thread per core. Pin it to --threads before torch loads
    it, so "one thread" means one thread, as it does for the C# engine."""
    threads = None
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            threads = sys.argv[i + 1]
        elif arg.startswith("--threads="):
            threads = arg.split("=", 1)[1]
    if threads is not None:
        os.environ["OPENBLAS_NUM_THREADS"] = threads


_pin_blas_threads()
import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "torch"))
from llama import LlamaForCausalLM, decay_groups, param_count  # noqa: E402

CONFIGS = {
    "small": {
        "vocab_size": 8192, "hidden_size": 256, "intermediate_size": 688,
        "num_hidden_layers": 8, "num_attention_heads": 8, "num_key_value_heads": 4,
        "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "tie_word_embeddings": False, "attention_bias": False,
    },
    "smollm2": {
        "vocab_size": 49152, "hidden_size": 576, "intermediate_size": 1536,
        "num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3,
        "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "tie_word_embeddings": True, "attention_bias": False,
    },
}


def make_step(model, args):
    """Returns (run one timed step, tokens that step processes or produces)."""
    vocab = model.config["vocab_size"]
    generator = torch.Generator().manual_seed(0)
    if args.mode == "decode":
        prompt = torch.randint(0, vocab, (1, args.seq), generator=generator)
        return (lambda: model.generate_greedy(prompt, args.tokens)), args.tokens

    input_ids = torch.randint(0, vocab, (args.batch, args.seq), generator=generator)
    targets = torch.randint(0, vocab, (args.batch, args.seq), generator=generator)
    tokens = args.batch * args.seq
    if args.mode == "forward":
        def forward():
            with torch.no_grad():
                model(input_ids)
        return forward, tokens

    optimizer = torch.optim.AdamW(decay_groups(model, 0.1), lr=1e-4, betas=(0.9, 0.95), eps=1e-8)

    def train():
        optimizer.zero_grad(set_to_none=True)
        _, loss = model(input_ids, targets)
        loss.backward()
        optimizer.step()
    return train, tokens


def main():
    parser = argparse.ArgumentParser(description="PyTorch CPU speed reference for the C# Llama engine")
    parser.add_argument("--config", choices=sorted(CONFIGS), default="small")
    parser.add_argument("--mode", choices=["train", "forward", "decode"], default="forward")
    parser.add_argument("--batch", type=int, default=4, help="batch size (train/forward; decode is batch 1)")
    parser.add_argument("--seq", type=int, default=128, help="sequence length; the prompt length for decode")
    parser.add_argument("--tokens", type=int, default=32, help="new tokens to generate (decode)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(),
                        help="OpenBLAS threads, and PyTorch's own unless --intra-op-threads says otherwise")
    parser.add_argument("--intra-op-threads", type=int, default=None,
                        help="torch.set_num_threads; on 2 cores PyTorch's OpenMP threads and OpenBLAS's "
                             "threads spin against each other, and 1 is often faster")
    parser.add_argument("--steps", type=int, default=5, help="timed steps")
    parser.add_argument("--warmup", type=int, default=1, help="untimed steps first")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.set_num_threads(args.intra_op_threads or args.threads)
    config = CONFIGS[args.config]
    model = LlamaForCausalLM(config).init_weights(args.seed)  # float32
    step, tokens = make_step(model, args)

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds_per_step = (time.perf_counter() - start) / args.steps

    print(json.dumps({
        "mode": args.mode,
        "config": args.config,
        "batch": 1 if args.mode == "decode" else args.batch,
        "seq": args.seq,
        "tokens_per_step": tokens,
        "tokens_per_s": tokens / seconds_per_step,
        "seconds_per_step": seconds_per_step,
        "params": param_count(model),
        "threads": args.threads,
        "intra_op_threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
