#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each, one after the other (never two
# fuzzers at once), and prints executions and crashes per target.
#
#   fuzz/run-all.sh [SECONDS] [TARGET...]     (default 60 s, all targets)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). The stable
# toolchain is allowed nightly flags through RUSTC_BOOTSTRAP=1. Corpora are
# seeded by seed.sh when empty; crashes land in fuzz/artifacts/<target>/ and
# can be minimized with `cargo fuzz tmin <target> <file>`. Exits non-zero
# when a target crashed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export RUSTC_BOOTSTRAP=1

seconds="${1:-60}"
shift || true
if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

if ! command -v cargo-fuzz > /dev/null; then
    echo "run-all.sh: cargo-fuzz missing: cargo install cargo-fuzz --locked" >&2
    exit 2
fi
for t in "${targets[@]}"; do
    if [[ -z "$(ls -A "corpus/$t" 2> /dev/null)" ]]; then
        ./seed.sh > /dev/null
        break
    fi
done
# Build every target first so compiling does not eat fuzzing time.
cargo fuzz build || exit 2

# Each target's libFuzzer output is kept for a look after the run.
logs="$here/artifacts/run-all"
mkdir -p "$logs"
triple="$(rustc -vV | sed -n 's/^host: //p')"
rows=()
failed=0
for t in "${targets[@]}"; do
    mkdir -p "artifacts/$t"
    before="$(ls "artifacts/$t" | sort)"
    echo "== $t: ${seconds}s" >&2
    # Fork mode (one child at a time) goes on after a crash, so one run
    # counts every crash instead of stopping at the first.
    cargo fuzz run "$t" -- -max_total_time="$seconds" -print_final_stats=1 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        > "$logs/$t.log" 2>&1
    rc=$?
    last="$(grep -E '^#[0-9]+: ' "$logs/$t.log" | tail -1)"
    execs="$(sed -E 's/^#([0-9]+):.*/\1/' <<< "$last")"
    cov="$(grep -oE 'cov: [0-9]+' <<< "$last" | grep -oE '[0-9]+')"
    bad="$(grep -oE 'oom/timeout/crash: [0-9/]+' <<< "$last" | grep -oE '[0-9/]+$')"
    rate=-
    [[ -n "$execs" ]] && rate=$((execs / seconds))
    new="$(comm -13 <(echo "$before") <(ls "artifacts/$t" | sort) | grep -v '^$' || true)"
    crashes="$(printf '%s' "$new" | grep -c . || true)"
    if [[ $rc -ne 0 || $crashes -gt 0 ]]; then
        failed=1
        [[ $rc -ne 0 ]] && echo "---- $t: fuzzer exited $rc; its output: fuzz/artifacts/run-all/$t.log" >&2
        # Replay each new artifact and group them by where they panicked
        # and the start of the panic message.
        for a in $new; do
            msg="$("target/$triple/release/$t" "artifacts/$t/$a" 2>&1 |
                grep -A1 -m1 'panicked at' | tr '\n' ' ' |
                sed -E "s/^thread '[^']*' (\([0-9]+\) )?panicked at //" | cut -c1-240)"
            msg="${msg:-no panic message (leak, timeout or OOM?)}"
            # file:line:col plus the message up to its first quote or digit
            key="$(sed -E 's/^([^ ]+) ([^"0-9]{0,60}).*/\1 \2/' <<< "$msg")"
            echo "$key|$msg|artifacts/$t/$a"
        done | sort -t'|' -k1,1 -u | cut -d'|' -f2- > "$logs/$t.distinct"
        echo "---- $t: $crashes crash artifact(s), $(wc -l < "$logs/$t.distinct") distinct:" >&2
        while IFS='|' read -r m a; do
            echo "  $m" >&2
            echo "    e.g. fuzz/$a  (minimize: cargo fuzz tmin $t $a)" >&2
        done < "$logs/$t.distinct"
    fi
    rows+=("$t|${execs:--}|$rate|${cov:--}|${bad:--}|$crashes")
done

echo
printf '%-10s %14s %10s %8s %20s %10s\n' target executions exec/s cov oom/timeout/crash artifacts
for r in "${rows[@]}"; do
    IFS='|' read -r t e s c b k <<< "$r"
    printf '%-10s %14s %10s %8s %20s %10s\n' "$t" "$e" "$s" "$c" "$b" "$k"
done
exit $failed
