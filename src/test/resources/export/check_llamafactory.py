"""Reads an exported LLaMA-Factory YAML and its dataset_info.json as LLaMA-Factory does and converts
every record of every file the way it would, failing on anything it would refuse.

Follows hiyouga/LLaMA-Factory: hparams/data_args.py (DataArguments: `dataset` and `interleave_probs`
are comma-separated strings, interleave_probs only with an interleave strategy and as many as the
datasets), data/parser.py (get_dataset_list: which `columns` and `tags` keys it reads per
`formatting`), data/loader.py (file_name joined to dataset_dir, loader by extension), and
data/converter.py (AlpacaDatasetConverter, SharegptDatasetConverter: a mapped column missing from the
file is a KeyError; sharegpt turns alternate user/observation and assistant/function).
Usage: check_llamafactory.py TRAINING_YAML EXPECTED_JSON  (EXPECTED: {name: probability})
"""
import json
import os
import sys

try:
    import yaml
except ImportError:  # the Java test then checks the lines itself
    print("SKIP no yaml")
    sys.exit(3)

DATA_ARGS = {"dataset", "dataset_dir", "mix_strategy", "interleave_probs"}
FILEEXT2TYPE = {"arrow": "arrow", "csv": "csv", "json": "json", "jsonl": "json", "parquet": "parquet", "txt": "text"}
ENTRY_KEYS = {"hf_hub_url", "ms_hub_url", "script_url", "file_name", "file_sha1", "subset", "folder", "ranking",
              "formatting", "columns", "tags", "split", "num_samples"}
COMMON_COLUMNS = ["system", "tools", "images", "chosen", "rejected", "kto_tag"]
TAGS = ["role_tag", "content_tag", "user_tag", "assistant_tag", "observation_tag", "function_tag", "system_tag"]


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


def records(path):
    text = open(path, encoding="utf-8").read()
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def column(record, columns, name):
    # Hugging Face loads a JSON file with the union of its records' keys as columns: a key some
    # record lacks reads as None; a key no record has does not exist, and reading it is a KeyError.
    if name not in columns:
        fail("column %r is in no record" % name)
    return record.get(name)


def alpaca(record, columns, attr):
    prompt = []
    if attr["history"] and isinstance(column(record, columns, attr["history"]), list):
        for old_prompt, old_response in record[attr["history"]]:
            prompt += [("user", old_prompt), ("assistant", old_response)]
    query = []
    if attr["prompt"] and column(record, columns, attr["prompt"]):
        query.append(record[attr["prompt"]])
    if attr["query"] and column(record, columns, attr["query"]):
        query.append(record[attr["query"]])
    prompt.append(("user", "\n".join(query)))
    response = column(record, columns, attr["response"]) if attr["response"] else None
    if attr["system"]:
        column(record, columns, attr["system"])
    return prompt, response


def sharegpt(record, columns, attr):
    mapping = {attr["user_tag"]: "user", attr["assistant_tag"]: "assistant", attr["observation_tag"]: "observation",
               attr["function_tag"]: "function", attr["system_tag"]: "system"}
    odd = (attr["user_tag"], attr["observation_tag"])
    even = (attr["assistant_tag"], attr["function_tag"])
    messages = column(record, columns, attr["messages"])
    if attr["system_tag"] and messages and messages[0][attr["role_tag"]] == attr["system_tag"]:
        messages = messages[1:]
    elif attr["system"]:
        column(record, columns, attr["system"])
    aligned = []
    for i, message in enumerate(messages):
        if attr["role_tag"] not in message or attr["content_tag"] not in message:
            fail("turn %r has no %r or %r" % (message, attr["role_tag"], attr["content_tag"]))
        if message[attr["role_tag"]] not in (odd, even)[i % 2]:
            fail("invalid role tag %r at turn %d of %r" % (message[attr["role_tag"]], i, messages))
        aligned.append((mapping[message[attr["role_tag"]]], message[attr["content_tag"]]))
    if len(aligned) % 2 != 0:
        fail("odd message count in %r" % messages)
    return aligned[:-1], aligned[-1][1]


def main():
    config = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
    expected = json.loads(sys.argv[2])
    if not set(config) <= DATA_ARGS:
        fail("keys that are no data arguments: %s" % sorted(set(config) - DATA_ARGS))
    for key in ("dataset", "interleave_probs", "mix_strategy", "dataset_dir"):
        if not isinstance(config.get(key), str):
            fail("%s must be a string, is %r" % (key, config.get(key)))
    if config["mix_strategy"] not in ("interleave_under", "interleave_over"):
        fail("interleave_probs needs an interleave mix_strategy, not %r" % config["mix_strategy"])
    names = [n.strip() for n in config["dataset"].split(",")]
    probs = list(map(float, [p.strip() for p in config["interleave_probs"].split(",")]))
    if len(names) != len(probs):
        fail("%d datasets, %d probabilities" % (len(names), len(probs)))
    if abs(sum(probs) - 1) > 1e-9 or min(probs) <= 0:
        fail("probabilities %r" % probs)
    for name, p in zip(names, probs):
        if abs(p - expected[name]) > 1e-6:
            fail("%s: probability %r, expected %r" % (name, p, expected[name]))
    info = json.load(open(os.path.join(config["dataset_dir"], "dataset_info.json"), encoding="utf-8"))
    converted = 0
    for name in names:
        if name not in info:
            fail("Undefined dataset %s in dataset_info.json" % name)
        entry = info[name]
        if not set(entry) <= ENTRY_KEYS:
            fail("%s: unknown keys %s" % (name, sorted(set(entry) - ENTRY_KEYS)))
        attr = dict(formatting="alpaca", prompt="instruction", query="input", response="output", history=None,
                    messages="conversations", system=None, role_tag="from", content_tag="value", user_tag="human",
                    assistant_tag="gpt", observation_tag="observation", function_tag="function_call",
                    system_tag="system")
        attr["formatting"] = entry.get("formatting", "alpaca")
        if attr["formatting"] not in ("alpaca", "sharegpt"):
            fail("%s: formatting %r" % (name, attr["formatting"]))
        if "columns" in entry:
            names_read = COMMON_COLUMNS + (["prompt", "query", "response", "history"]
                                           if attr["formatting"] == "alpaca" else ["messages"])
            if not set(entry["columns"]) <= set(names_read):
                fail("%s: columns %s are not read for %s" % (name, sorted(set(entry["columns"]) - set(names_read)),
                                                              attr["formatting"]))
            for c in names_read:
                attr[c] = entry["columns"].get(c)
        if attr["formatting"] == "sharegpt" and "tags" in entry:
            if not set(entry["tags"]) <= set(TAGS):
                fail("%s: unknown tags %s" % (name, sorted(set(entry["tags"]) - set(TAGS))))
            for t in TAGS:
                attr[t] = entry["tags"].get(t)
        path = os.path.join(config["dataset_dir"], entry["file_name"])
        if not os.path.isfile(path):
            fail("File %s not found." % path)
        if path.split(".")[-1] not in FILEEXT2TYPE:
            fail("%s: no loader for %s" % (name, path))
        rows = records(path)
        columns = set().union(*(r.keys() for r in rows))
        for r in rows:
            prompt, response = (alpaca if attr["formatting"] == "alpaca" else sharegpt)(r, columns, attr)
            if not prompt or not prompt[-1][1] or not isinstance(response, str) or not response:
                fail("%s: record %r gives prompt %r, response %r" % (name, r, prompt, response))
            converted += 1
    print("ok %d datasets, %d records" % (len(names), converted))


main()
