"""Reads an exported schedule with Python's csv module: header step,fraction,version and one column per
dataset; one row per change, steps rising, fraction = step / STEPS, each row's probabilities summing to 1.
Usage: check_schedule.py CSV STEPS NAMES_JSON
"""
import csv
import json
import sys


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
steps, names = int(sys.argv[2]), json.loads(sys.argv[3])
if rows[0] != ["step", "fraction", "version"] + names:
    fail("header %r" % rows[0])
last = -1
for row in rows[1:]:
    step, fraction, version = int(row[0]), float(row[1]), int(row[2])
    probs = [float(x) for x in row[3:]]
    if step <= last or version > step or abs(fraction - step / steps) > 1e-6:
        fail("row %r" % row)
    if len(probs) != len(names) or abs(sum(probs) - 1) > 1e-9 or min(probs) < 0:
        fail("probabilities %r" % row)
    last = step
print("ok %d changes" % (len(rows) - 1))
