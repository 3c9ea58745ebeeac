#!/usr/bin/python3
"""Independent reference logits for skillmix's decoder families (test data for FamilyParityTest).

Written from Hugging Face transformers' own modeling_<family>.py (llama, qwen2, qwen3, mistral,
gemma2, gemma3, phi3: eager attention path), in plain PyTorch since this machine has no
transformers package. For each family it draws a small random config's weights (every tensor
random, norms included, so (1 + w) versus w matters), writes a Hugging Face folder
(config.json + model.safetensors, F32) and the logits of a left-padded batch, with position_ids as
transformers' generate() builds them for left padding (cumsum of the mask - 1, clamped at 0).

    /usr/bin/python3 bench/hf_reference.py src/test/resources/parity

Outputs per family: config.json, model.safetensors, batch.json (input_ids, attention_mask) and
logits.f32 (little-endian float32, shape batch x length x vocab). Only real positions are compared.
"""
import json
import math
import os
import struct
import sys

import torch

torch.set_default_dtype(torch.float32)

VOCAB, HIDDEN, INTER, LAYERS, HEADS, KV, HEAD_DIM = 64, 32, 48, 4, 4, 2, 8
BATCH, LENGTH, PADS = 3, 12, (0, 3, 6)

BASE = dict(vocab_size=VOCAB, hidden_size=HIDDEN, intermediate_size=INTER, num_hidden_layers=LAYERS,
            num_attention_heads=HEADS, num_key_value_heads=KV, head_dim=HEAD_DIM, max_position_embeddings=128,
            rms_norm_eps=1e-6, bos_token_id=1, eos_token_id=2, torch_dtype="float32")

FAMILIES = {
    "llama": dict(model_type="llama", rope_theta=500000.0, tie_word_embeddings=True, attention_bias=False,
                  hidden_act="silu",
                  rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                                    original_max_position_embeddings=16)),
    "qwen2": dict(model_type="qwen2", rope_theta=1000000.0, tie_word_embeddings=False, hidden_act="silu",
                  use_sliding_window=False, sliding_window=4096),
    "qwen3": dict(model_type="qwen3", rope_theta=1000000.0, tie_word_embeddings=True, attention_bias=False,
                  hidden_act="silu", use_sliding_window=False, sliding_window=None),
    "mistral": dict(model_type="mistral", rope_theta=10000.0, tie_word_embeddings=False, hidden_act="silu",
                    sliding_window=5),
    "gemma2": dict(model_type="gemma2", rope_theta=10000.0, tie_word_embeddings=True,
                   hidden_activation="gelu_pytorch_tanh", query_pre_attn_scalar=12, attn_logit_softcapping=3.0,
                   final_logit_softcapping=6.0, sliding_window=5),
    "gemma3_text": dict(model_type="gemma3_text", rope_theta=1000000.0, rope_local_base_freq=10000.0,
                        tie_word_embeddings=True, hidden_activation="gelu_pytorch_tanh", query_pre_attn_scalar=8,
                        attn_logit_softcapping=None, final_logit_softcapping=None, sliding_window=4,
                        sliding_window_pattern=3, rope_scaling=dict(rope_type="linear", factor=4.0)),
    "phi3": dict(model_type="phi3", rope_theta=10000.0, tie_word_embeddings=False, hidden_act="silu",
                 sliding_window=6, rope_scaling=None),
    # Phi-3.5-mini's longrope: the batch reaches position 11 > original 8, so the long factors apply.
    "phi3_longrope": dict(model_type="phi3", rope_theta=10000.0, tie_word_embeddings=False, hidden_act="silu",
                          sliding_window=None, original_max_position_embeddings=8,
                          rope_scaling=dict(type="longrope", short_factor=[1.0, 1.3, 2.1, 3.7],
                                            long_factor=[1.2, 2.5, 6.0, 11.0])),
}


def gemma(c):
    return c["model_type"].startswith("gemma")


def sliding_layers(c):
    t = c["model_type"]
    if c.get("sliding_window") is None or t in ("llama", "qwen2", "qwen3"):
        return [False] * LAYERS
    if t == "gemma2":  # layer_types: sliding unless (i + 1) % 2 == 0
        return [bool((i + 1) % 2) for i in range(LAYERS)]
    if t == "gemma3_text":
        return [bool((i + 1) % c["sliding_window_pattern"]) for i in range(LAYERS)]
    return [True] * LAYERS  # mistral, phi3: every layer


def weights(c, gen):
    """Hugging Face tensor names and shapes of each family, random values."""
    def rnd(*shape, scale=0.2):
        return torch.randn(*shape, generator=gen) * scale

    def norm(dim):  # near 1 for w, near 0 for Gemma's (1 + w)
        return rnd(dim, scale=0.1) + (0.0 if gemma(c) else 1.0)

    q, kv = HEADS * HEAD_DIM, KV * HEAD_DIM
    w = {"model.embed_tokens.weight": rnd(VOCAB, HIDDEN, scale=0.5)}
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = norm(HIDDEN)
        if c["model_type"] == "phi3":
            w[p + "self_attn.qkv_proj.weight"] = rnd(q + 2 * kv, HIDDEN)
        else:
            w[p + "self_attn.q_proj.weight"] = rnd(q, HIDDEN)
            w[p + "self_attn.k_proj.weight"] = rnd(kv, HIDDEN)
            w[p + "self_attn.v_proj.weight"] = rnd(kv, HIDDEN)
        if c["model_type"] == "qwen2":
            w[p + "self_attn.q_proj.bias"] = rnd(q)
            w[p + "self_attn.k_proj.bias"] = rnd(kv)
            w[p + "self_attn.v_proj.bias"] = rnd(kv)
        w[p + "self_attn.o_proj.weight"] = rnd(HIDDEN, q)
        if c["model_type"] in ("qwen3", "gemma3_text"):
            w[p + "self_attn.q_norm.weight"] = norm(HEAD_DIM)
            w[p + "self_attn.k_norm.weight"] = norm(HEAD_DIM)
        w[p + "post_attention_layernorm.weight"] = norm(HIDDEN)
        if gemma(c):
            w[p + "pre_feedforward_layernorm.weight"] = norm(HIDDEN)
            w[p + "post_feedforward_layernorm.weight"] = norm(HIDDEN)
        if c["model_type"] == "phi3":
            w[p + "mlp.gate_up_proj.weight"] = rnd(2 * INTER, HIDDEN)
        else:
            w[p + "mlp.gate_proj.weight"] = rnd(INTER, HIDDEN)
            w[p + "mlp.up_proj.weight"] = rnd(INTER, HIDDEN)
        w[p + "mlp.down_proj.weight"] = rnd(HIDDEN, INTER)
    w["model.norm.weight"] = norm(HIDDEN)
    if not c["tie_word_embeddings"]:
        w["lm_head.weight"] = rnd(VOCAB, HIDDEN, scale=0.5)
    return w


def rms_norm(x, weight, eps, plus_one):
    # LlamaRMSNorm: weight * x * rsqrt(mean(x^2) + eps); Gemma2/3RMSNorm: x * rsqrt(...) * (1 + weight)
    y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    return y * (1.0 + weight) if plus_one else weight * y


def inv_freq(base, scaling):
    f = 1.0 / (base ** (torch.arange(0, HEAD_DIM, 2, dtype=torch.int64).float() / HEAD_DIM))
    if scaling is None:
        return f
    if scaling["rope_type"] == "linear":  # _compute_linear_scaling_rope_parameters
        return f / scaling["factor"]
    # _compute_llama3_parameters
    factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
    old = scaling["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / low, old / high
    wavelen = 2 * math.pi / f
    scaled = torch.where(wavelen > low_wavelen, f / factor, f)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
    return torch.where(medium, smoothed, scaled)


def rope(position_ids, base, scaling, c=None):
    attention = 1.0
    if scaling is not None and scaling.get("type", scaling.get("rope_type")) == "longrope":
        # _compute_longrope_parameters with _longrope_frequency_update's choice of factors
        original = c["original_max_position_embeddings"]
        factor = c["max_position_embeddings"] / original
        attention = math.sqrt(1 + math.log(factor) / math.log(original)) if factor > 1 else 1.0
        seq_len = int(position_ids.max()) + 1
        ext = torch.tensor(scaling["long_factor"] if seq_len > original else scaling["short_factor"],
                           dtype=torch.float32)
        freq = 1.0 / (ext * base ** (torch.arange(0, HEAD_DIM, 2, dtype=torch.int64).float() / HEAD_DIM))
    else:
        freq = inv_freq(base, scaling)
    freqs = position_ids[:, :, None].float() * freq[None, None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos()[:, None] * attention, emb.sin()[:, None] * attention  # (B, 1, T, hd)


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def gelu_tanh(x):
    return torch.nn.functional.gelu(x, approximate="tanh")


def forward(c, w, input_ids, attention_mask):
    t = c["model_type"]
    eps = c["rms_norm_eps"]
    g = gemma(c)
    b, n = input_ids.shape
    position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0)
    rope_global = rope(position_ids, c["rope_theta"], c.get("rope_scaling"), c)
    rope_local = rope(position_ids, c["rope_local_base_freq"], None) if t == "gemma3_text" else rope_global
    # 4-D masks as masking_utils builds them: causal, padding, and kv_idx > q_idx - sliding_window.
    q_idx = torch.arange(n)[:, None]
    kv_idx = torch.arange(n)[None, :]
    allowed = (kv_idx <= q_idx)[None] & attention_mask[:, None, :].bool()
    minimum = torch.finfo(torch.float32).min
    full_mask = torch.where(allowed, 0.0, minimum)[:, None]
    if c.get("sliding_window") is not None:
        window = allowed & (kv_idx > q_idx - c["sliding_window"])[None]
        sliding_mask = torch.where(window, 0.0, minimum)[:, None]
    sliding = sliding_layers(c)

    h = torch.nn.functional.embedding(input_ids, w["model.embed_tokens.weight"])
    if g:
        h = h * torch.tensor(HIDDEN ** 0.5, dtype=h.dtype)
    scaling = (c["query_pre_attn_scalar"] ** -0.5) if g else HEAD_DIM ** -0.5
    act = gelu_tanh if g else torch.nn.functional.silu
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        residual = h
        x = rms_norm(h, w[p + "input_layernorm.weight"], eps, g)
        if t == "phi3":
            qkv = x @ w[p + "self_attn.qkv_proj.weight"].T
            qp = HEADS * HEAD_DIM
            q, k, v = qkv[..., :qp], qkv[..., qp: qp + KV * HEAD_DIM], qkv[..., qp + KV * HEAD_DIM:]
        else:
            q = x @ w[p + "self_attn.q_proj.weight"].T
            k = x @ w[p + "self_attn.k_proj.weight"].T
            v = x @ w[p + "self_attn.v_proj.weight"].T
            if t == "qwen2":
                q = q + w[p + "self_attn.q_proj.bias"]
                k = k + w[p + "self_attn.k_proj.bias"]
                v = v + w[p + "self_attn.v_proj.bias"]
        q = q.view(b, n, HEADS, HEAD_DIM)
        k = k.view(b, n, KV, HEAD_DIM)
        if t in ("qwen3", "gemma3_text"):
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps, g)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps, g)
        q, k = q.transpose(1, 2), k.transpose(1, 2)
        v = v.view(b, n, KV, HEAD_DIM).transpose(1, 2)
        cos, sin = rope_local if sliding[i] else rope_global
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(HEADS // KV, dim=1)  # repeat_kv
        v = v.repeat_interleave(HEADS // KV, dim=1)
        scores = q @ k.transpose(2, 3) * scaling
        cap = c.get("attn_logit_softcapping")
        if g and cap is not None:
            scores = torch.tanh(scores / cap) * cap
        scores = scores + (sliding_mask if sliding[i] else full_mask)
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32)
        attn = (probs @ v).transpose(1, 2).reshape(b, n, HEADS * HEAD_DIM) @ w[p + "self_attn.o_proj.weight"].T
        if g:
            h = residual + rms_norm(attn, w[p + "post_attention_layernorm.weight"], eps, True)
            residual = h
            x = rms_norm(h, w[p + "pre_feedforward_layernorm.weight"], eps, True)
        else:
            h = residual + attn
            residual = h
            x = rms_norm(h, w[p + "post_attention_layernorm.weight"], eps, False)
        if t == "phi3":
            gate, up = (x @ w[p + "mlp.gate_up_proj.weight"].T).chunk(2, dim=-1)
        else:
            gate, up = x @ w[p + "mlp.gate_proj.weight"].T, x @ w[p + "mlp.up_proj.weight"].T
        mlp = (act(gate) * up) @ w[p + "mlp.down_proj.weight"].T
        if g:
            mlp = rms_norm(mlp, w[p + "post_feedforward_layernorm.weight"], eps, True)
        h = residual + mlp
    h = rms_norm(h, w["model.norm.weight"], eps, g)
    head = w["model.embed_tokens.weight"] if c["tie_word_embeddings"] else w["lm_head.weight"]
    logits = h @ head.T
    cap = c.get("final_logit_softcapping")
    if g and cap is not None:
        logits = torch.tanh(logits / cap) * cap
    return logits


def write_safetensors(path, tensors):
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name, t in tensors.items():
        data = t.contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main(out):
    for seed, (name, extra) in enumerate(FAMILIES.items()):
        c = dict(BASE, **extra)
        gen = torch.Generator().manual_seed(1000 + seed)
        w = weights(c, gen)
        ids = torch.randint(3, VOCAB, (BATCH, LENGTH), generator=gen)
        mask = torch.ones(BATCH, LENGTH, dtype=torch.int64)
        for row, pad in enumerate(PADS):
            ids[row, :pad] = 0
            mask[row, :pad] = 0
        with torch.no_grad():
            logits = forward(c, w, ids, mask)
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(c, f, indent=2)
        write_safetensors(os.path.join(folder, "model.safetensors"), w)
        with open(os.path.join(folder, "batch.json"), "w") as f:
            json.dump({"input_ids": ids.tolist(), "attention_mask": mask.tolist(), "torch": torch.__version__}, f)
        with open(os.path.join(folder, "logits.f32"), "wb") as f:
            f.write(logits.contiguous().numpy().astype("<f4").tobytes())
        print(name, tuple(logits.shape), "max |logit|", float(logits.abs().max()))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/parity")
