#!/usr/bin/python3
"""PyTorch eager peer of skillmix's training step, for `scripts/bench model` only (never the tests).

The same Llama-family decoder as io.skillmix.model.CausalLM, built from a Hugging Face config.json
written by the Java side: tied embeddings, pre-norm layers of RMSNorm, grouped-query attention with
rotary positions (rotate_half convention) and a SwiGLU MLP. One step is what io.skillmix.learn.Trainer
does: forward, mean next-token cross-entropy, backward, global-norm clipping at 1.0, AdamW.

Prints one JSON line: parameters, seconds per step (median of rounds), torch version, threads.
Run with Debian's python3-torch (/usr/bin/python3) and OpenBLAS; see docs/BENCHMARKS.md.
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


class RmsNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x / torch.sqrt(x.square().mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, hd = c["hidden_size"], c["head_dim"]
        self.heads, self.kv_heads, self.hd = c["num_attention_heads"], c["num_key_value_heads"], hd
        bias = c.get("attention_bias", False)
        self.q_proj = nn.Linear(d, self.heads * hd, bias=bias)
        self.k_proj = nn.Linear(d, self.kv_heads * hd, bias=bias)
        self.v_proj = nn.Linear(d, self.kv_heads * hd, bias=bias)
        self.o_proj = nn.Linear(self.heads * hd, d, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.hd).transpose(1, 2)  # (B, H, T, hd)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.hd).transpose(1, 2)  # (B, kvH, T, hd)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        groups = self.heads // self.kv_heads
        k = k.repeat_interleave(groups, dim=1)  # Hugging Face's repeat_kv
        v = v.repeat_interleave(groups, dim=1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.hd) + mask  # (B, H, T, T)
        out = scores.softmax(-1) @ v  # (B, H, T, hd)
        return self.o_proj(out.transpose(1, 2).reshape(b, t, self.heads * self.hd))


class SwiGlu(nn.Module):
    def __init__(self, d, inner):
        super().__init__()
        self.gate_proj = nn.Linear(d, inner, bias=False)
        self.up_proj = nn.Linear(d, inner, bias=False)
        self.down_proj = nn.Linear(inner, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RmsNorm(c["hidden_size"], c["rms_norm_eps"])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RmsNorm(c["hidden_size"], c["rms_norm_eps"])
        self.mlp = SwiGlu(c["hidden_size"], c["intermediate_size"])

    def forward(self, x, cos, sin, mask):
        h = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return h + self.mlp(self.post_attention_layernorm(h))


class CausalLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RmsNorm(c["hidden_size"], c["rms_norm_eps"])
        self.lm_head = None if c["tie_word_embeddings"] else nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)

    def forward(self, ids):
        t = ids.shape[1]
        hd = self.c["head_dim"]
        inv = 1.0 / (self.c["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        freqs = torch.arange(t, dtype=torch.float32)[:, None] * inv[None, :]
        angles = torch.cat((freqs, freqs), -1)  # (T, hd)
        cos, sin = angles.cos(), angles.sin()
        mask = torch.full((t, t), -1e9).triu(1)  # causal: 0 on and below the diagonal
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        x = self.norm(x)
        head = self.embed_tokens.weight if self.lm_head is None else self.lm_head.weight
        return x @ head.t()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True, help="config.json of the architecture")
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--length", type=int, required=True, help="tokens per sequence fed to the model")
    p.add_argument("--steps", type=int, required=True, help="timed steps per round")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    with open(a.config) as f:
        c = json.load(f)
    model = CausalLM(c)
    for name, param in model.named_parameters():
        if param.dim() > 1:
            nn.init.normal_(param, std=0.02)
    decay = [q for q in model.parameters() if q.dim() > 1]
    no_decay = [q for q in model.parameters() if q.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.95), eps=1e-8)
    tokens = torch.randint(0, 256, (a.batch, a.length + 1))
    inputs, targets = tokens[:, :-1], tokens[:, 1:]

    def step():
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=False)  # skillmix clears its gradients in place too
        return loss.item()  # the host reads the loss, as the Java trainer does

    for _ in range(a.warmup):
        step()
    seconds = []
    for _ in range(a.rounds):
        start = time.perf_counter()
        for _ in range(a.steps):
            step()
        seconds.append((time.perf_counter() - start) / a.steps)
    print(json.dumps({
        "parameters": sum(q.numel() for q in model.parameters()),
        "step_seconds": statistics.median(seconds),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
