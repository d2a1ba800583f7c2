#!/usr/bin/env python3
"""Seed every fuzz target's corpus (fuzz/corpus/TARGET/) from real files: the bundled
sample, tests/fixtures, and ../shared when it is there (the wikitext and wikipedia-2019
articles, the conformance suites, the cases). Files over 64 KB are cut to their first
64 KB (libFuzzer's -max_len decides what it mutates anyway).

    python3 fuzz/seed.py [--per-target N]
"""
import argparse
import hashlib
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")

# Which files seed which target: by extension, or by the folder of ../shared they are in
# (its wikitext articles are `.txt`; the conformance suites are Markdown examples).
def kind(path):
    ext = os.path.splitext(path)[1].lower()
    if os.sep + "wikitext" + os.sep in path or ext in (".wiki", ".wikitext", ".mediawiki"):
        return "wikitext"
    if os.sep + "conformance" + os.sep in path or ext == ".md":
        return "markdown"
    return {".txt": "text", ".html": "html", ".htm": "html", ".toml": "manifest"}.get(ext)


TARGETS = {
    "read_text": ("text", "markdown"),
    "read_markdown": ("markdown",),
    "read_wikitext": ("wikitext",),
    "read_html": ("html",),
    "detect_format": ("text", "markdown", "wikitext", "html"),
    "manifest": ("manifest",),
    "quotation": ("text",),
}
QUERIES = ["neutrality", '"world war"', "river AND bridge", "football OR rugby",
           "Matsuoca OR Molotof", "title:pact", "-pact signed", "(a OR (b AND c))",
           "signed~2", "1941", "\"unclosed", "((((", "source:pact-1941 Moscow"]


def files(top):
    for d, dirs, names in os.walk(top):
        dirs.sort()
        for n in sorted(names):
            yield os.path.join(d, n)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--per-target", type=int, default=300)
    args = p.parse_args()
    tops = [os.path.join(ROOT, "corpus"), os.path.join(ROOT, "tests", "fixtures")]
    if os.path.isdir(SHARED):
        tops += [os.path.join(SHARED, d) for d in ("cases", "conformance", "corpus")]
    for target, kinds in TARGETS.items():
        out = os.path.join(HERE, "corpus", target)
        os.makedirs(out, exist_ok=True)
        n = 0
        for top in tops:
            for path in files(top):
                if n >= args.per_target or kind(path) not in kinds:
                    continue
                data = open(path, "rb").read()[:65536]
                name = hashlib.sha1(data).hexdigest()
                with open(os.path.join(out, name), "wb") as f:
                    f.write(data)
                n += 1
        print(f"{target}: {n} seeds")
    out = os.path.join(HERE, "corpus", "query")
    os.makedirs(out, exist_ok=True)
    for q in QUERIES:
        with open(os.path.join(out, hashlib.sha1(q.encode()).hexdigest()), "w") as f:
            f.write(q)
    print(f"query: {len(QUERIES)} seeds")


if __name__ == "__main__":
    main()
