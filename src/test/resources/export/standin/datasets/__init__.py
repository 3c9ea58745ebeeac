"""A stand-in for Hugging Face `datasets`, for checking an exported script where the library is not
installed: only what that script calls. load_dataset("json", data_files=FILE, split="train") reads
JSON Lines or a JSON array into rows; Dataset.map applies the function to each row and keeps the
columns it returns; interleave_datasets draws rows with the given probabilities (seeded) until the
first or every dataset is used up, and keeps what it was given in LAST_INTERLEAVE for the check.
It is no test of `datasets` itself: only of the script's own code and of the arguments it passes.
"""
import json
import random

LAST_INTERLEAVE = None


class Value:
    def __init__(self, dtype):
        self.dtype = dtype


class Features(dict):
    pass


class Dataset:
    def __init__(self, rows):
        self.rows = rows
        self.column_names = sorted(set().union(*(r.keys() for r in rows))) if rows else []

    def map(self, function, remove_columns=None, features=None):
        out = []
        for row in self.rows:
            full = {k: row.get(k) for k in self.column_names}  # a column some record lacks reads as None
            new = function(full)
            if features is not None and set(new) != set(features):
                raise ValueError("map returned columns %s, features say %s" % (sorted(new), sorted(features)))
            kept = {k: v for k, v in full.items() if k not in (remove_columns or [])}
            kept.update(new)
            out.append(kept)
        return Dataset(out)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def load_dataset(path, data_files=None, split=None):
    if path != "json" or split != "train":
        raise ValueError("the stand-in reads json files only, split train")
    text = open(data_files, encoding="utf-8").read()
    rows = json.loads(text) if text.lstrip().startswith("[") else [
        json.loads(line) for line in text.splitlines() if line.strip()]
    return Dataset(rows)


def interleave_datasets(datasets, probabilities=None, seed=None, stopping_strategy="first_exhausted"):
    global LAST_INTERLEAVE
    LAST_INTERLEAVE = dict(datasets=datasets, probabilities=probabilities, seed=seed,
                           stopping_strategy=stopping_strategy)
    rng = random.Random(seed)
    cursors = [0] * len(datasets)
    exhausted = [False] * len(datasets)
    out = []
    while True:
        i = rng.choices(range(len(datasets)), weights=probabilities)[0]
        out.append(datasets[i].rows[cursors[i] % len(datasets[i].rows)])
        cursors[i] += 1
        if cursors[i] >= len(datasets[i].rows):
            exhausted[i] = True
        if (all(exhausted) if stopping_strategy == "all_exhausted" else any(exhausted)):
            return Dataset(out)
