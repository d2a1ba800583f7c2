#!/usr/bin/env python3
"""Test and benchmark inputs for the Spark job, written from article files on disk.

    make_inputs.py dump WIKITEXT_DIR OUT.xml[.bz2]   a MediaWiki XML export of every *.txt
                                                     file (title from the file name), plus a
                                                     redirect and a talk page the job must skip
    make_inputs.py jsonl DIR OUT.jsonl [--limit N] [--copies K]
                                                     article records {"id","title","format",
                                                     "text","path"} of DIR's files, sorted by
                                                     name; --copies repeats them under new ids

Also importable: `dump_pages` / `read_dump` / `jsonl_records` give the same records the job
reads, computed without Spark (the cluster test's single-process reference).
"""

import bz2
import json
import os
import sys
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

EXPORT_NS = "http://www.mediawiki.org/xml/export-0.11/"


def title_of(file_name):
    stem = os.path.splitext(file_name)[0]
    return stem.replace("_", " ")


def dump_pages(wikitext_dir):
    """(title, namespace, redirect target, text) of every page the dump holds."""
    pages = []
    for name in sorted(os.listdir(wikitext_dir)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(wikitext_dir, name), encoding="utf-8") as f:
            pages.append((title_of(name), 0, None, f.read()))
    if pages:
        first = pages[0][0]
        # What a real dump also holds, and the job must not check.
        pages.append((f"{first} (redirect)", 0, first, f"#REDIRECT [[{first}]]"))
        pages.append((f"Talk:{first}", 1, None, "Is this sourced?<ref>Nobody.</ref>"))
    return pages


def write_dump(pages, out):
    opener = bz2.open if out.endswith(".bz2") else open
    with opener(out, "wt", encoding="utf-8") as f:
        f.write(f'<mediawiki xmlns="{EXPORT_NS}" version="0.11" xml:lang="en">\n')
        f.write("  <siteinfo>\n    <sitename>Test</sitename>\n  </siteinfo>\n")
        for number, (title, ns, redirect, text) in enumerate(pages, start=1):
            f.write("  <page>\n")
            f.write(f"    <title>{escape(title)}</title>\n    <ns>{ns}</ns>\n    <id>{number}</id>\n")
            if redirect:
                f.write(f"    <redirect title={quoteattr(redirect)} />\n")
            f.write("    <revision>\n")
            f.write(f"      <id>{1000 + number}</id>\n      <model>wikitext</model>\n")
            f.write("      <format>text/x-wiki</format>\n")
            size = len(text.encode("utf-8"))
            f.write(f'      <text bytes="{size}" xml:space="preserve">{escape(text)}</text>\n')
            f.write("    </revision>\n  </page>\n")
        f.write("</mediawiki>\n")


def read_dump(path):
    """The article records of a dump as the job reads it: main namespace, no redirects."""
    opener = bz2.open if path.endswith(".bz2") else open
    ns = {"m": EXPORT_NS}
    with opener(path, "rb") as f:
        root = ElementTree.parse(f).getroot()
    out = []
    for page in root.findall("m:page", ns):
        if page.findtext("m:ns", namespaces=ns) != "0" or page.find("m:redirect", ns) is not None:
            continue
        title = page.findtext("m:title", namespaces=ns)
        text = page.findtext("m:revision/m:text", default="", namespaces=ns)
        out.append({"id": title.replace(" ", "_"), "title": title, "format": "wikitext", "text": text})
    return out


def jsonl_records(directory, limit=None, copies=1):
    names = sorted(n for n in os.listdir(directory) if not n.startswith("."))
    if limit:
        names = names[:limit]
    for copy in range(copies):
        for name in names:
            with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as f:
                text = f.read()
            stem = os.path.splitext(name)[0]
            suffix = f"-{copy}" if copies > 1 else ""
            yield {
                "id": stem + suffix,
                "title": title_of(name),
                "format": "auto",
                "text": text,
                # The reader is chosen by extension, as for the file on disk.
                "path": name,
            }


def main(argv):
    if len(argv) >= 3 and argv[0] == "dump":
        write_dump(dump_pages(argv[1]), argv[2])
        return 0
    if len(argv) >= 3 and argv[0] == "jsonl":
        limit = copies = None
        rest = argv[3:]
        while rest:
            flag, value, rest = rest[0], int(rest[1]), rest[2:]
            if flag == "--limit":
                limit = value
            elif flag == "--copies":
                copies = value
            else:
                raise SystemExit(f"unknown flag {flag}")
        with open(argv[2], "w", encoding="utf-8") as f:
            for record in jsonl_records(argv[1], limit, copies or 1):
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
