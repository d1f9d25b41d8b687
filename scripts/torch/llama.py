"""A plain PyTorch Llama with Hugging Face semantics, the reference the C# engine is checked against.

No `transformers`: every layer is written out so that the maths can be read next to the C# engine.
Parameter names are exactly Hugging Face's (model.layers.{i}.self_attn.q_proj.weight, ...), so a
state_dict from here lines up with a `model.safetensors` from the Hub and with the C# named slices.

Shapes: B batch, T time, C hidden_size, V vocab_size, NH query heads, NKV key/value heads,
D head dim (C / NH), I intermediate_size.

The config is a dict with Hugging Face's field names:
    vocab_size, hidden_size, intermediate_size, num_hidden_layers, num_attention_heads,
    num_key_value_heads, rms_norm_eps, rope_theta, tie_word_embeddings, attention_bias
(optional: head_dim).
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

IGNORE_INDEX = -100  # targets with this value do not count in the loss (masked prompt tokens)
INIT_STD = 0.02  # std of the normal initialisation of matrices, embeddings and biases


def head_dim(config):
    return config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]


class RMSNorm(nn.Module):
    # x: (B,T,C), weight: (C,)  ->  x * rsqrt(mean(x^2) + eps) * weight
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        inv_rms = torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return x * inv_rms * self.weight


def rope_cos_sin(positions, dim, theta, dtype):
    # positions: (T,) -> cos, sin: (T,D). Frequencies follow HF: 1 / theta^(2j/D) for j < D/2,
    # then the table is duplicated along D to match the rotate_half pairing (i, i + D/2).
    inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
    angles = positions.to(torch.float64)[:, None] * inv_freq[None, :]  # (T, D/2)
    angles = torch.cat((angles, angles), dim=-1)  # (T, D)
    return angles.cos().to(dtype), angles.sin().to(dtype)


def rotate_half(x):
    # (..., D) -> (..., D): [x1, x2] -> [-x2, x1] with x1, x2 the two halves of the last dim
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rope(x, cos, sin):
    # x: (B,H,T,D), cos/sin: (T,D)
    return x * cos + rotate_half(x) * sin


class Attention(nn.Module):
    def __init__(self, config):
        super().__init__()
        c = config["hidden_size"]
        self.n_head = config["num_attention_heads"]
        self.n_kv_head = config["num_key_value_heads"]
        self.head_dim = head_dim(config)
        self.rope_theta = config["rope_theta"]
        bias = bool(config.get("attention_bias", False))
        self.q_proj = nn.Linear(c, self.n_head * self.head_dim, bias=bias)  # (NH*D, C)
        self.k_proj = nn.Linear(c, self.n_kv_head * self.head_dim, bias=bias)  # (NKV*D, C)
        self.v_proj = nn.Linear(c, self.n_kv_head * self.head_dim, bias=bias)  # (NKV*D, C)
        self.o_proj = nn.Linear(self.n_head * self.head_dim, c, bias=False)  # (C, NH*D)

    def forward(self, x, past_len=0, cache=None):
        # x: (B,T,C) -> (B,T,C). With a cache (a dict holding "k", "v" of shape (B,NKV,past_len,D)
        # or nothing yet), this chunk's keys and values are appended to it and attended to as well.
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.n_head, self.head_dim).transpose(1, 2)  # (B,NH,T,D)
        k = self.k_proj(x).view(b, t, self.n_kv_head, self.head_dim).transpose(1, 2)  # (B,NKV,T,D)
        v = self.v_proj(x).view(b, t, self.n_kv_head, self.head_dim).transpose(1, 2)  # (B,NKV,T,D)

        positions = torch.arange(past_len, past_len + t, device=x.device)
        cos, sin = rope_cos_sin(positions, self.head_dim, self.rope_theta, x.dtype)
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)

        if cache is not None:
            if "k" in cache:
                k = torch.cat((cache["k"], k), dim=2)
                v = torch.cat((cache["v"], v), dim=2)
            cache["k"], cache["v"] = k, v

        # grouped-query attention: query head h reads key/value head h // (NH / NKV)
        group = self.n_head // self.n_kv_head
        k = k.repeat_interleave(group, dim=1)  # (B,NH,S,D), S = past_len + T
        v = v.repeat_interleave(group, dim=1)

        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)  # (B,NH,T,S)
        s = k.shape[2]
        # query i sits at position past_len + i and may see keys 0 .. past_len + i
        allowed = torch.ones(t, s, dtype=torch.bool, device=x.device).tril(diagonal=s - t)
        scores = scores.masked_fill(~allowed, float("-inf"))
        y = F.softmax(scores, dim=-1) @ v  # (B,NH,T,D)
        y = y.transpose(1, 2).reshape(b, t, self.n_head * self.head_dim)
        return self.o_proj(y)


class MLP(nn.Module):
    # x: (B,T,C) -> down(silu(gate(x)) * up(x)): (B,T,C); gate, up: (I,C), down: (C,I)
    def __init__(self, config):
        super().__init__()
        c, i = config["hidden_size"], config["intermediate_size"]
        self.gate_proj = nn.Linear(c, i, bias=False)
        self.up_proj = nn.Linear(c, i, bias=False)
        self.down_proj = nn.Linear(i, c, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        c, eps = config["hidden_size"], config["rms_norm_eps"]
        self.input_layernorm = RMSNorm(c, eps)
        self.self_attn = Attention(config)
        self.post_attention_layernorm = RMSNorm(c, eps)
        self.mlp = MLP(config)

    def forward(self, x, past_len=0, cache=None):
        # pre-norm residual blocks: x + attn(norm(x)), then x + mlp(norm(x))
        x = x + self.self_attn(self.input_layernorm(x), past_len, cache)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embed_tokens = nn.Embedding(config["vocab_size"], config["hidden_size"])  # (V,C)
        self.layers = nn.ModuleList(DecoderLayer(config) for _ in range(config["num_hidden_layers"]))
        self.norm = RMSNorm(config["hidden_size"], config["rms_norm_eps"])


class LlamaForCausalLM(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = dict(config)
        self.model = LlamaModel(config)
        self.tied = bool(config.get("tie_word_embeddings", False))
        if not self.tied:
            self.lm_head = nn.Linear(config["hidden_size"], config["vocab_size"], bias=False)  # (V,C)

    def init_weights(self, seed):
        """normal(0, INIT_STD) for matrices, embeddings and biases (so biases are non-zero and
        exercised), ones for norms; drawn in float32 from a generator seeded with `seed`, in
        named_parameters order, so the values are reproducible and float32-representable."""
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name.endswith("layernorm.weight") or name == "model.norm.weight":
                    p.fill_(1.0)
                else:
                    values = torch.randn(p.shape, generator=generator, dtype=torch.float32)
                    p.copy_(values * INIT_STD)
        return self

    def output_weight(self):
        # (V,C): tied models read logits through the embedding table
        return self.model.embed_tokens.weight if self.tied else self.lm_head.weight

    def forward(self, input_ids, targets=None, cache=None):
        """input_ids: (B,T) int64 -> logits (B,T,V), and the loss when targets (B,T) are given.

        Targets are used as given (no shifting here); the loss is the mean cross-entropy over
        positions whose target is not IGNORE_INDEX. `cache`, when given, is a list with one dict
        per layer that this call extends; positions continue after what it already holds."""
        past_len = cache[0]["k"].shape[2] if cache and "k" in cache[0] else 0
        x = self.model.embed_tokens(input_ids)  # (B,T,C)
        for i, layer in enumerate(self.model.layers):
            x = layer(x, past_len, cache[i] if cache is not None else None)
        x = self.model.norm(x)
        logits = x @ self.output_weight().t()  # (B,T,V)
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                               ignore_index=IGNORE_INDEX, reduction="mean")
        return logits, loss

    def new_cache(self):
        return [{} for _ in self.model.layers]

    @torch.no_grad()
    def generate_greedy(self, prompt_ids, new_tokens):
        """prompt_ids: (1,P) -> (1,P+new_tokens). The prompt fills the KV cache in one pass; each
        later step feeds only the newest token and attends to the cached keys and values."""
        cache = self.new_cache()
        logits, _ = self(prompt_ids, cache=cache)
        out = [prompt_ids]
        for step in range(new_tokens):
            next_id = logits[:, -1, :].argmax(dim=-1, keepdim=True)  # (1,1)
            out.append(next_id)
            if step + 1 < new_tokens:
                logits, _ = self(next_id, cache=cache)
        return torch.cat(out, dim=1)


def decay_groups(model, weight_decay):
    """AdamW parameter groups: weight decay on matrices and embeddings (ndim >= 2), none on norms
    and biases."""
    params = list(model.parameters())
    return [
        {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
        {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
    ]


def param_count(model):
    return sum(p.numel() for p in model.parameters())
