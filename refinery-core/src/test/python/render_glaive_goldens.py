#!/usr/bin/env python3
"""Renders glaive tool-call rows (LLaMA-Factory's glaive_toolcall_en_demo.json, Apache-2.0) with
the Qwen3 and DeepSeek-V3 chat templates in Python Jinja2 3.1.6, set up as transformers'
apply_chat_template (render_goldens.make_env), with the messages built as a transformers user
builds them for each template:

- Qwen3: a call turn's content "", arguments as a dict, tools as {"type": "function",
  "function": {...}} (glaive's bare entries wrapped).
- DeepSeek-V3: content None (its template writes calls only then) and arguments as the JSON
  string (its template concatenates them); no tools (its template does not write them).

Run from the repository root:  python3 refinery-core/src/test/python/render_glaive_goldens.py
Writes refinery-core/src/test/resources/jinja/glaive_goldens.json.
"""
import json
import os
import sys

import jinja2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from render_goldens import ENV, ROOT, OUT, special_tokens  # noqa: E402



def pick(rows):
    """The first eight rows with a tool call and the first two without."""
    calls = [i for i, r in enumerate(rows)
             if any(t["from"] == "function_call" for t in r["conversations"])]
    plain = [i for i in range(len(rows)) if i not in calls]
    return sorted(calls[:8] + plain[:2])


def data_file(relative):
    for base in (os.path.join(ROOT, "testdata"), os.path.join(ROOT, "..", "shared", "data"),
                 os.path.join(ROOT, "..", "..", "shared", "data")):
        path = os.path.join(base, relative)
        if os.path.exists(path):
            return path
    raise SystemExit("not found: " + relative)


def messages(row, string_args, none_content):
    out = []
    if row.get("system"):
        out.append({"role": "system", "content": row["system"]})
    calls = 0
    pending = []
    for turn in row["conversations"]:
        f, v = turn["from"], turn["value"]
        if f == "human":
            out.append({"role": "user", "content": v})
        elif f == "gpt":
            out.append({"role": "assistant", "content": v})
        elif f == "function_call":
            parsed = json.loads(v)
            tool_calls = []
            for call in parsed if isinstance(parsed, list) else [parsed]:
                args = call["arguments"]
                text = json.dumps(args, ensure_ascii=False)
                assert text in v, "arguments are not json.dumps text: " + v
                tool_calls.append({"id": "call_%d" % calls, "type": "function", "function": {
                    "name": call["name"], "arguments": text if string_args else args}})
                calls += 1
            pending = [c["id"] for c in tool_calls]
            out.append({"role": "assistant", "content": None if none_content else "",
                        "tool_calls": tool_calls})
        elif f == "observation":
            out.append({"role": "tool", "content": v,
                        "tool_call_id": pending.pop(0) if pending else None})
        else:
            raise SystemExit("unexpected turn " + f)
    return out


def main():
    rows = json.load(open(data_file("llamafactory-demo/glaive_toolcall_en_demo.json")))
    cases = []
    for template in ("qwen3", "deepseek_v3"):
        config = json.load(open(data_file("tokenizers/%s/tokenizer_config.json" % template)))
        source = config["chat_template"]
        deepseek = template == "deepseek_v3"
        for i in pick(rows):
            row = rows[i]
            tools = None
            if not deepseek and row.get("tools"):
                tools = [{"type": "function", "function": t} for t in json.loads(row["tools"])]
            variables = dict(special_tokens(config))
            variables.update(messages=messages(row, deepseek, deepseek), tools=tools,
                             add_generation_prompt=False)
            text = ENV.from_string(source).render(**variables)
            cases.append({"template": template, "row": i, "expected": text})
    out = {"jinja2_version": jinja2.__version__,
           "source": "llamafactory-demo/glaive_toolcall_en_demo.json", "cases": cases}
    with open(os.path.join(OUT, "glaive_goldens.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
