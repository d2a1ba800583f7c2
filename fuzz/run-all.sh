#!/usr/bin/env bash
# Run fuzz targets for SECONDS each (default 600), one after another, and print a line
# per target: executions, new artifacts (crashes, timeouts, out-of-memory inputs), peak
# RSS. Every target by default, or the TARGETs named. Logs are in fuzz/logs/TARGET.log.
#
#     fuzz/run-all.sh [SECONDS [TARGET...]]
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
mkdir -p logs
export RUSTC_BOOTSTRAP=1
targets=${*:-$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^citecheck-fuzz$')}
cargo fuzz build >/dev/null 2>logs/build.log || { tail -20 logs/build.log; exit 2; }
for t in $targets; do
    before=$(ls artifacts/"$t" 2>/dev/null | wc -l)
    cargo fuzz run "$t" -- -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 >logs/"$t".log 2>&1
    after=$(ls artifacts/"$t" 2>/dev/null | wc -l)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' logs/"$t".log | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' logs/"$t".log | tail -1)
    echo "$t: ${execs:-?} executions in ${seconds} s, $((after - before)) new artifacts, peak RSS ${rss:-?} MB"
done
