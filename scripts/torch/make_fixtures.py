"""Writes the PyTorch parity fixtures that the C# engine tests compare against.

    /usr/bin/python3 scripts/torch/make_fixtures.py [--out tests/FineTune.Models.Tests/Fixtures]

PyTorch is needed only to regenerate the fixtures; the C# tests read the committed .bin files.
Gold values are computed in float64 from float32-representable initial parameters (so they are more
exact than the float32 engine they are compared with) and stored as float32. Running the script
twice yields identical bytes (one thread, fixed seeds, sorted JSON).

File format "FTTF", version 1, all integers little-endian (reader: TorchFixture.cs):

    magic          4 bytes   "FTTF"
    version        uint32    1
    json_length    uint32    byte length of the header that follows
    header         UTF-8 JSON: {"name", "config" (HF field names), "batch", "seq", "seed",
                   "ignore_index", "compute_dtype", "adamw" {...}, "torch", "format_version"}
    tensor_count   uint32
    tensor_count times:
        name_length uint16
        name        UTF-8
        dtype       uint8     0 = float32, 1 = int32
        ndim        uint8
        dims        int32[ndim]   (ndim 0 is a scalar holding one element)
        data        product(dims) elements, row-major, 4 bytes each

Tensors: input_ids (B,T) int32; targets (B,T) int32 with -100 on ignored positions;
param/<hf name> for every parameter; logits (B,T,V); loss (); grad/<hf name> for every
parameter; adamw_losses (N) and adamw_grad_norms (N): the loss and the pre-clipping global
gradient norm before each of N AdamW steps on the same batch, starting from the same parameters.
"""

import argparse
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama import IGNORE_INDEX, LlamaForCausalLM, decay_groups  # noqa: E402

MAGIC = b"FTTF"
FORMAT_VERSION = 1
DTYPE_CODES = {torch.float32: 0, torch.int32: 1}

ADAMW = {
    "steps": 10,
    "lr": 1e-2,
    "betas": [0.9, 0.95],
    "eps": 1e-8,
    "weight_decay": 0.1,
    "weight_decay_applies_to": "parameters with ndim >= 2 (others 0)",
    "max_grad_norm": 1.0,
}

MASKED_PREFIX = 3  # the first targets of each row are ignored, like masked prompt tokens

FIXTURES = {
    "gqa_tied": {
        "config": {
            "vocab_size": 96, "hidden_size": 48, "intermediate_size": 112,
            "num_hidden_layers": 2, "num_attention_heads": 6, "num_key_value_heads": 2,
            "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
            "tie_word_embeddings": True, "attention_bias": False,
        },
        "batch": 2, "seq": 12, "seed": 1234,
    },
    "bias_untied": {
        "config": {
            "vocab_size": 80, "hidden_size": 32, "intermediate_size": 80,
            "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 4,
            "rms_norm_eps": 1e-6, "rope_theta": 500000.0,
            "tie_word_embeddings": False, "attention_bias": True,
        },
        "batch": 3, "seq": 7, "seed": 4321,
    },
}


def make_batch(config, batch, seq, seed):
    generator = torch.Generator().manual_seed(seed + 1)
    vocab = config["vocab_size"]
    input_ids = torch.randint(0, vocab, (batch, seq), generator=generator)
    targets = torch.randint(0, vocab, (batch, seq), generator=generator)
    targets[:, :MASKED_PREFIX] = IGNORE_INDEX
    return input_ids, targets


def adamw_run(model, input_ids, targets):
    optimizer = torch.optim.AdamW(decay_groups(model, ADAMW["weight_decay"]), lr=ADAMW["lr"],
                                  betas=tuple(ADAMW["betas"]), eps=ADAMW["eps"])
    losses, norms = [], []
    for _ in range(ADAMW["steps"]):
        optimizer.zero_grad(set_to_none=True)
        _, loss = model(input_ids, targets)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), ADAMW["max_grad_norm"])
        losses.append(loss.item())
        norms.append(norm.item())
        optimizer.step()
    return torch.tensor(losses), torch.tensor(norms)


def build(name, spec):
    config, batch, seq, seed = spec["config"], spec["batch"], spec["seq"], spec["seed"]
    model = LlamaForCausalLM(config).init_weights(seed)
    initial = {n: p.detach().clone() for n, p in model.named_parameters()}  # float32 values
    model.double()
    input_ids, targets = make_batch(config, batch, seq, seed)

    logits, loss = model(input_ids, targets)
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters()}

    adamw_model = LlamaForCausalLM(config)
    adamw_model.load_state_dict(initial)
    adamw_model.double()
    adamw_losses, adamw_norms = adamw_run(adamw_model, input_ids, targets)

    header = {
        "name": name,
        "format_version": FORMAT_VERSION,
        "config": config,
        "batch": batch,
        "seq": seq,
        "seed": seed,
        "ignore_index": IGNORE_INDEX,
        "masked_prefix": MASKED_PREFIX,
        "compute_dtype": "float64",
        "stored_dtype": "float32",
        "adamw": ADAMW,
        "torch": torch.__version__,
    }
    tensors = [("input_ids", input_ids.to(torch.int32)), ("targets", targets.to(torch.int32))]
    tensors += [(f"param/{n}", p) for n, p in initial.items()]
    tensors += [("logits", logits.detach()), ("loss", loss.detach())]
    tensors += [(f"grad/{n}", g) for n, g in grads.items()]
    tensors += [("adamw_losses", adamw_losses), ("adamw_grad_norms", adamw_norms)]
    return header, tensors


def encode(header, tensors):
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    parts = [MAGIC, struct.pack("<II", FORMAT_VERSION, len(header_bytes)), header_bytes,
             struct.pack("<I", len(tensors))]
    for name, tensor in tensors:
        if tensor.is_floating_point():
            tensor = tensor.to(torch.float32)
        name_bytes = name.encode("utf-8")
        parts.append(struct.pack("<H", len(name_bytes)) + name_bytes)
        parts.append(struct.pack("<BB", DTYPE_CODES[tensor.dtype], tensor.ndim))
        parts.append(struct.pack(f"<{tensor.ndim}i", *tensor.shape))
        # numpy's "<" dtypes pin little-endian byte order whatever the host is
        little = "<f4" if tensor.dtype == torch.float32 else "<i4"
        parts.append(tensor.contiguous().numpy().astype(little).tobytes())
    return b"".join(parts)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "..", "tests", "FineTune.Models.Tests", "Fixtures")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.normpath(default_out))
    args = parser.parse_args()

    torch.set_num_threads(1)  # reduction order, and so every stored bit, independent of the host
    os.makedirs(args.out, exist_ok=True)
    for name, spec in FIXTURES.items():
        data = encode(*build(name, spec))
        path = os.path.join(args.out, f"{name}.bin")
        with open(path, "wb") as f:
            f.write(data)
        print(f"{path}: {len(data)} bytes")


if __name__ == "__main__":
    main()
