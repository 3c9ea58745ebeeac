#!/usr/bin/env python3
"""An independent Llama reference: greedy ids and log-probabilities for a Hugging Face folder.

Test-only. It shares no code with skillmix: it reads config.json and the safetensors file with
json + numpy (no safetensors package), and computes the forward pass in float32 with torch,
following Hugging Face's modeling_llama.py: RMSNorm (x * rsqrt(mean(x^2) + eps) * weight),
rotate_half rotary with inv_freq = 1 / theta^(arange(0, d, 2) / d), grouped-query attention
(repeat_kv: query head h reads key/value head h // groups), SwiGLU MLP
(down(silu(gate(x)) * up(x))), lm_head tied to the embeddings when tie_word_embeddings says so.
Every step recomputes the whole sequence (no KV cache), one prompt at a time (no padding), so
the skillmix test that reads this output checks caching, batching and left padding as well.

Usage (Debian's python3-torch):
  /usr/bin/python3 bench/reference_llama.py src/test/resources/models/stories260K \
      > src/test/resources/reference/stories260K-greedy.json
"""
import json
import math
import struct
import sys

import numpy as np
import torch

# The prompts of the test: the command first (40 greedy steps, full log-softmax rows),
# then shorter ones that go into the same batch with left padding.
PROMPTS = [[1, 403, 407, 261, 378], [1, 306], [1, 50, 60, 70, 80, 90, 100, 110]]
STEPS = 40
TOP = 5

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64}


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.astype(np.float32))
    return tensors


class Llama:
    def __init__(self, folder):
        with open(folder + "/config.json") as f:
            c = json.load(f)
        self.c = c
        self.w = read_safetensors(folder + "/model.safetensors")
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads", self.heads)
        self.head_dim = c.get("head_dim") or c["hidden_size"] // self.heads
        self.eps = c["rms_norm_eps"]
        d = self.head_dim
        self.inv_freq = 1.0 / (c.get("rope_theta", 10000.0)
                               ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
        self.head = (self.w["model.embed_tokens.weight"] if c.get("tie_word_embeddings")
                     else self.w["lm_head.weight"])

    def rms_norm(self, x, weight):
        variance = x.pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(variance + self.eps))

    @staticmethod
    def rotate_half(x):
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    def logits(self, ids):
        """(T, V) logits of one unpadded sequence."""
        w = self.w
        t = len(ids)
        x = w["model.embed_tokens.weight"][torch.tensor(ids)]  # (T, D)
        positions = torch.arange(t).float()
        freqs = positions[:, None] * self.inv_freq[None, :]  # (T, d/2)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None], emb.sin()[None]  # (1, T, d)
        causal = torch.full((t, t), float("-inf")).triu(1)
        groups = self.heads // self.kv_heads
        for i in range(self.c["num_hidden_layers"]):
            p = "model.layers.%d." % i
            h = self.rms_norm(x, w[p + "input_layernorm.weight"])
            q = (h @ w[p + "self_attn.q_proj.weight"].T).view(t, self.heads, -1).transpose(0, 1)
            k = (h @ w[p + "self_attn.k_proj.weight"].T).view(t, self.kv_heads, -1).transpose(0, 1)
            v = (h @ w[p + "self_attn.v_proj.weight"].T).view(t, self.kv_heads, -1).transpose(0, 1)
            q = q * cos + self.rotate_half(q) * sin
            k = k * cos + self.rotate_half(k) * sin
            k = k.repeat_interleave(groups, dim=0)  # repeat_kv
            v = v.repeat_interleave(groups, dim=0)
            scores = q @ k.transpose(1, 2) / math.sqrt(self.head_dim) + causal
            attn = torch.softmax(scores, dim=-1) @ v  # (H, T, d)
            attn = attn.transpose(0, 1).reshape(t, -1)
            x = x + attn @ w[p + "self_attn.o_proj.weight"].T
            h = self.rms_norm(x, w[p + "post_attention_layernorm.weight"])
            gate = h @ w[p + "mlp.gate_proj.weight"].T
            up = h @ w[p + "mlp.up_proj.weight"].T
            x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
        x = self.rms_norm(x, w["model.norm.weight"])
        return x @ self.head.T


def rounded(values):
    return [round(float(v), 6) for v in values]


def main():
    torch.set_grad_enabled(False)
    torch.set_num_threads(1)
    folder = sys.argv[1]
    model = Llama(folder)
    out = {
        "about": "bench/reference_llama.py (independent float32 torch Llama, no cache, no padding)"
                 " on " + folder.rstrip("/").split("/")[-1] + ", torch " + torch.__version__,
        "steps": STEPS,
        "prompts": [],
    }
    for n, prompt in enumerate(PROMPTS):
        ids = list(prompt)
        record = {"prompt_ids": prompt, "ids": [], "logprobs": []}
        rows = []
        for _ in range(STEPS):
            logprobs = torch.log_softmax(model.logits(ids)[-1], dim=-1)
            token = int(torch.argmax(logprobs))
            top = torch.topk(logprobs, TOP)
            record["ids"].append(token)
            record["logprobs"].append({
                "id": token,
                "logprob": round(float(logprobs[token]), 6),
                "top": [{"id": int(i), "logprob": round(float(v), 6)}
                        for v, i in zip(top.values, top.indices)],
            })
            rows.append(rounded(logprobs))
            ids.append(token)
        if n == 0:
            # Every prompt position too: the full (uncached) forward of training and scoring.
            record["prompt_log_softmax"] = [
                rounded(r) for r in torch.log_softmax(model.logits(prompt), dim=-1)]
            record["step_log_softmax"] = rows
        out["prompts"].append(record)
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
