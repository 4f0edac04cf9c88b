#!/usr/bin/env python3
"""Renders golden outputs for the Java Jinja engine with Python Jinja2 (3.1.6), configured
exactly like transformers' apply_chat_template: ImmutableSandboxedEnvironment, trim_blocks,
lstrip_blocks, loopcontrols, generation blocks, json.dumps-based tojson, raise_exception and
strftime_now (fixed clock 2024-07-26 12:00:00).

Run from the repository root:  python3 refinery-core/src/test/python/render_goldens.py
Writes refinery-core/src/test/resources/jinja/{chat_goldens,snippet_goldens}.json.
"""
import json
import os
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
OUT = os.path.join(ROOT, "refinery-core", "src", "test", "resources", "jinja")
TOKENIZERS = os.path.join(ROOT, "..", "shared", "data", "tokenizers")
FIXED_NOW = datetime(2024, 7, 26, 12, 0, 0)


class GenerationTracker(Extension):
    """transformers' AssistantTracker without the index bookkeeping: renders the body."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def make_env():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def strftime_now(format):
        return FIXED_NOW.strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[GenerationTracker, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


ENV = make_env()


def render(source, variables):
    try:
        return {"expected": ENV.from_string(source).render(**variables)}
    except Exception as e:  # noqa: BLE001 - any failure is the expected outcome
        return {"error": type(e).__name__ + ": " + str(e).splitlines()[0] if str(e) else type(e).__name__}


def special_tokens(config):
    out = {}
    for k, v in config.items():
        if k.endswith("_token") and k not in ("add_bos_token", "add_eos_token"):
            if isinstance(v, dict):
                v = v.get("content")
            if isinstance(v, str):  # transformers' special_tokens_map leaves out unset tokens
                out[k] = v
    return out


# ---- conversations
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "Get the weather in a city",
                                      "parameters": {"type": "object", "properties": {
                                          "city": {"type": "string", "description": "City name"},
                                          "unit": {"type": "string", "enum": ["c", "f"]}},
                                          "required": ["city"]}}},
    {"type": "function", "function": {"name": "search", "description": "Web search — ünïcode",
                                      "parameters": {"type": "object", "properties": {
                                          "query": {"type": "string"}, "limit": {"type": "integer", "default": 5}}}}},
]


def tc(name, args, id_="call_1"):
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": args}}


CONVERSATIONS = {
    "single_user": [{"role": "user", "content": "Hello!"}],
    "system_user_assistant": [{"role": "system", "content": "You are helpful."},
                              {"role": "user", "content": "What is 2+2?"},
                              {"role": "assistant", "content": "4"}],
    "multi_turn": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello, how can I help?"},
                   {"role": "user", "content": "Tell me a joke."},
                   {"role": "assistant", "content": "Why did the chicken cross the road?"}],
    "think_trace": [{"role": "system", "content": "Think first."}, {"role": "user", "content": "Solve 3*7."},
                    {"role": "assistant", "content": "<think>\n3 times 7 is 21.\n</think>\n\nThe answer is 21."}],
    "think_multi_turn": [{"role": "user", "content": "Q1"},
                         {"role": "assistant", "content": "<think>\nfirst reasoning\n</think>\n\nA1"},
                         {"role": "user", "content": "Q2"},
                         {"role": "assistant", "content": "<think>\nsecond reasoning\n</think>\n\nA2"}],
    "think_empty": [{"role": "user", "content": "Quick"},
                    {"role": "assistant", "content": "<think>\n\n</think>\n\nDone."}],
    "ends_with_user": [{"role": "system", "content": "Sys"}, {"role": "user", "content": "Q1"},
                       {"role": "assistant", "content": "A1"}, {"role": "user", "content": "Q2"}],
    "whitespace": [{"role": "system", "content": " sys \n"}, {"role": "user", "content": "\u00a0Hi there\n\n"},
                   {"role": "assistant", "content": "  Hello!  \n"}],
    "unicode_escapes": [{"role": "user", "content": "héllo \"quotes\" 'single' \\ back\ttab\nnew 😀 中文"},
                        {"role": "assistant", "content": "réponse {\"json\": [1, 2]} <tag>"}],
    "empty_system": [{"role": "system", "content": ""}, {"role": "user", "content": "Q"},
                     {"role": "assistant", "content": "A"}],
    "tool_call_dict": [{"role": "system", "content": "Use tools."}, {"role": "user", "content": "Weather in Paris?"},
                       {"role": "assistant", "content": "", "tool_calls": [tc("get_weather", {"city": "Paris", "unit": "c"}, "abc123def")]},
                       {"role": "tool", "content": "{\"temp\": 21.5}", "tool_call_id": "abc123def", "name": "get_weather"},
                       {"role": "assistant", "content": "It is 21.5 °C in Paris."}],
    "tool_call_parallel": [{"role": "user", "content": "Weather in Paris and Rome, and search news"},
                           {"role": "assistant", "content": "Let me check.", "tool_calls": [
                               tc("get_weather", {"city": "Paris"}, "call_a"), tc("get_weather", {"city": "Rome"}, "call_b"),
                               tc("search", {"query": "news", "limit": 3, "ratio": 0.5, "flag": True, "none": None}, "call_c")]},
                           {"role": "tool", "content": "sunny", "tool_call_id": "call_a"},
                           {"role": "tool", "content": "rainy", "tool_call_id": "call_b"},
                           {"role": "tool", "content": "no news", "tool_call_id": "call_c"},
                           {"role": "assistant", "content": "Paris sunny, Rome rainy."}],
    "tool_call_string_args": [{"role": "user", "content": "Weather?"},
                              {"role": "assistant", "content": None, "tool_calls": [tc("get_weather", "{\"city\": \"Oslo\"}")]},
                              {"role": "tool", "content": "cold", "tool_call_id": "call_1"},
                              {"role": "assistant", "content": "It is cold."}],
    "tool_call_none_content": [{"role": "user", "content": "Weather?"},
                               {"role": "assistant", "content": None, "tool_calls": [tc("get_weather", {"city": "Oslo"}, "call9abcd")]},
                               {"role": "tool", "content": "cold", "tool_call_id": "call9abcd"},
                               {"role": "assistant", "content": "<think>\nit said cold\n</think>\n\nIt is cold."}],
    "reasoning_content_field": [{"role": "user", "content": "Q"},
                                {"role": "assistant", "content": "Answer", "reasoning_content": "\nMy reasoning\n"}],
}

CHAT_TEMPLATES = {}
for name in ("llama3", "qwen3", "deepseek_v3", "mistral_v1"):
    path = os.path.join(TOKENIZERS, name, "tokenizer_config.json")
    if os.path.exists(path):
        cfg = json.load(open(path))
        if cfg.get("chat_template"):
            CHAT_TEMPLATES[name] = {"source": cfg["chat_template"], "tokens": special_tokens(cfg), "real": True}
HAND = {"mistral_v1_hf": {"bos_token": "<s>", "eos_token": "</s>"},
        "gemma": {"bos_token": "<bos>", "eos_token": "<eos>"},
        "phi3": {"bos_token": "<s>", "eos_token": "<|endoftext|>"},
        "llama31_tools": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
        "mistral_tools": {"bos_token": "<s>", "eos_token": "</s>"},
        "chatml_generation": {"eos_token": "<|im_end|>"},
        "qwen25": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
        "deepseek_r1": {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"},
        "llama32": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}}
FILES = {"mistral_v1_hf": "mistral_v1.jinja"}
for name, toks in HAND.items():
    src = open(os.path.join(HERE, "templates", FILES.get(name, name + ".jinja"))).read()
    CHAT_TEMPLATES[name] = {"source": src, "tokens": toks, "real": False}


def chat_cases():
    cases = []
    for tname, t in CHAT_TEMPLATES.items():
        for cname, msgs in CONVERSATIONS.items():
            with_tools = cname.startswith("tool")
            variants = [(False, {}), (True, {})]
            if tname == "qwen3":
                variants.append((True, {"enable_thinking": False}))
            if with_tools:
                variants.append((False, {"__no_tools": True}))
            for agp, kwargs in variants:
                kwargs = dict(kwargs)
                tools = None if kwargs.pop("__no_tools", False) or not with_tools else TOOLS
                variables = dict(t["tokens"])
                variables.update(kwargs)
                variables["messages"] = msgs
                variables["add_generation_prompt"] = agp
                variables["tools"] = tools  # transformers passes tools=None and documents=None
                variables.setdefault("documents", None)
                case = {"template": tname, "conversation": cname, "add_generation_prompt": agp,
                        "tools": tools is not None, "kwargs": kwargs}
                case.update(render(t["source"], variables))
                cases.append(case)
    return cases


# ---- snippets: (name, template, variables)
S = [
    ("print_none_true_false", "{{ none }}|{{ true }}|{{ false }}|{{ None }}|{{ True }}", {}),
    ("print_ints_floats", "{{ 1 }} {{ 1.0 }} {{ 1e16 }} {{ 1e-5 }} {{ 0.1 }} {{ 1/3 }} {{ 2.5e-300 }} {{ 123456789.125 }}", {}),
    ("true_division", "{{ 4 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 7.5 // 2 }}", {}),
    ("print_list_dict", "{{ ['a', 1, none, true, 1.5] }} {{ {'a': 1, 'b': [1, 2]} }} {{ ('x',) }} {{ (1, 2) }}", {}),
    ("print_nested_from_json", "{{ data }}", {"data": {"k": "it's", "q": "say \"hi\"", "n": [1, 2.0, None, False]}}),
    ("string_escapes", "{{ 'a\\nb\\tc\\'d\\\"e\\\\f\\u00e9\\x41' }}", {}),
    ("string_concat_adjacent", "{{ 'ab' 'cd' }}", {}),
    ("tilde_concat", "{{ 1 ~ 'a' ~ none ~ true ~ 1.5 }}", {}),
    ("tojson_default", "{{ d | tojson }}", {"d": {"b": 1, "a": [1, 2.5, "x"], "u": "é😀", "n": None, "t": True}}),
    ("tojson_indent", "{{ d | tojson(indent=4) }}", {"d": {"b": 1, "a": [1, {"c": []}], "e": {}}}),
    ("tojson_indent_positional", "{{ d | tojson(2) }}", {"d": [1, [2, 3]]}),
    ("tojson_sort_keys", "{{ d | tojson(sort_keys=true) }}", {"d": {"b": 1, "a": 2}}),
    ("tojson_separators", "{{ d | tojson(separators=(',', ':')) }}", {"d": {"b": 1, "a": [1, 2]}}),
    ("tojson_escapes", "{{ s | tojson }}", {"s": "line\nquote\" back\\ tab\t ctl\u0001 é"}),
    ("tojson_floats", "{{ [1.0, 1e16, 1e-5, 0.1, 3] | tojson }}", {}),
    ("slice_reverse", "{{ xs[::-1] }} {{ xs[1:] }} {{ xs[:-1] }} {{ xs[::2] }} {{ 'hello'[1:3] }} {{ 'hello'[::-1] }}", {"xs": [1, 2, 3, 4]}),
    ("slice_negative", "{{ xs[-2:] }} {{ xs[-1] }} {{ xs[10:] }} {{ 'abc'[-1] }}", {"xs": [1, 2, 3]}),
    ("namespace_kwargs", "{% set ns = namespace(last=xs|length - 1, found=false) %}{% for x in xs %}{% if x == 2 %}{% set ns.found = true %}{% set ns.last = loop.index0 %}{% endif %}{% endfor %}{{ ns.last }} {{ ns.found }}", {"xs": [1, 2, 3]}),
    ("loop_vars", "{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}|{% endfor %}", {"xs": ["a", "b", "c"]}),
    ("loop_prev_next", "{% for x in xs %}[{{ loop.previtem }}-{{ x }}-{{ loop.nextitem }}]{% endfor %}", {"xs": ["a", "b", "c"]}),
    ("loop_cycle", "{% for x in xs %}{{ loop.cycle('odd', 'even') }} {% endfor %}", {"xs": [1, 2, 3]}),
    ("for_else", "{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", {"xs": []}),
    ("for_if_filter", "{% for x in xs if x > 1 %}{{ x }}{{ loop.length }}{% endfor %}", {"xs": [1, 2, 3]}),
    ("for_tuple_unpack", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", {"d": {"a": 1, "b": 2}}),
    ("for_items_filter", "{% for k, v in d | items %}{{ k }}={{ v }};{% endfor %}", {"d": {"x": 1, "y": [2]}}),
    ("for_dict_iter_keys", "{% for k in d %}{{ k }}{% endfor %}", {"d": {"a": 1, "b": 2}}),
    ("break_continue", "{% for x in xs %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", {"xs": [1, 2, 3, 4, 5]}),
    ("loop_scope_set", "{% set x = 0 %}{% for i in range(3) %}{% set x = x + 1 %}{{ x }}{% endfor %}{{ x }}", {}),
    ("if_scope_set", "{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}", {}),
    ("set_block", "{% set x %}Hello {{ name }}!{% endset %}[{{ x }}]", {"name": "Bob"}),
    ("set_block_filter", "{% set x | upper %}hello{% endset %}{{ x }}", {}),
    ("macro_defaults", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', '?') }} {{ greet(name='C', punct='.') }}", {}),
    ("macro_outer_var", "{% set g = 'G' %}{% macro m() %}{{ g }}{% endmacro %}{{ m() }}", {}),
    ("filter_block", "{% filter upper %}abc {{ x }}{% endfilter %}", {"x": "def"}),
    ("generation_block", "A{% generation %}B{{ x }}{% endgeneration %}C", {"x": 1}),
    ("and_or_values", "{{ 1 and 'x' }} {{ 0 and 'x' }} {{ '' or 'y' }} {{ none or 0 }} {{ not [] }}", {}),
    ("comparisons", "{{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'a' != 'a' }}", {}),
    ("in_not_in", "{{ 'a' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 'z' not in 'abc' }} {{ 'x' in undefined_var }}", {}),
    ("in_none_raises", "{{ 'x' in none }}", {}),
    ("in_string_int_raises", "{{ 1 in 'abc' }}", {}),
    ("str_plus_int_raises", "{{ 'a' + 1 }}", {}),
    ("undefined_add_raises", "{{ missing + 1 }}", {}),
    ("undefined_attr_raises", "{{ missing.attr }}", {}),
    ("undefined_call_raises", "{{ missing() }}", {}),
    ("unknown_filter_raises", "{{ 1 | nosuchfilter }}", {}),
    ("unknown_test_raises", "{{ 1 is nosuchtest }}", {}),
    ("raise_exception", "{{ raise_exception('Bad roles!') }}", {}),
    ("undefined_prints_empty", "[{{ missing }}][{{ d.nokey }}][{{ d['nokey'] }}][{{ xs[10] }}]", {"d": {}, "xs": [1]}),
    ("undefined_length_iter", "{{ missing | length }}{% for x in missing %}x{% endfor %}{{ missing is defined }}{{ missing is undefined }}", {}),
    ("none_attr_undefined", "[{{ n.foo }}]{{ n.foo is defined }}", {"n": None}),
    ("ternary", "{{ 'y' if x else 'n' }} {{ 'y' if not x else 'n' }} [{{ 'y' if false }}]", {"x": 1}),
    ("attr_item_equiv", "{{ m.content }} {{ m['content'] }} {{ m.get('content') }} {{ m.get('zz', 'dflt') }} {{ m.get('zz') }}", {"m": {"content": "C"}}),
    ("dict_methods", "{{ d.keys() | list }} {{ d.values() | list }} {{ d.items() | list }}", {"d": {"a": 1, "b": 2}}),
    ("dict_items_key_item_syntax", "{{ d['items'] }} {{ d.items() | list }}", {"d": {"items": 5}}),
    ("underscore_attr", "[{{ d._private }}][{{ d.__class__ }}]", {"d": {"x": 1}}),
    ("str_strip_family", "[{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}][{{ t.strip('\\n') }}][{{ t.strip('x\\n') }}]", {"s": " \u00a0 hi \t\n", "t": "\n\nxabx\n"}),
    ("str_split", "{{ 'a,b,,c,'.split(',') }} {{ '  a  b c '.split() }} {{ 'a b c'.split(' ', 1) }} {{ 'a.b.c'.rsplit('.', 1) }} {{ 'x</think>y</think>z'.split('</think>')[-1] }}", {}),
    ("str_starts_ends", "{{ s.startswith('<tool') }} {{ s.endswith('>') }} {{ s.startswith(('a', '<')) }} {{ s.endswith(('x', 'y')) }}", {"s": "<tool_response>"}),
    ("str_replace_count", "{{ 'aaaa'.replace('a', 'b') }} {{ 'aaaa'.replace('a', 'b', 2) }} {{ 'aaa' | replace('a', 'c') }}", {}),
    ("str_case", "{{ 'hello world'.upper() }} {{ 'HeLLo'.lower() }} {{ 'hello wORLD'.title() }} {{ 'hello WORLD'.capitalize() }} {{ 'ab' | upper }} {{ 'aB cD' | title }} {{ 'aBC' | capitalize }}", {}),
    ("str_find_count", "{{ 'hello'.find('l') }} {{ 'hello'.rfind('l') }} {{ 'hello'.find('z') }} {{ 'hello'.index('e') }} {{ 'hello'.count('l') }}", {}),
    ("str_join_method", "{{ ', '.join(['a', 'b']) }} {{ '-'.join('abc') }}", {}),
    ("str_format_method", "{{ '{} and {}'.format('a', 1) }} {{ '{0}{name}'.format('x', name='y') }}", {}),
    ("str_predicates", "{{ '123'.isdigit() }} {{ 'abc'.isalpha() }} {{ ' \\n'.isspace() }} {{ ''.isdigit() }} {{ 'Ab'.isupper() }} {{ 'ab'.islower() }}", {}),
    ("str_percent_format", "{{ '%s is %d' % ('x', 5) }} {{ '%s' % 'y' }}", {}),
    ("filter_trim", "[{{ s | trim }}][{{ 'xxhixx' | trim('x') }}]", {"s": "\u00a0 hi \u2003\n"}),
    ("filter_default", "{{ missing | default('d') }} {{ '' | default('e') }} {{ '' | default('f', true) }} {{ none | default('g') }} {{ missing | d('h') }}", {}),
    ("filter_string_int_float", "{{ 5 | string }} {{ '42' | int + 1 }} {{ 'x' | int }} {{ '3.5' | float }} {{ 3.9 | int }} {{ 2 | float }} {{ 'x' | float }}", {}),
    ("filter_join_attr", "{{ xs | join(', ') }} {{ ms | map(attribute='role') | join('/') }} {{ ms | join(',', attribute='role') }}", {"xs": [1, "a", None], "ms": [{"role": "u"}, {"role": "a"}]}),
    ("filter_first_last_list", "{{ xs | first }} {{ xs | last }} {{ 'abc' | list }} {{ xs | length }} {{ xs | count }}", {"xs": [3, 4, 5]}),
    ("filter_selectattr", "{{ ms | selectattr('role', 'equalto', 'user') | list | length }} {{ ms | rejectattr('role', 'equalto', 'user') | map(attribute='content') | list }} {{ ms | selectattr('flag') | list | length }}", {"ms": [{"role": "user", "content": "a", "flag": True}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}]}),
    ("filter_select_reject", "{{ xs | select('odd') | list }} {{ xs | reject('odd') | list }} {{ xs | select | list }} {{ xs | select('gt', 2) | list }}", {"xs": [0, 1, 2, 3, 4]}),
    ("filter_map_filter", "{{ xs | map('upper') | list }} {{ xs | map('replace', 'a', 'b') | list }}", {"xs": ["ab", "ca"]}),
    ("filter_unique_sort_reverse", "{{ xs | unique | list }} {{ xs | sort }} {{ xs | sort(reverse=true) }} {{ xs | reverse | list }} {{ 'abc' | reverse }} {{ ws | sort }} {{ ws | sort(case_sensitive=true) }}", {"xs": [3, 1, 3, 2], "ws": ["b", "A", "a", "C"]}),
    ("filter_sort_attribute", "{{ ms | sort(attribute='n') | map(attribute='n') | list }}", {"ms": [{"n": 2}, {"n": 1}, {"n": 3}]}),
    ("filter_dictsort", "{{ d | dictsort }} {{ d | dictsort(by='value') }} {{ d | dictsort(reverse=true) }}", {"d": {"b": 1, "a": 3, "C": 2}}),
    ("filter_abs_round", "{{ -3 | abs }} {{ -2.5 | abs }} {{ 2.5 | round }} {{ 3.14159 | round(2) }} {{ 2.7 | round(method='floor') }} {{ 2.1 | round(0, 'ceil') }} {{ 7 | round }}", {}),
    ("filter_indent", "[{{ s | indent }}][{{ s | indent(2, true) }}][{{ s | indent(first=true, blank=true) }}]", {"s": "a\n\nb\nc"}),
    ("filter_batch_sum_min_max", "{{ xs | batch(2) | list }} {{ xs | batch(2, 0) | list }} {{ xs | sum }} {{ xs | min }} {{ xs | max }} {{ ms | sum(attribute='n') }}", {"xs": [1, 2, 3], "ms": [{"n": 1}, {"n": 2}]}),
    ("filter_wordcount_center_truncate", "{{ 'a b  c' | wordcount }}[{{ 'ab' | center(6) }}]{{ 'hello world this is long' | truncate(12) }}", {}),
    ("filter_escape_safe", "{{ '<a href=\"x\">&\\'</a>' | e }} {{ '<b>' | safe }} {{ '<i>' | escape }}", {}),
    ("tests_types", "{{ 'x' is string }} {{ 1 is number }} {{ 1 is integer }} {{ 1.0 is float }} {{ true is boolean }} {{ d is mapping }} {{ xs is iterable }} {{ xs is sequence }} {{ 1 is string }} {{ true is integer }}", {"d": {}, "xs": []}),
    ("tests_values", "{{ none is none }} {{ x is true }} {{ x is false }} {{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 1 is eq 1 }} {{ 2 is gt 1 }} {{ 2 is lt 1 }} {{ 2 is in [1, 2] }} {{ 1 is not none }} {{ 2 is ge(2) }} {{ 1 is le 0 }} {{ 1 is ne 2 }}", {"x": True}),
    ("tests_defined", "{{ x is defined }} {{ y is defined }} {{ y is not defined }} {{ x is none }}", {"x": None}),
    ("range_global", "{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ range(3, 0, -1) | list }}", {}),
    ("dict_global", "{{ dict(a=1, b='x') }}", {}),
    ("strftime_now", "{{ strftime_now('%d %b %Y') }} {{ strftime_now('%Y-%m-%d %H:%M') }} {{ strftime_now('%A %B') }}", {}),
    ("whitespace_control", "a  {{- ' b ' -}}  c\n  {%- if true -%}  d  {%- endif -%}  e", {}),
    ("trim_lstrip_blocks", "<ul>\n    {% for x in xs %}\n    <li>{{ x }}</li>\n    {% endfor %}\n</ul>\n", {"xs": [1, 2]}),
    ("lstrip_not_var", "  {{ 'v' }}\n  {% if true %}\n  x\n  {% endif %}\n", {}),
    ("comments", "a{# comment #}b\n  {# own line #}\nc{#- strip -#}  d", {}),
    ("plus_modifiers", "a\n  {%+ if true %}x{% endif +%}\nb", {}),
    ("raw_block", "{% raw %}{{ not parsed }}{% endraw %}", {}),
    ("unary_minus_filter", "{{ -x | abs }} {{ -(1 + 2) }} {{ +3 }}", {"x": 5}),
    ("numbers_large", "{{ 2 ** 64 }} {{ 10000000000 * 10000000000 }}", {}),
    ("list_concat_mul", "{{ [1] + [2] }} {{ 'ab' * 3 }} {{ [0] * 3 }}", {}),
    ("list_append_sandboxed", "{% set xs = [] %}{% set _ = xs.append(1) %}{{ xs }}", {}),
    ("string_index_unicode", "{{ s[0] }}{{ s[1] }}{{ s | length }}{{ s[-1] }}", {"s": "😀é中"}),
    ("loop_nested_parent", "{% for a in xs %}{% for b in ys %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{% endfor %}", {"xs": [1, 2], "ys": ["x", "y"]}),
    ("namespace_print", "{% set ns = namespace(a=1) %}{{ ns.a }}{{ ns.b is defined }}", {}),
    ("set_tuple_unpack", "{% set a, b = [1, 2] %}{{ a }}{{ b }}", {}),
    ("content_is_none_check", "{% for m in ms %}{{ m.content is none }}{{ m.content is string }}{% endfor %}", {"ms": [{"content": None}, {"content": "x"}]}),
    ("items_on_none_raises", "{{ n | items | list }}", {"n": 1}),
    ("length_on_none_raises", "{{ n | length }}", {"n": None}),
    ("float_compare_mixed", "{{ 1 < 1.5 }} {{ 0.1 + 0.2 }} {{ 0.1 + 0.2 == 0.3 }} {{ 3 * 1.1 }}", {}),
    ("int_bool_arith", "{{ true + 1 }} {{ false * 3 }}", {}),
    ("divide_by_zero_raises", "{{ 1 / 0 }}", {}),
    ("compare_str_int_raises", "{{ 'a' < 1 }}", {}),
    ("undefined_eq", "{{ missing == missing2 }} {{ missing == none }} {{ missing != 1 }}", {}),
    ("is_none_vs_eq", "{{ x == none }} {{ x is none }}", {"x": None}),
    ("dict_literal_trailing_comma", "{{ {'a': 1,} }} {{ [1, 2,] }}", {}),
    ("nested_data_access", "{{ tc.function.arguments.city }} {{ tc['function']['arguments']['city'] }} {{ tc.function.arguments | tojson }}", {"tc": {"function": {"name": "f", "arguments": {"city": "Paris", "n": 1}}}}),
    ("elif_chain", "{% for x in xs %}{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %} {% endfor %}", {"xs": [1, 2, 3]}),
    ("multiline_expression", "{{ [\n  1,\n  2\n] | length }}", {}),
    ("loop_over_string", "{% for c in 'abc' %}{{ c }}-{% endfor %}", {}),
    ("joiner_cycler", "{% set j = joiner(', ') %}{% for x in xs %}{{ j() }}{{ x }}{% endfor %}", {"xs": [1, 2, 3]}),
    ("recursion_limit_macro", "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}", {}),
    ("syntax_error_unclosed", "{% if true %}x", {}),
    ("syntax_error_bad_expr", "{{ 1 + }}", {}),
    ("pipe_precedence", "{{ 'a' ~ 'b' | upper }} {{ 1 + 2 | string }} {{ xs | length + 1 }}", {"xs": [1]}),
    ("not_precedence", "{{ not x in xs }} {{ not x == 1 }}", {"x": 1, "xs": [1]}),
    ("format_filter_floats", "{{ '%.2f' | format(3.14159) }} {{ '%5s|%-5s|' | format('a', 'b') }} {{ '%03d' % 7 }}", {}),
    ("tuple_tojson", "{{ (1, 'a') | tojson }} {{ {'t': (1, 2)} | tojson }}", {}),
    ("unary_minus_pow", "{{ -1 ** 2 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }}", {}),
    ("float_reprs", "{{ 5e-324 }} {{ 1.7976931348623157e308 }} {{ 0.3 }} {{ 2 / 3 }} {{ 100.0 }} {{ 1e15 }} {{ 123.456 }} {{ 9007199254740993.0 }} {{ 1e22 }} {{ 0.0001 }} {{ -0.0 }} {{ 1.5e-7 }}", {}),
    ("float_from_json", "{{ xs }} {{ xs | tojson }}", {"xs": [0.1, 1e-7, 2.5, 1e20, 3.0]}),
    ("braces_in_text", "a { b } {{ '{' }}{{ '}}' }} {x}", {}),
    ("strip_markers_nested", "x\n  {%- for i in [1, 2] -%}\n  {{- i -}}\n  {%- endfor -%}\n  y", {}),
    ("lstrip_tabs_comment", "a\n\t  {# c #}\n\t{% if true %}b{% endif %}\n", {}),
    ("raw_strip", "{% raw -%}  {{ x }}  {%- endraw %}|", {}),
    ("string_compare_case", "{{ 'B' < 'a' }} {{ 'abc' < 'abd' }} {{ 'é' > 'z' }}", {}),
    ("if_without_else_prints_empty", "[{{ 1 if none }}]", {}),
    ("call_block", "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}inner{% endcall %}", {}),
    ("first_of_string_dict", "{{ 'abc' | first }} {{ d | first }} {{ d | list }} {{ d | length }}", {"d": {"k1": 1, "k2": 2}}),
    ("string_filter_values", "{{ none | string }} {{ [1, 'a'] | string }} {{ {'a': none} | tojson }} {{ 3 | float | string }}", {}),
    ("for_over_none_raises", "{% for x in n %}{% endfor %}", {"n": None}),
    ("macro_scope_no_leak", "{% macro m() %}{% set leaked = 1 %}{% endmacro %}{{ m() }}{{ leaked is defined }}", {}),
    ("tilde_pipe_precedence", "{{ 'n=' ~ xs | length }} {{ (a or b) | upper }}", {"xs": [1, 2], "a": "", "b": "bb"}),
    ("unicode_methods", "{{ 'ß'.upper() }} {{ 'ÉCOLE'.lower() }} {{ \"they're bill's 1st\".title() }} {{ 'éa'.capitalize() }}", {}),
    ("sameas_test", "{{ x is sameas false }} {{ y is sameas none }} {{ 0 is sameas false }}", {"x": False, "y": None}),
    ("dict_get_default_none", "{{ d.get('a') }} {{ d.get('b', 0) }} {{ d['a'] is none }}", {"d": {"a": None}}),
    ("loop_index_in_filtered_loop", "{% for m in ms if m.role != 'system' %}{{ loop.index }}{{ m.role[0] }}{{ loop.last }} {% endfor %}", {"ms": [{"role": "system"}, {"role": "user"}, {"role": "assistant"}]}),
    ("namespace_list_accumulate", "{% set ns = namespace(xs=[]) %}{% for i in range(3) %}{% set ns.xs = ns.xs + [i * 2] %}{% endfor %}{{ ns.xs }}", {}),
    ("strftime_formats", "{{ strftime_now('%Y-%m-%dT%H:%M:%S') }} {{ strftime_now('%B %d, %Y') }} {{ strftime_now('%a %j %I%p') }}", {}),
    ("split_maxsplit_whitespace", "{{ '  a b  c  '.split(none, 1) }} {{ 'a b c'.rsplit(none, 1) }} {{ 'a,b,c'.rsplit(',') }} {{ ''.split(',') }} {{ ''.split() }}", {}),
    ("splitlines_partition", "{{ 'a\\nb\\r\\nc'.splitlines() }} {{ 'k=v=w'.partition('=') }} {{ 'k=v=w'.rpartition('=') }}", {}),
    ("removeprefix_suffix", "{{ 'prefix-body'.removeprefix('prefix-') }} {{ 'body.txt'.removesuffix('.txt') }}", {}),
    ("center_ljust_zfill", "[{{ 'ab'.center(7, '*') }}][{{ 'ab'.ljust(4) }}][{{ 'ab'.rjust(4, '.') }}][{{ '-42'.zfill(6) }}]", {}),
    ("int_filter_variants", "{{ '0x1A' | int(0, 16) }} {{ '  12  ' | int }} {{ '1_000' | int }} {{ true | int }} {{ '3.7' | int }} {{ none | int }}", {}),
    ("undefined_in_condition_ops", "{% if missing and missing.x %}y{% else %}n{% endif %}{% if missing is defined and missing > 1 %}y{% endif %}", {}),
    ("mapping_test_on_namespace", "{% set ns = namespace() %}{{ ns is mapping }} {{ {} is mapping }} {{ '' is iterable }} {{ 1 is iterable }}", {}),
    ("string_methods_on_tainted_like", "{% set c = s.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}[{{ c }}]", {"s": "<think>\nabc\n</think>\n\nanswer"}),
]


def random_floats():
    import random
    rng = random.Random(20240726)
    xs = []
    for _ in range(400):
        e = rng.randint(-30, 30)
        xs.append(rng.random() * 10 ** e * rng.choice((1, -1)))
    xs += [rng.randint(0, 10 ** 6) / 100 for _ in range(100)]
    return xs


S.append(("float_repr_random", "{{ xs }}|{{ xs | tojson }}|{% for x in xs %}{{ x * 3 }},{{ x / 7 }},{{ x // 1 }};{% endfor %}", {"xs": random_floats()}))


def snippet_cases():
    cases = []
    for name, src, variables in S:
        case = {"name": name, "template": src, "vars": variables}
        case.update(render(src, variables))
        cases.append(case)
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    chat = {"jinja2_version": jinja2.__version__, "now": FIXED_NOW.isoformat(),
            "templates": CHAT_TEMPLATES, "conversations": CONVERSATIONS, "tools": TOOLS,
            "cases": chat_cases()}
    snippets = {"jinja2_version": jinja2.__version__, "now": FIXED_NOW.isoformat(),
                "cases": snippet_cases()}
    with open(os.path.join(OUT, "chat_goldens.json"), "w", encoding="utf-8") as f:
        json.dump(chat, f, ensure_ascii=False, indent=1)
    with open(os.path.join(OUT, "snippet_goldens.json"), "w", encoding="utf-8") as f:
        json.dump(snippets, f, ensure_ascii=False, indent=1)
    n_err = sum(1 for c in chat["cases"] if "error" in c)
    s_err = sum(1 for c in snippets["cases"] if "error" in c)
    print(f"chat cases: {len(chat['cases'])} ({n_err} errors); snippets: {len(snippets['cases'])} ({s_err} errors)")


if __name__ == "__main__":
    main()
