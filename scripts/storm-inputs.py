#!/usr/bin/env python3
"""Footnote storms of issue 16 item 5: storm-inputs.py NAME N OUTDIR -> OUTDIR/NAME-N.<ext>. Time them with `/usr/bin/time -v target/release/citecheck parse|check FILE`."""
import sys, os
name, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def w(ext, text):
    p = os.path.join(out, f"{name}-{n}.{ext}")
    open(p, "w").write(text); print(p)
if name == "md-calls":        # n [^a] calls
    w("md", "# T\n\nThe pact was signed." + "[^a]" * n + "\n\n[^a]: A book.\n")
elif name == "md-defs":       # n definitions
    w("md", "# T\n\nThe pact was signed.[^d0]\n\n" + "".join(f"[^d{i}]: Book {i}.\n" for i in range(n)))
elif name == "md-inline":     # n inline notes in one paragraph
    w("md", "# T\n\n## Claims\n\n" + "".join(f"Claim {i} holds.^[Book {i}.] " for i in range(n)) + "\n")
elif name == "wiki-refs":     # n <ref> definitions
    w("wiki", "'''T''' text.\n\n" + "".join(f"Claim {i} holds.<ref name=\"r{i}\">Book {i}.</ref> " for i in range(n)) + "\n\n==References==\n<references/>\n")
elif name == "wiki-undef":    # n undefined named refs
    w("wiki", "'''T''' text.\n\n" + "".join(f"Claim {i} holds.<ref name=\"u{i}\"/> " for i in range(n)) + "\n\n==References==\n<references/>\n")
elif name == "html-sup":      # n sup.reference markers + n list entries
    body = "".join(f"Claim {i} holds.<sup class=\"reference\"><a href=\"#cite_note-{i}\">[{i}]</a></sup> " for i in range(n))
    refs = "".join(f"<li id=\"cite_note-{i}\">Book {i}.</li>" for i in range(n))
    w("html", f"<html><body><h1 id=\"firstHeading\">T</h1><p>{body}</p><h2>References</h2><ol class=\"references\">{refs}</ol></body></html>\n")
elif name == "text-markers":  # n [k] markers + n references
    # The plain-text reader reads labels of at most three digits: they repeat.
    body = "".join(f"Claim {i} holds.[{i % 999 + 1}] " for i in range(n))
    refs = "".join(f"  {i+1}. ^ Book {i}.\n" for i in range(min(n, 999)))
    w("txt", f"Title\n\n{body}\n\nReferences\n\n{refs}")
elif name == "text-undef":    # n undefined [k] markers
    body = "".join(f"Claim {i} holds.[{i % 998 + 2}] " for i in range(n))
    w("txt", f"Title\n\n{body}\n\nReferences\n\n  1. ^ Book.\n")
else:
    sys.exit("unknown " + name)
