#!/usr/bin/env bash
# Screenshots of `citecheck report --html` in headless Chromium, 1400 px and 390 px wide
# (a desktop window and a phone), for a person to look at: is every sentence coloured by
# what check concluded, does a sentence's details open, is it readable on a phone?
#
#   scripts/report-screenshots.sh [OUT_DIR]      (default: target/report-screenshots)
#
# Reports: the bundled sample (corpus/), tests/fixtures/verify (one page, then the same
# page opened at the misquoted sentence: following a link into a sentence's details opens
# them), and 20 wikipedia-2019 articles from ../shared (a report directory: index.html
# and one page per article). Chromium is installed with apt-get when missing and
# possible; where it cannot be, the script says so and exits 0 (nothing to look at,
# nothing failed). CITECHECK=path uses that binary instead of building one.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/target/report-screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd)

find_chromium() {
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$c" >/dev/null 2>&1; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

if ! chrome=$(find_chromium); then
    if command -v apt-get >/dev/null 2>&1; then
        if [ "$(id -u)" -eq 0 ]; then
            apt-get install -y chromium >/dev/null || true
        elif sudo -n true 2>/dev/null; then
            sudo -n apt-get install -y chromium >/dev/null || true
        fi
    fi
    if ! chrome=$(find_chromium); then
        echo "report-screenshots: skipped: no Chromium, and it could not be installed (apt-get install chromium)" >&2
        exit 0
    fi
fi

if [ -n "${CITECHECK:-}" ]; then
    citecheck=$CITECHECK
else
    (cd "$repo" && cargo build --quiet)
    citecheck=$repo/target/debug/citecheck
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One browser profile per run, nothing fetched from the network.
shot() { # shot URL NAME WIDTH HEIGHT
    local url=$1 name=$2 width=$3 height=$4
    "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
        --virtual-time-budget=3000 --user-data-dir="$work/profile-$name" --window-size="$width,$height" \
        --screenshot="$out/$name.png" "$url" >/dev/null 2>&1
    echo "$out/$name.png"
}

both() { # both URL NAME: 1400 px and 390 px wide
    shot "$1" "$2-1400" 1400 2000
    shot "$1" "$2-390" 390 1600
}

report() { # report CORPUS OUT
    "$citecheck" --quiet --corpus "$1" --index "$work/index" report --html "$2"
}

report "$repo/corpus" "$out/sample.html"
both "file://$out/sample.html" sample

verify=$out/verify.html
report "$repo/tests/fixtures/verify" "$verify"
both "file://$verify" verify
# The same page with the misquoted sentence's details open (the sentence whose details
# hold the diff: `<del>` marks the source's words), as a click or tap opens them. Taller
# windows: the details are below the summary.
sentence=$(sed -n '/<del>/{s/<del>.*//;p;q;}' "$verify" | grep -o 'id="a1-s[0-9]*"' | tail -n 1 || true)
if [ -n "$sentence" ]; then
    sed "s/$sentence>/$sentence open>/" "$verify" >"$out/verify-misquote-open.html"
    shot "file://$out/verify-misquote-open.html" verify-misquote-open-1400 1400 2800
    shot "file://$out/verify-misquote-open.html" verify-misquote-open-390 390 4200
fi

wiki=$repo/../shared/corpus/wikipedia-2019/articles
if [ -d "$wiki" ]; then
    mkdir -p "$work/wiki"
    # The first 20 files by name (sed reads all its input: no SIGPIPE under pipefail).
    find "$wiki" -maxdepth 1 -type f | sort | sed -n '1,20p' | while read -r f; do cp "$f" "$work/wiki/"; done
    report "$work/wiki" "$out/wikipedia-20/"
    both "file://$out/wikipedia-20/index.html" wikipedia-20-index
    first=$(find "$out/wikipedia-20" -name '0*.html' | sort | sed -n '1p')
    both "file://$first" wikipedia-20-first-article
else
    echo "report-screenshots: no ../shared/corpus/wikipedia-2019 here: its screenshots skipped" >&2
fi
