"""Reads an exported axolotl config against axolotl's schema (utils/schemas/datasets.py: SFTDataset and
UserDefinedPrompterType fields; config.py: shuffle_merged_datasets; the `weight` of PR #3690, 0 < weight
<= 1, the fraction of a dataset kept), checks that every mapped field is in the file, and that the kept
examples, weight_i x records_i, are in the expected proportions.
Usage: check_axolotl.py CONFIG_YAML EXPECTED_JSON  (EXPECTED: {path: probability})
"""
import json
import os
import sys

try:
    import yaml
except ImportError:  # the Java test then checks the lines itself
    print("SKIP no yaml")
    sys.exit(3)

SFT = {"path", "split", "type", "input_transform", "shards", "shards_idx", "preprocess_shards", "conversation",
       "chat_template", "chat_template_jinja", "data_files", "input_format", "name", "ds_type", "field",
       "field_human", "field_model", "field_messages", "field_tools", "field_thinking", "template_thinking_key",
       "message_field_role", "message_field_content", "message_property_mappings", "message_field_training",
       "message_field_training_detail", "split_thinking", "logprobs_field", "temperature", "roles_to_train",
       "train_on_eos", "roles", "drop_system_message", "trust_remote_code", "revision", "weight"}
PROMPTER = {"system_prompt", "system_format", "field_system", "field_instruction", "field_input", "field_output",
            "format", "no_input_format", "field"}
BUILT_IN_TYPES = {"alpaca", "chat_template", "completion"}


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


def records(path):
    text = open(path, encoding="utf-8").read()
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main():
    config = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
    expected = json.loads(sys.argv[2])
    if not set(config) <= {"datasets", "shuffle_merged_datasets"}:
        fail("unexpected keys %s" % sorted(set(config)))
    kept = {}
    for d in config["datasets"]:
        if not set(d) <= SFT:
            fail("not SFTDataset fields: %s" % sorted(set(d) - SFT))
        path = d["path"]
        if not isinstance(path, str) or not os.path.isfile(path):
            fail("path %r" % path)
        if d.get("ds_type") not in ("json", "parquet"):
            fail("ds_type %r" % d.get("ds_type"))
        w = d["weight"]
        if not isinstance(w, (int, float)) or not 0 < w <= 1:
            fail("weight %r" % w)
        rows = records(path)
        keys = set().union(*(r.keys() for r in rows))
        t = d["type"]
        if isinstance(t, dict):
            if not set(t) <= PROMPTER:
                fail("not prompter fields: %s" % sorted(set(t) - PROMPTER))
            for f in ("field_system", "field_instruction", "field_input", "field_output"):
                if f in t and t[f] not in keys:
                    fail("%s: %s = %r is in no record" % (path, f, t[f]))
            if "{instruction}" not in t["format"] or "{input}" in t["no_input_format"]:
                fail("formats %r / %r" % (t["format"], t["no_input_format"]))
        elif t not in BUILT_IN_TYPES:
            fail("type %r" % t)
        elif t == "alpaca" and not {"instruction", "output"} <= keys:
            fail("%s: alpaca needs instruction and output" % path)
        elif t == "completion" and d.get("field", "text") not in keys:
            fail("%s: completion field" % path)
        elif t == "chat_template":
            field = d.get("field_messages", "messages")
            mapping = d.get("message_property_mappings", {"role": "role", "content": "content"})
            roles = {"user": ["human", "user"], "assistant": ["gpt", "assistant"], "system": ["system"], "tool": ["tool"]}
            for role, values in (d.get("roles") or {}).items():
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    fail("roles.%s = %r" % (role, values))
                roles[role] = values
            known = {v for values in roles.values() for v in values}
            for r in rows:
                for turn in r[field]:
                    if mapping["role"] not in turn or mapping["content"] not in turn:
                        fail("%s: turn %r lacks %r" % (path, turn, mapping))
                    if turn[mapping["role"]] not in known:
                        fail("%s: role %r is not mapped" % (path, turn[mapping["role"]]))
        kept[path] = w * len(rows)
    total = sum(kept.values())
    for path, k in kept.items():
        if abs(k / total - expected[path]) > 1e-5:
            fail("%s: keeps a share %r, expected %r" % (path, k / total, expected[path]))
    if abs(sum(expected[p] for p in kept) - 1) > 1e-9:
        fail("the probabilities of the kept datasets sum to %r" % sum(expected[p] for p in kept))
    print("ok %d datasets" % len(kept))


main()
