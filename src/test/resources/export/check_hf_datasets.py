"""Checks an exported Hugging Face datasets script: parsed with ast (its constants, its calls of
load_dataset and interleave_datasets with the keywords datasets documents), then executed: with the
real `datasets` when it is installed, else with the stand-in beside this file (standin/datasets),
which reads the same files and records what interleave_datasets was given. Every example it builds
must be a chat of user and assistant turns (or text).
Usage: check_hf_datasets.py SCRIPT EXPECTED_JSON  (EXPECTED: {name: probability})
"""
import ast
import importlib.util
import json
import os
import sys


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


def constants(tree):
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass  # FEATURES: a call, not a literal
    return out


def calls(tree, name):
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == name]


def main():
    path = sys.argv[1]
    expected = json.loads(sys.argv[2])
    tree = ast.parse(open(path, encoding="utf-8").read(), filename=path)
    c = constants(tree)
    datasets, probs = c["DATASETS"], c["PROBABILITIES"]
    if len(datasets) != len(probs) or abs(sum(probs) - 1) > 1e-9 or min(probs) <= 0:
        fail("%d datasets, probabilities %r" % (len(datasets), probs))
    for d, p in zip(datasets, probs):
        if abs(p - expected[d["name"]]) > 1e-6:
            fail("%s: %r, expected %r" % (d["name"], p, expected[d["name"]]))
        if not os.path.isfile(d["file"]) or d["loader"] not in ("json", "parquet"):
            fail("file %r, loader %r" % (d["file"], d["loader"]))
    if not isinstance(c["SEED"], int) or c["STOPPING_STRATEGY"] not in ("first_exhausted", "all_exhausted"):
        fail("seed %r, stopping strategy %r" % (c["SEED"], c["STOPPING_STRATEGY"]))
    (interleave,) = calls(tree, "interleave_datasets")
    if {k.arg for k in interleave.keywords} != {"probabilities", "seed", "stopping_strategy"}:
        fail("interleave_datasets keywords %r" % [k.arg for k in interleave.keywords])
    (load,) = calls(tree, "load_dataset")
    if {k.arg for k in load.keywords} != {"data_files", "split"}:
        fail("load_dataset keywords %r" % [k.arg for k in load.keywords])
    try:
        import datasets  # noqa: F401
        real = True
    except ImportError:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "standin"))
        real = False
    spec = importlib.util.spec_from_file_location("mixture", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    mixture = module.build()
    rows = 0
    for row in mixture:
        rows += 1
        messages, text = row.get("messages"), row.get("text")
        if text:
            continue
        roles = [m["role"] for m in messages]
        if roles and roles[0] == "system":
            roles = roles[1:]
        if not roles or roles[-1] != "assistant" or any(
                r != ("user" if i % 2 == 0 else "assistant") for i, r in enumerate(roles)):
            fail("example %r" % messages)
        if not all(isinstance(m["content"], str) and m["content"] for m in messages):
            fail("empty content in %r" % messages)
    if not real:
        given = sys.modules["datasets"].LAST_INTERLEAVE
        if given["probabilities"] != probs or given["seed"] != c["SEED"] or given["stopping_strategy"] != c[
                "STOPPING_STRATEGY"] or len(given["datasets"]) != len(datasets):
            fail("interleave_datasets was given %r" % {k: v for k, v in given.items() if k != "datasets"})
    print("ok %s, %d datasets, %d examples" % ("datasets" if real else "stand-in", len(datasets), rows))


main()
