#!/usr/bin/env python3
"""Renders chat templates with Python's Jinja2 set up as Hugging Face's apply_chat_template sets
it up (transformers' chat_template_utils: ImmutableSandboxedEnvironment, trim_blocks,
lstrip_blocks, loopcontrols, the generation block, tojson, raise_exception, strftime_now), as an
independent reference for skillmix's own sandboxed Jinja2 interpreter (data/tokenizer/jinja).

Usage: scripts/jinja2-render.py CASES.json > RENDERED.json
CASES.json: [{"template": FILE, "bos_token": ..., "eos_token": ..., "messages": [...],
              "add_generation_prompt": bool}, ...]; a case may give "source" (the template's text)
in place of "template", and any other variables. As apply_chat_template does, tools and documents
are None unless given. Output: one string (or {"error": message}) per case.
Needs only python3 with jinja2; nothing is downloaded.
"""
import json
import sys
from datetime import datetime

from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


class Generation(Extension):
    """{% generation %}...{% endgeneration %}: renders its body (the mask is not compared here)."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def raise_exception(message):
    raise ValueError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                      sort_keys=sort_keys)


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[Generation, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    out = []
    for case in json.load(open(sys.argv[1], encoding="utf-8")):
        if "source" in case:
            source = case["source"]
        else:
            source = open(case["template"], encoding="utf-8").read()
        context = {"tools": None, "documents": None}
        context.update({k: v for k, v in case.items() if k not in ("template", "source")})
        try:
            out.append(env.from_string(source).render(**context))
        except Exception as e:  # the template raised: report it
            out.append({"error": str(e)})
    json.dump(out, sys.stdout, ensure_ascii=False, indent=0)


if __name__ == "__main__":
    main()
