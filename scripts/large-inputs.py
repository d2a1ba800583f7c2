#!/usr/bin/env python3
"""Issue 17.2 patterns (as in tests/large_inputs.rs), scaled: large-inputs.py NAME MB OUTDIR. Time them with `/usr/bin/time -v target/release/citecheck parse|check FILE`."""
import sys, os
name, mb, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
MB = mb << 20
def w(ext, text):
    p = os.path.join(out, f"{name}-{mb}mb.{ext}"); open(p, "w").write(text); print(p)
if name == "implicit-markers":  # issue 17.1's command, scaled
    k = MB // 8
    w("txt", "A b. " * k + "C d" + "[1]" * k + "\n\n[1] r\n")
elif name == "nested-html":
    d = MB // len("<div><span></span></div>")
    w("html", "<html><body>" + "<div><span>" * d + '<p>The pact was signed in 1941.<sup class="reference"><a href="#cite_note-1">[1]</a></sup></p>' + "</span></div>" * d + '<ol class="references"><li id="cite_note-1">A book.</li></ol></body></html>\n')
elif name == "ref-continuation":
    line = "     continued reference text\n"
    w("txt", "Title\n\nThe pact was signed in 1941.[1]\n\nReferences\n\n  1. ^ A book,\n" + line * (MB // len(line)))
elif name == "toc-headings":
    k = MB // 64
    toc = "".join(f"  • Part {i} 1.{i}\n" for i in range(k))
    body = "".join(f"Part {i}\n\nThe part {i} was written.\n\n" for i in range(k))
    w("txt", f"Title\n\nContents\n\n{toc}\n{body}")
elif name == "headings-refblocks":
    k = MB // 48
    w("txt", "Title\n\nThe pact was signed in 1941.[1]\n\n" + "".join(f"Heading {i}\n\n  1. ^ A book {i}.\n\n" for i in range(k)))
elif name == "long-line":
    unit = "The pact was signed in 1941.[1] "
    w("txt", unit * (MB // len(unit)) + "\n\nReferences\n\n[1] A book.\n")
elif name == "distinct-words":
    parts = ["In 1941 the envoys"]; n = len(parts[0]); i = 0
    while n < MB:
        s = f" w{i:x}q"; parts.append(s); n += len(s); i += 1
    w("txt", "Title\n\nThe lead.\n\nHistory\n\n" + "".join(parts) + ".\n")
