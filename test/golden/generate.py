#!/usr/bin/env python3
"""Generate the golden fixtures for the CPU reference parity tests.

For every family this writes test/golden/<fixture>/:
  config.json          a tiny random model's config, written the way a released
                       checkpoint ships it (transformers v4 keys: rope_theta,
                       rope_scaling, torch_dtype), torch_dtype float32
  model.safetensors    its F32 weights under the ON-DISK checkpoint names
                       (per-expert tensors: Mixtral block_sparse_moe.experts.E.w1/w3/w2,
                       the others mlp.experts.E.{gate,up,down}_proj), even though
                       transformers v5 fuses experts in memory
  inputs.safetensors   input_ids, I32 [T]
  expected.safetensors logits, F32 [T, vocab]: the transformers reference in fp32
                       with eager attention and eager experts

The `deepseek` fixture (DeepSeekMoE 16B, model_type "deepseek") has no
transformers class: its reference forward is written below in plain torch
(`deepseek_moe_forward`) from shared/models.md §2 (Llama-style MHA with
half-split RoPE, softmax top-k router without renormalisation or scaling,
plus shared experts) and cross-checked against transformers pieces
(LlamaForCausalLM attention + DeepseekV2Moe with topk_method="greedy").

The bf16 variants mixtral_bf16 and deepseek_v3_bf16 (gen_hf_bf16) are the
same models (same seed, config with torch_dtype "bfloat16") with the weights
rounded to BF16 by tensor.to(torch.bfloat16) (round to nearest even), except
e_score_correction_bias, kept F32 as DeepSeek-V3 ships it; their logits are
the transformers forward of that checkpoint loaded with dtype=torch.bfloat16
(eager), cast to F32. `--bf16` selects them.

Every fixture is read back with AutoModelForCausalLM.from_pretrained (which
applies transformers' own checkpoint-key conversion) and must reproduce the
logits, so the on-disk names are the ones transformers loads.

Developer-side only (CI reads the committed files):
  pip install torch --index-url https://download.pytorch.org/whl/cpu
  pip install transformers safetensors
  python test/golden/generate.py [--family F ...] [--bf16]
"""

import argparse
import json
import math
import os
import shutil
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import transformers  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from transformers import AutoConfig, AutoModelForCausalLM  # noqa: E402

transformers.utils.logging.disable_progress_bar()

HERE = os.path.dirname(os.path.abspath(__file__))
T = 20  # tokens per fixture
MARGIN = 1e-3  # required top-k (and top-group) score margin
MAX_SEEDS = 200

torch.set_num_threads(1)  # bit-reproducible CPU matmuls


# --------------------------------------------------------------------------
# Fixture configs (config.json contents). Keys follow the released
# checkpoints' config.json (test/frontend/configs/) with tiny dimensions.
# --------------------------------------------------------------------------

def _base(model_type, arch, **kw):
    cfg = {
        "architectures": [arch],
        "model_type": model_type,
        "attention_dropout": 0.0,
        "hidden_act": "silu",
        "initializer_range": 0.02,
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "use_cache": True,
    }
    cfg.update(kw)
    return cfg


def cfg_mixtral():
    return _base(
        "mixtral", "MixtralForCausalLM",
        bos_token_id=1, eos_token_id=2, vocab_size=128,
        hidden_size=64, intermediate_size=32, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2,
        num_local_experts=8, num_experts_per_tok=2,
        max_position_embeddings=128, rms_norm_eps=1e-5, rope_theta=1e6,
        router_aux_loss_coef=0.02, output_router_logits=False,
        sliding_window=8)


def cfg_qwen3_moe():
    return _base(
        "qwen3_moe", "Qwen3MoeForCausalLM",
        bos_token_id=0, eos_token_id=1, vocab_size=128,
        hidden_size=64, intermediate_size=96, moe_intermediate_size=32,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
        head_dim=32,  # != hidden/heads = 16
        num_experts=8, num_experts_per_tok=2, norm_topk_prob=True,
        decoder_sparse_step=1, mlp_only_layers=[],
        attention_bias=False, max_position_embeddings=128,
        max_window_layers=2, use_sliding_window=False, sliding_window=None,
        rms_norm_eps=1e-6, rope_scaling=None, rope_theta=1e6,
        router_aux_loss_coef=0.001, output_router_logits=False)


def cfg_olmoe():
    return _base(
        "olmoe", "OlmoeForCausalLM",
        eos_token_id=2, pad_token_id=1, vocab_size=128,
        hidden_size=64, intermediate_size=32, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2,  # k_norm width kv*hd = 32
        num_experts=8, num_experts_per_tok=2, norm_topk_prob=False,
        attention_bias=False, clip_qkv=1.5,
        max_position_embeddings=128, rms_norm_eps=1e-5, rope_scaling=None,
        rope_theta=10000.0, router_aux_loss_coef=0.01,
        output_router_logits=False)


def cfg_qwen2_moe():
    return _base(
        "qwen2_moe", "Qwen2MoeForCausalLM",
        bos_token_id=0, eos_token_id=0, vocab_size=128,
        hidden_size=64, intermediate_size=80,  # dense MLP of mlp_only_layers
        moe_intermediate_size=32, shared_expert_intermediate_size=48,
        num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
        num_experts=8, num_experts_per_tok=2, norm_topk_prob=False,
        decoder_sparse_step=1, mlp_only_layers=[1],
        max_position_embeddings=128, rms_norm_eps=1e-6, rope_theta=1e6,
        use_sliding_window=True, sliding_window=6, max_window_layers=2,
        router_aux_loss_coef=0.001, output_router_logits=False)


def _dsv3(**kw):
    cfg = _base(
        "deepseek_v3", "DeepseekV3ForCausalLM",
        bos_token_id=0, eos_token_id=1, ep_size=1, vocab_size=128,
        hidden_size=64, intermediate_size=96, moe_intermediate_size=16,
        num_hidden_layers=3, first_k_dense_replace=1, moe_layer_freq=1,
        num_attention_heads=4, num_key_value_heads=4,
        q_lora_rank=48, kv_lora_rank=32,
        qk_nope_head_dim=16, qk_rope_head_dim=16, v_head_dim=24,
        n_routed_experts=16, n_group=4, topk_group=2, num_experts_per_tok=4,
        n_shared_experts=2, routed_scaling_factor=2.5, norm_topk_prob=True,
        topk_method="noaux_tc", scoring_func="sigmoid",
        num_nextn_predict_layers=0, attention_bias=False,
        max_position_embeddings=64, rms_norm_eps=1e-6,
        # rope_theta 100 and rope dim 16 give YaRN a fractional ramp
        # (low 0, high 2) with original_max_position_embeddings 16 < T.
        rope_theta=100.0,
        rope_scaling={"beta_fast": 32, "beta_slow": 1, "factor": 4.0,
                      "mscale": 1.0, "mscale_all_dim": 1.0,
                      "original_max_position_embeddings": 16, "type": "yarn"})
    cfg.update(kw)
    return cfg


def cfg_deepseek_v3():
    return _dsv3()


def cfg_deepseek_v3_no_qlora():
    # q_lora_rank null (single q_proj); mscale != mscale_all_dim so the YaRN
    # attention_factor on cos/sin is != 1 as well as the softmax-scale factor.
    return _dsv3(q_lora_rank=None, rope_scaling={
        "beta_fast": 32, "beta_slow": 1, "factor": 4.0, "mscale": 1.0,
        "mscale_all_dim": 0.8, "original_max_position_embeddings": 16,
        "type": "yarn"})


def _dsv2(**kw):
    cfg = _base(
        "deepseek_v2", "DeepseekV2ForCausalLM",
        aux_loss_alpha=0.001, seq_aux=True, pretraining_tp=1,
        bos_token_id=0, eos_token_id=1, ep_size=1,
        vocab_size=128, hidden_size=64, intermediate_size=96,
        moe_intermediate_size=16, num_hidden_layers=3,
        first_k_dense_replace=1, moe_layer_freq=1,
        num_attention_heads=4, num_key_value_heads=4,
        q_lora_rank=48, kv_lora_rank=32,
        qk_nope_head_dim=16, qk_rope_head_dim=16, v_head_dim=24,
        n_routed_experts=16, n_group=4, topk_group=2, num_experts_per_tok=4,
        n_shared_experts=2, routed_scaling_factor=16.0, norm_topk_prob=False,
        topk_method="group_limited_greedy", scoring_func="softmax",
        attention_bias=False, max_position_embeddings=64, rms_norm_eps=1e-6,
        rope_theta=100.0,
        rope_scaling={"beta_fast": 32, "beta_slow": 1, "factor": 4.0,
                      "mscale": 0.707, "mscale_all_dim": 0.707,
                      "original_max_position_embeddings": 16, "type": "yarn"})
    cfg.update(kw)
    return cfg


def cfg_deepseek_v2():
    return _dsv2()


def cfg_deepseek_v2_greedy():
    # V2-Lite style: no q-LoRA, greedy, n_group 1, routed_scaling_factor 1.
    return _dsv2(q_lora_rank=None, topk_method="greedy", n_group=1,
                 topk_group=1, routed_scaling_factor=1.0)


def cfg_deepseek():
    cfg = _base(
        "deepseek", "DeepseekForCausalLM",
        auto_map={"AutoConfig": "configuration_deepseek.DeepseekConfig",
                  "AutoModel": "modeling_deepseek.DeepseekModel",
                  "AutoModelForCausalLM": "modeling_deepseek.DeepseekForCausalLM"},
        attention_bias=False, bos_token_id=0,
        eos_token_id=1, vocab_size=128,
        hidden_size=64, intermediate_size=128, moe_intermediate_size=32,
        num_hidden_layers=3, first_k_dense_replace=1, moe_layer_freq=1,
        num_attention_heads=4, num_key_value_heads=4,
        n_routed_experts=8, n_shared_experts=2, num_experts_per_tok=3,
        norm_topk_prob=False, scoring_func="softmax",
        aux_loss_alpha=0.001, seq_aux=True, pretraining_tp=1,
        max_position_embeddings=128, rms_norm_eps=1e-6,
        rope_scaling=None, rope_theta=10000)
    return cfg


# --------------------------------------------------------------------------
# Weight initialisation: O(1) activations and logits, separated routing.
# --------------------------------------------------------------------------

ROUTER_GAIN = 3.0  # router logits ~ N(0, 3^2): well separated scores


def is_router(name):
    return name.endswith("mlp.gate.weight") or name.endswith("block_sparse_moe.gate.weight")


def init_tensor(name, shape, g):
    """Deterministic value for a parameter, from its name class and shape."""
    if name.endswith("e_score_correction_bias"):
        return (torch.rand(shape, generator=g) * 0.2 - 0.1)  # U(-0.1, 0.1), non-zero
    if len(shape) == 1:
        if "norm" in name:
            return 1.0 + 0.1 * torch.randn(shape, generator=g)
        return 0.1 * torch.randn(shape, generator=g)  # biases
    if name.endswith("embed_tokens.weight"):
        return torch.randn(shape, generator=g)
    fan_in = shape[-1]
    gain = ROUTER_GAIN if is_router(name) else 1.0
    return torch.randn(shape, generator=g) * (gain / math.sqrt(fan_in))


def reinit_model(model, seed):
    g = torch.Generator().manual_seed(seed)
    tensors = dict(model.named_parameters())
    tensors.update({n: b for n, b in model.named_buffers()
                    if n.endswith("e_score_correction_bias")})
    with torch.no_grad():
        for name in sorted(tensors):
            t = tensors[name]
            t.copy_(init_tensor(name, tuple(t.shape), g).to(t.dtype))


# --------------------------------------------------------------------------
# In-memory (transformers v5) state dict -> on-disk checkpoint names.
# --------------------------------------------------------------------------

def to_disk(sd, family):
    out = {}
    for name, t in sd.items():
        t = t.detach().to(torch.float32).contiguous()
        if family == "mixtral":
            name = name.replace(".mlp.", ".block_sparse_moe.")
        if name.endswith(".experts.gate_up_proj"):
            prefix = name[: -len("gate_up_proj")]
            inter = t.shape[1] // 2
            for e in range(t.shape[0]):
                gate, up = t[e, :inter], t[e, inter:]
                if family == "mixtral":
                    out[f"{prefix}{e}.w1.weight"] = gate.contiguous()
                    out[f"{prefix}{e}.w3.weight"] = up.contiguous()
                else:
                    out[f"{prefix}{e}.gate_proj.weight"] = gate.contiguous()
                    out[f"{prefix}{e}.up_proj.weight"] = up.contiguous()
            continue
        if name.endswith(".experts.down_proj"):
            prefix = name[: -len("down_proj")]
            for e in range(t.shape[0]):
                key = "w2" if family == "mixtral" else "down_proj"
                out[f"{prefix}{e}.{key}.weight"] = t[e].contiguous()
            continue
        if name.endswith(("gate_up_proj", "down_proj")) and t.dim() == 3:
            raise RuntimeError(f"unexpected fused tensor {name}")
        out[name] = t
    return out


# --------------------------------------------------------------------------
# Router margin check (recomputes the routers from the MoE-block inputs).
# --------------------------------------------------------------------------

def _margins(s, k, kind, n_group, topk_group, bias=None):
    """Top-k and top-group margins of selection scores s [T, E] (log space
    for softmax routers, where the mask value is -inf), plus the selection
    under zero and -inf filling of dropped groups."""
    E = s.shape[-1]
    if kind == "sigmoid_group":
        s = s + bias.float()
        gs = s.view(-1, n_group, E // n_group).topk(2, dim=-1)[0].sum(-1)
    elif kind == "softmax_group":
        gs = s.view(-1, n_group, E // n_group).max(-1).values
    else:
        gs = None
    gmargin, sel = None, {}
    if gs is not None:
        gsorted = gs.sort(-1, descending=True).values
        gmargin = (gsorted[:, topk_group - 1] - gsorted[:, topk_group]).min().item()
        keep = torch.zeros_like(gs, dtype=torch.bool)
        keep.scatter_(1, gs.topk(topk_group, -1).indices, True)
        keep = keep.unsqueeze(-1).expand(-1, n_group, E // n_group).reshape(-1, E)
        sel = {fill: s.masked_fill(~keep, v) for fill, v in (("zero", 0.0), ("neg-inf", float("-inf")))}
        s = sel["neg-inf"]
    srt = s.sort(-1, descending=True).values
    margin = (srt[:, k - 1] - srt[:, k]).min().item()
    return margin, gmargin, sel


def router_check(kind, x, w, k, bias=None, n_group=1, topk_group=1):
    """Recomputes a router from its input x [T, H] and weight w [E, H].

    Returns (margin, group margin or None, prob-space margin, fills agree).
    margin is the smallest gap between the k-th and (k+1)-th selection score
    over all tokens (and the same for the topk_group-th group score): for the
    sigmoid (noaux_tc) router in biased-score space; for softmax routers in
    log-probability (= logit) space, i.e. a relative gap of the
    probabilities, since absolute gaps of small probabilities say nothing
    about ties. prob-space margin is the absolute gap of the probabilities."""
    logits = x.float() @ w.float().t()
    if kind == "sigmoid_group":
        margin, gmargin, sel = _margins(logits.sigmoid(), k, kind, n_group, topk_group, bias)
        pmargin = margin
    else:
        margin, gmargin, sel = _margins(logits.log_softmax(-1), k, kind, n_group, topk_group)
        pmargin = _margins(logits.softmax(-1), k, kind, n_group, topk_group)[0]
    agree = True
    if sel and kind == "sigmoid_group":
        a = sel["zero"].topk(k, -1).indices.sort(-1).values
        b = sel["neg-inf"].topk(k, -1).indices.sort(-1).values
        agree = bool((a == b).all())
    elif sel:  # softmax: zero fill acts on probabilities
        p = logits.softmax(-1)
        keep = torch.isfinite(sel["neg-inf"])
        a = p.masked_fill(~keep, 0.0).topk(k, -1).indices.sort(-1).values
        b = sel["neg-inf"].topk(k, -1).indices.sort(-1).values
        agree = bool((a == b).all())
    return margin, gmargin, pmargin, agree


def moe_router_spec(cfg):
    mt = cfg["model_type"]
    k = cfg["num_experts_per_tok"]
    if mt == "deepseek_v3":
        return dict(kind="sigmoid_group", k=k, n_group=cfg["n_group"], topk_group=cfg["topk_group"])
    if mt == "deepseek_v2" and cfg["topk_method"] == "group_limited_greedy":
        return dict(kind="softmax_group", k=k, n_group=cfg["n_group"], topk_group=cfg["topk_group"])
    return dict(kind="softmax", k=k)


def check_margins(cfg, family, sd_disk, moe_inputs):
    spec = moe_router_spec(cfg)
    pre = "block_sparse_moe" if family == "mixtral" else "mlp"
    results = []
    for li in sorted(moe_inputs):
        x = moe_inputs[li].reshape(-1, cfg["hidden_size"])
        w = sd_disk[f"model.layers.{li}.{pre}.gate.weight"]
        bias = sd_disk.get(f"model.layers.{li}.{pre}.gate.e_score_correction_bias")
        m, gm, pm, agree = router_check(spec["kind"], x, w, spec["k"], bias,
                                        spec.get("n_group", 1), spec.get("topk_group", 1))
        results.append((li, m, gm, pm, agree, spec["kind"]))
    return results


def margins_ok(results):
    return all(r[1] > MARGIN and (r[2] is None or r[2] > MARGIN) for r in results)


# --------------------------------------------------------------------------
# transformers families
# --------------------------------------------------------------------------

def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def load_hf_config(cfg_dict, **overrides):
    d = tempfile.mkdtemp()
    try:
        c = dict(cfg_dict)
        c.update(overrides)
        write_json(os.path.join(d, "config.json"), c)
        return AutoConfig.from_pretrained(d)
    finally:
        shutil.rmtree(d)


def moe_layers(model):
    out = []
    for i, layer in enumerate(model.model.layers):
        mlp = layer.mlp
        if hasattr(mlp, "experts"):
            out.append((i, mlp))
    return out


def run_hf(model, ids):
    captured = {}
    hooks = []
    for i, mlp in moe_layers(model):
        hooks.append(mlp.register_forward_pre_hook(
            lambda m, args, i=i: captured.__setitem__(i, args[0].detach().clone())))
    with torch.no_grad():
        logits = model(input_ids=ids.long().unsqueeze(0)).logits[0].float()
    for h in hooks:
        h.remove()
    return logits, captured


def build_hf(cfg_dict, seed):
    config = load_hf_config(cfg_dict)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(
        config, attn_implementation="eager", experts_implementation="eager",
        dtype=torch.float32)
    model.eval()
    reinit_model(model, seed)
    return model


def from_dir(d, **overrides):
    config = load_hf_config(json.load(open(os.path.join(d, "config.json"))), **overrides)
    model, info = AutoModelForCausalLM.from_pretrained(
        d, config=config, attn_implementation="eager",
        experts_implementation="eager", dtype=torch.float32,
        output_loading_info=True)
    return model.eval(), info


def make_ids(cfg, seed):
    g = torch.Generator().manual_seed(10_000 + seed)
    return torch.randint(0, cfg["vocab_size"], (T,), generator=g).to(torch.int32)


# Config overrides whose effect on the logits proves a code path bites.
ABLATIONS = {
    "mixtral": {"sliding_window": None},
    "qwen2_moe": {"use_sliding_window": False},
    "olmoe": {"clip_qkv": None},
}


def search_seed(fixture, cfg_dict, family):
    """First seed whose fp32 model has router margins > MARGIN everywhere.
    Returns (seed, ids, fp32 logits, on-disk F32 state dict, margins)."""
    for seed in range(MAX_SEEDS):
        model = build_hf(cfg_dict, seed)
        ids = make_ids(cfg_dict, seed)
        logits, moe_in = run_hf(model, ids)
        sd = to_disk(model.state_dict(), family)
        res = check_margins(cfg_dict, family, sd, moe_in)
        if margins_ok(res):
            return seed, ids, logits, sd, res
        print(f"  seed {seed}: margin too small ({min(r[1] for r in res):.2e}), retrying")
    raise RuntimeError(f"{fixture}: no seed with router margins > {MARGIN}")


def gen_hf(fixture, cfg_dict, family):
    cfg_dict = dict(cfg_dict, transformers_version=transformers.__version__)
    seed, ids, logits, sd, res = search_seed(fixture, cfg_dict, family)
    out = os.path.join(HERE, fixture)
    os.makedirs(out, exist_ok=True)
    write_json(os.path.join(out, "config.json"), cfg_dict)
    save_file(sd, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    save_file({"input_ids": ids.contiguous()}, os.path.join(out, "inputs.safetensors"))
    save_file({"logits": logits.contiguous()}, os.path.join(out, "expected.safetensors"))

    # Read the on-disk checkpoint back through transformers' loader.
    model2, info = from_dir(out)
    bad = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
    if bad:
        raise RuntimeError(f"{fixture}: reload reported {bad}")
    logits2, _ = run_hf(model2, ids)
    lt = getattr(model2.config, "layer_types", None)
    if lt is not None and any(t != "full_attention" for t in lt):
        print(f"  transformers layer_types: {lt}, sliding_window {model2.config.sliding_window}")
    rt = (logits2 - logits).abs().max().item()
    if rt > 1e-5:
        raise RuntimeError(f"{fixture}: reloaded checkpoint gives different logits ({rt})")
    extra = {}
    for ov_name, ov in ABLATIONS.items():
        if ov_name == family:
            m3, _ = from_dir(out, **ov)
            l3, _ = run_hf(m3, ids)
            extra[json.dumps(ov)] = (l3 - logits).abs().max().item()
    report(fixture, seed, ids, logits, res, extra, rt)
    return seed


# --------------------------------------------------------------------------
# bf16 variants: the same model with its weights rounded to BF16, and the
# transformers forward in bfloat16 as the reference.
# --------------------------------------------------------------------------

FP32_ONLY = ("e_score_correction_bias",)  # kept F32 on disk, as DeepSeek-V3 ships it


def to_bf16_checkpoint(sd):
    """fp32 on-disk state dict -> BF16 (round-to-nearest-even, torch's .to),
    except the tensors real checkpoints keep in F32."""
    return {k: (v if k.endswith(FP32_ONLY) else v.to(torch.bfloat16)).contiguous()
            for k, v in sd.items()}


def run_hf_routing(model, ids):
    """Logits (cast to fp32), the dtypes of a few hidden states, and per MoE
    layer the router output (router logits, selected experts) as computed."""
    routed, dtypes, hooks = {}, {}, []
    for i, mlp in moe_layers(model):
        hooks.append(mlp.gate.register_forward_hook(
            lambda m, a, o, i=i: routed.__setitem__(i, (o[0].detach().clone(), o[2].detach().clone()))))
    hooks.append(model.model.layers[0].register_forward_hook(
        lambda m, a, o: dtypes.__setitem__("layer 0 output", (o[0] if isinstance(o, tuple) else o).dtype)))
    hooks.append(model.model.norm.register_forward_hook(
        lambda m, a, o: dtypes.__setitem__("final norm output", o.dtype)))
    with torch.no_grad():
        raw = model(input_ids=ids.long().unsqueeze(0)).logits[0]
    for h in hooks:
        h.remove()
    dtypes["logits"] = raw.dtype
    return raw.float(), dtypes, routed


def routing_margins(cfg, routed, model):
    """Min top-k (top-group) margins in the space transformers selects in,
    from the router logits the bf16 model actually produced (Mixtral's router
    logits are bf16, DeepSeek-V3's fp32)."""
    spec = moe_router_spec(cfg)
    out = []
    for li, (rl, _) in sorted(routed.items()):
        s = rl.float()
        if spec["kind"] == "sigmoid_group":
            bias = model.model.layers[li].mlp.gate.e_score_correction_bias
            m, gm, _ = _margins(s.sigmoid(), spec["k"], spec["kind"], spec["n_group"], spec["topk_group"], bias)
        else:
            m, gm, _ = _margins(s.log_softmax(-1), spec["k"], spec["kind"],
                                spec.get("n_group", 1), spec.get("topk_group", 1))
        out.append((li, m, gm, rl.dtype))
    return out


def gen_hf_bf16(fixture, cfg_dict, family):
    base = family[: -len("_bf16")]
    cfg32 = dict(cfg_dict, transformers_version=transformers.__version__)
    seed, ids, logits32, sd32, _ = search_seed(fixture, cfg32, base)
    # Same model as the fp32 fixture: require its committed files to agree.
    d32 = os.path.join(HERE, base)
    if os.path.isdir(d32):
        ref = load_file(os.path.join(d32, "model.safetensors"))
        if ref.keys() != sd32.keys() or any(not torch.equal(ref[k], sd32[k]) for k in ref):
            raise RuntimeError(f"{fixture}: fp32 weights differ from {base}/model.safetensors")
        if not torch.equal(load_file(os.path.join(d32, "inputs.safetensors"))["input_ids"], ids):
            raise RuntimeError(f"{fixture}: input_ids differ from {base}/inputs.safetensors")
        if not torch.equal(load_file(os.path.join(d32, "expected.safetensors"))["logits"], logits32):
            raise RuntimeError(f"{fixture}: fp32 logits differ from {base}/expected.safetensors")
    cfg = dict(cfg32, torch_dtype="bfloat16")
    sd = to_bf16_checkpoint(sd32)
    out = os.path.join(HERE, fixture)
    os.makedirs(out, exist_ok=True)
    write_json(os.path.join(out, "config.json"), cfg)
    save_file(sd, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    save_file({"input_ids": ids.contiguous()}, os.path.join(out, "inputs.safetensors"))

    # Reference: the checkpoint loaded by transformers in bfloat16.
    config = load_hf_config(cfg)
    model, info = AutoModelForCausalLM.from_pretrained(
        out, config=config, attn_implementation="eager", experts_implementation="eager",
        dtype=torch.bfloat16, output_loading_info=True)
    model.eval()
    bad = {k: v for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
    if bad:
        raise RuntimeError(f"{fixture}: bf16 load reported {bad}")
    pdt = {}
    for n, t in list(model.named_parameters()) + list(model.named_buffers()):
        if n.endswith("inv_freq") or n.endswith("original_inv_freq"):
            continue
        pdt.setdefault(str(t.dtype), []).append(n)
    loaded = to_disk(model.state_dict(), base)
    for k, v in sd.items():  # loaded values are exactly the BF16 checkpoint's
        if not torch.equal(loaded[k], v.float()):
            raise RuntimeError(f"{fixture}: {k} changed on load")
    logits, dtypes, routed = run_hf_routing(model, ids)
    if dtypes["layer 0 output"] != torch.bfloat16 or dtypes["logits"] != torch.bfloat16:
        raise RuntimeError(f"{fixture}: transformers did not run in bf16: {dtypes}")
    save_file({"logits": logits.contiguous()}, os.path.join(out, "expected.safetensors"))

    # Scale of bf16 noise: vs the fp32 fixture's logits (fp32 weights, fp32
    # forward) and vs an fp32 forward of the bf16-rounded weights.
    model_w, _ = from_dir(out)  # dtype float32
    logits_w, _, routed_w = run_hf_routing(model_w, ids)
    model32 = build_hf(cfg32, seed)
    _, _, routed32 = run_hf_routing(model32, ids)
    # model.to(bfloat16) instead of from_pretrained(dtype=bfloat16).
    model_to = build_hf(cfg32, seed).to(torch.bfloat16)
    logits_to, _, _ = run_hf_routing(model_to, ids)

    scale = logits32.abs().max().item()
    same = torch.ones(ids.numel(), dtype=torch.bool)  # tokens routed as in fp32 in every layer
    for li in routed:
        same &= (routed[li][1].sort(-1).values == routed32[li][1].sort(-1).values).all(-1)
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(f"{fixture}: seed {seed} (as {base}), T={ids.numel()}, {size / 1024:.0f} KiB")
    print(f"  bf16 load: parameter/buffer dtypes "
          + ", ".join(f"{d}: {len(n)}" for d, n in sorted(pdt.items())))
    for d, n in sorted(pdt.items()):
        if d != "torch.bfloat16":
            print(f"    {d}: {', '.join(n)}")
    print(f"  hidden-state dtypes: " + ", ".join(f"{k} {v}" for k, v in dtypes.items()))
    for name, other, sc in (("HF fp32 (fp32 weights)", logits32, scale),
                            ("HF fp32 of the bf16-rounded weights", logits_w, scale)):
        d = (logits - other).abs().max().item()
        print(f"  bf16 logits vs {name}: max abs {d:.4e}, / max|fp32 logits| ({sc:.3f}) = {d / sc:.4e}")
    d = (logits - logits32)[same].abs().max().item()
    print(f"  bf16 logits vs HF fp32 (fp32 weights) on the {int(same.sum())} tokens routed as in fp32 "
          f"in every layer: max abs {d:.4e}, rel {d / scale:.4e}")
    d = (logits_w - logits32).abs().max().item()
    print(f"  weight rounding alone (fp32 forward, bf16 vs fp32 weights): max abs {d:.4e}, rel {d / scale:.4e}")
    d = (logits_to - logits).abs().max().item()
    print(f"  model.to(bfloat16) vs from_pretrained(dtype=bfloat16): max |dlogits| {d:.4e}")
    for li, m, gm, dt in routing_margins(cfg, routed, model):
        g = f", top-group margin {gm:.4f}" if gm is not None else ""
        same32 = (routed[li][1].sort(-1).values == routed32[li][1].sort(-1).values).all(-1)
        samew = (routed[li][1].sort(-1).values == routed_w[li][1].sort(-1).values).all(-1)
        print(f"  MoE layer {li}: router logits {dt}, bf16 min top-k margin {m:.4f}{g}; tokens routed "
              f"as in fp32: {int(same32.sum())}/{ids.numel()} (fp32 weights), "
              f"{int(samew.sum())}/{ids.numel()} (bf16-rounded weights)")
    for f in os.listdir(out):
        os.chmod(os.path.join(out, f), 0o644)
    return seed


def report(fixture, seed, ids, logits, res, extra, rt=None):
    size = sum(os.path.getsize(os.path.join(HERE, fixture, f))
               for f in os.listdir(os.path.join(HERE, fixture)))
    print(f"{fixture}: seed {seed}, T={ids.numel()}, logits std {logits.std().item():.3f} "
          f"max |logit| {logits.abs().max().item():.3f}, {size / 1024:.0f} KiB")
    if rt is not None:
        print(f"  reload via from_pretrained: max |dlogits| {rt:.2e}")
    for li, m, gm, pm, agree, kind in res:
        space = "biased sigmoid score" if kind == "sigmoid_group" else "log-prob"
        g = f", top-group margin {gm:.4f}" if gm is not None else ""
        a = "" if gm is None else f", zero/neg-inf group fill select the same experts: {agree}"
        p = "" if kind == "sigmoid_group" else f" (probability gap {pm:.5f})"
        print(f"  MoE layer {li}: min k-th vs (k+1)-th {space} margin {m:.4f}{p}{g}{a}")
    for k, v in extra.items():
        print(f"  with {k}: max |dlogits| {v:.3f} (path bites)")
    for f in os.listdir(os.path.join(HERE, fixture)):
        os.chmod(os.path.join(HERE, fixture, f), 0o644)


# --------------------------------------------------------------------------
# deepseek (DeepSeekMoE 16B): plain-torch reference, models.md §2.
# --------------------------------------------------------------------------

def rms_norm(x, w, eps):
    x32 = x.float()
    return w * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def swiglu(x, sd, p):
    return F.linear(F.silu(F.linear(x, sd[p + "gate_proj.weight"])) * F.linear(x, sd[p + "up_proj.weight"]),
                    sd[p + "down_proj.weight"])


def deepseek_is_moe(cfg, i):
    return (cfg["n_routed_experts"] is not None and i >= cfg["first_k_dense_replace"]
            and i % cfg["moe_layer_freq"] == 0)


def deepseek_moe_forward(cfg, sd, ids, capture=None):
    """DeepSeekMoE 16B (hub modeling_deepseek.py) forward, fp32, eager."""
    H, nh, nkv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = H // nh
    eps = cfg["rms_norm_eps"]
    Tn = ids.numel()
    pos = torch.arange(Tn, dtype=torch.float32)
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    freqs = torch.outer(pos, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    causal = torch.full((Tn, Tn), torch.finfo(torch.float32).min).triu(1)
    x = sd["model.embed_tokens.weight"][ids.long()]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, sd[p + "input_layernorm.weight"], eps)
        q = F.linear(h, sd[p + "self_attn.q_proj.weight"]).view(Tn, nh, hd).transpose(0, 1)
        k = F.linear(h, sd[p + "self_attn.k_proj.weight"]).view(Tn, nkv, hd).transpose(0, 1)
        v = F.linear(h, sd[p + "self_attn.v_proj.weight"]).view(Tn, nkv, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(nh // nkv, dim=0)
        v = v.repeat_interleave(nh // nkv, dim=0)
        a = (q @ k.transpose(1, 2)) / math.sqrt(hd) + causal
        a = a.softmax(-1, dtype=torch.float32)
        o = (a @ v).transpose(0, 1).reshape(Tn, nh * hd)
        x = x + F.linear(o, sd[p + "self_attn.o_proj.weight"])
        h = rms_norm(x, sd[p + "post_attention_layernorm.weight"], eps)
        if deepseek_is_moe(cfg, i):
            if capture is not None:
                capture[i] = h.clone()
            scores = F.linear(h.float(), sd[p + "mlp.gate.weight"].float()).softmax(-1)
            w, idx = scores.topk(cfg["num_experts_per_tok"], dim=-1, sorted=False)
            if cfg["num_experts_per_tok"] > 1 and cfg["norm_topk_prob"]:
                w = w / (w.sum(-1, keepdim=True) + 1e-20)
            y = torch.zeros_like(h)
            for t in range(Tn):
                for j in range(idx.shape[1]):
                    e = idx[t, j].item()
                    y[t] += w[t, j] * swiglu(h[t:t + 1], sd, f"{p}mlp.experts.{e}.")[0]
            y = y + swiglu(h, sd, p + "mlp.shared_experts.")
        else:
            y = swiglu(h, sd, p + "mlp.")
        x = x + y
    x = rms_norm(x, sd["model.norm.weight"], eps)
    return F.linear(x, sd["lm_head.weight"])


def deepseek_weights(cfg, seed):
    H, V = cfg["hidden_size"], cfg["vocab_size"]
    I, Im = cfg["intermediate_size"], cfg["moe_intermediate_size"]
    Is = Im * cfg["n_shared_experts"]
    shapes = {"model.embed_tokens.weight": (V, H), "model.norm.weight": (H,),
              "lm_head.weight": (V, H)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes[p + "input_layernorm.weight"] = (H,)
        shapes[p + "post_attention_layernorm.weight"] = (H,)
        for n in "qkvo":
            shapes[p + f"self_attn.{n}_proj.weight"] = (H, H)
        mlps = []
        if deepseek_is_moe(cfg, i):
            shapes[p + "mlp.gate.weight"] = (cfg["n_routed_experts"], H)
            mlps += [(f"{p}mlp.experts.{e}.", Im) for e in range(cfg["n_routed_experts"])]
            mlps.append((p + "mlp.shared_experts.", Is))
        else:
            mlps.append((p + "mlp.", I))
        for q, w in mlps:
            shapes[q + "gate_proj.weight"] = (w, H)
            shapes[q + "up_proj.weight"] = (w, H)
            shapes[q + "down_proj.weight"] = (H, w)
    g = torch.Generator().manual_seed(seed)
    return {n: init_tensor(n, shapes[n], g).contiguous() for n in sorted(shapes)}


def deepseek_crosscheck(cfg, sd, ids, logits):
    """Same model from transformers pieces: Llama attention + DeepseekV2Moe (greedy)."""
    from transformers import DeepseekV2Config, LlamaConfig, LlamaForCausalLM
    from transformers.models.deepseek_v2.modeling_deepseek_v2 import DeepseekV2Moe
    lc = LlamaConfig(vocab_size=cfg["vocab_size"], hidden_size=cfg["hidden_size"],
                     intermediate_size=cfg["intermediate_size"],
                     num_hidden_layers=cfg["num_hidden_layers"],
                     num_attention_heads=cfg["num_attention_heads"],
                     num_key_value_heads=cfg["num_key_value_heads"],
                     rms_norm_eps=cfg["rms_norm_eps"], rope_theta=cfg["rope_theta"],
                     max_position_embeddings=cfg["max_position_embeddings"],
                     attention_bias=False, mlp_bias=False, tie_word_embeddings=False)
    model = LlamaForCausalLM._from_config(lc, attn_implementation="eager", dtype=torch.float32).eval()
    vc = DeepseekV2Config(hidden_size=cfg["hidden_size"], moe_intermediate_size=cfg["moe_intermediate_size"],
                          n_routed_experts=cfg["n_routed_experts"], n_shared_experts=cfg["n_shared_experts"],
                          num_experts_per_tok=cfg["num_experts_per_tok"], topk_method="greedy",
                          n_group=1, topk_group=1, routed_scaling_factor=1.0, norm_topk_prob=False)
    vc._experts_implementation = "eager"
    sd_in = {k: v for k, v in sd.items() if ".mlp." not in k or not deepseek_is_moe(cfg, int(k.split(".")[2]))}
    for i in range(cfg["num_hidden_layers"]):
        if deepseek_is_moe(cfg, i):
            moe = DeepseekV2Moe(vc).eval()
            p = f"model.layers.{i}.mlp."
            E = cfg["n_routed_experts"]
            with torch.no_grad():
                moe.gate.weight.copy_(sd[p + "gate.weight"])
                moe.experts.gate_up_proj.copy_(torch.stack([torch.cat(
                    [sd[f"{p}experts.{e}.gate_proj.weight"], sd[f"{p}experts.{e}.up_proj.weight"]]) for e in range(E)]))
                moe.experts.down_proj.copy_(torch.stack([sd[f"{p}experts.{e}.down_proj.weight"] for e in range(E)]))
                for n in ("gate_proj", "up_proj", "down_proj"):
                    getattr(moe.shared_experts, n).weight.copy_(sd[f"{p}shared_experts.{n}.weight"])
            model.model.layers[i].mlp = moe
    missing, unexpected = model.load_state_dict(sd_in, strict=False)
    missing = [m for m in missing if ".mlp." not in m]
    if missing or unexpected:
        raise RuntimeError(f"deepseek cross-check: missing {missing} unexpected {unexpected}")
    with torch.no_grad():
        ref = model(input_ids=ids.long().unsqueeze(0)).logits[0]
    return (ref - logits).abs().max().item()


def gen_deepseek(fixture, cfg_dict, family):
    cfg_dict = dict(cfg_dict, transformers_version=transformers.__version__)
    for seed in range(MAX_SEEDS):
        sd = deepseek_weights(cfg_dict, seed)
        ids = make_ids(cfg_dict, seed)
        cap = {}
        with torch.no_grad():
            logits = deepseek_moe_forward(cfg_dict, sd, ids, cap)
        res = check_margins(cfg_dict, family, sd, cap)
        if margins_ok(res):
            break
        print(f"  seed {seed}: margin too small, retrying")
    else:
        raise RuntimeError(f"{fixture}: no seed with router margins > {MARGIN}")
    diff = deepseek_crosscheck(cfg_dict, sd, ids, logits)
    if diff > 1e-4:
        raise RuntimeError(f"deepseek: plain-torch forward disagrees with transformers pieces ({diff})")
    out = os.path.join(HERE, fixture)
    os.makedirs(out, exist_ok=True)
    write_json(os.path.join(out, "config.json"), cfg_dict)
    save_file(sd, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    save_file({"input_ids": ids.contiguous()}, os.path.join(out, "inputs.safetensors"))
    save_file({"logits": logits.float().contiguous()}, os.path.join(out, "expected.safetensors"))
    report(fixture, seed, ids, logits, res, {})
    print(f"  cross-check vs LlamaForCausalLM + DeepseekV2Moe(greedy): max |dlogits| {diff:.2e}")
    return seed


FIXTURES = [  # (fixture, family, config, generator) in generation order
    ("mixtral", "mixtral", cfg_mixtral, gen_hf),
    ("qwen3_moe", "qwen3_moe", cfg_qwen3_moe, gen_hf),
    ("olmoe", "olmoe", cfg_olmoe, gen_hf),
    ("qwen2_moe", "qwen2_moe", cfg_qwen2_moe, gen_hf),
    ("deepseek_v3", "deepseek_v3", cfg_deepseek_v3, gen_hf),
    ("deepseek_v3_no_qlora", "deepseek_v3", cfg_deepseek_v3_no_qlora, gen_hf),
    ("deepseek_v2", "deepseek_v2", cfg_deepseek_v2, gen_hf),
    ("deepseek_v2_greedy", "deepseek_v2", cfg_deepseek_v2_greedy, gen_hf),
    ("deepseek", "deepseek", cfg_deepseek, gen_deepseek),
    # bf16 variants of fp32 fixtures (same seed, weights rounded to BF16)
    ("mixtral_bf16", "mixtral_bf16", cfg_mixtral, gen_hf_bf16),
    ("deepseek_v3_bf16", "deepseek_v3_bf16", cfg_deepseek_v3, gen_hf_bf16),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--family", action="append",
                    help="fixture or family name (repeatable); default: all")
    ap.add_argument("--bf16", action="store_true",
                    help="the bf16 fixtures (*_bf16) only, or with --family also them")
    args = ap.parse_args()
    print(f"torch {torch.__version__}, transformers {transformers.__version__}")
    for fixture, family, cfg_fn, gen in FIXTURES:
        bf16 = gen is gen_hf_bf16
        if args.bf16 and not bf16 and not args.family:
            continue
        if args.family and fixture not in args.family and family not in args.family \
                and not (args.bf16 and bf16 and family[: -len("_bf16")] in args.family):
            continue
        gen(fixture, cfg_fn(), family)


if __name__ == "__main__":
    sys.exit(main())
