#!/usr/bin/env bash
# Runs every bench of the workspace in one go and prints one table of their figures, each
# beside what it is compared with, under a description of the machine.
#
#   benches/run-all.sh            # the full run (about 15 minutes on 2 cores)
#   benches/run-all.sh --quick    # a fast check that every bench runs (rough figures)
#
# Benches run one after the other, never at the same time, so that they do not disturb each
# other. Criterion's results go to `$OUT/criterion` (default: a new temporary directory, kept
# and printed at the end), each bench's own output to `$OUT/<bench>.log`. `CARGO_TARGET_DIR`
# is honoured for the benches built from this workspace; the compile-time bench keeps its own
# target directory (see `benches/compile_time.sh`). `COMPILE_RUNS` (default 3) and
# `COMPILE_PROFILES` (default `debug release`) shorten the compile-time bench of a full run.
# The shared-store bench needs a Redis at `REDIS_URL` (`redis://127.0.0.1:PORT`); without it,
# it is skipped with a message.
set -euo pipefail

quick=0
for arg in "$@"; do
    case "$arg" in
    --quick) quick=1 ;;
    -h | --help)
        sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "unknown argument \`$arg\`: expected --quick or nothing" >&2
        exit 2
        ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$(mktemp -d /tmp/feishu-card-benches.XXXXXX)}
mkdir -p "$OUT"
export CRITERION_HOME="$OUT/criterion"
cd "$root"

criterion_args=()
stream_args=()
actions_args=()
if ((quick)); then
    criterion_args=(--quick --noplot)
    stream_args=(--quick)
    actions_args=(--quick)
    compile_env=(CARDS=20 RUNS=1 PROFILES=debug)
else
    criterion_args=(--noplot)
    compile_env=(RUNS="${COMPILE_RUNS:-3}" PROFILES="${COMPILE_PROFILES:-debug release}")
fi

step() { echo "== $*" >&2; }

# The criterion estimate (median, in ns) of `group/function`.
estimate() {
    local file="$CRITERION_HOME/$1/new/estimates.json"
    if [[ ! -f $file ]]; then
        echo "nan"
        return
    fi
    # `{"mean":{...,"point_estimate":X,...},"median":{...,"point_estimate":Y,...},...}`
    tr -d ' \n' <"$file" | sed -E 's/.*"median":\{[^}]*\}[^}]*"point_estimate":([0-9.eE+-]+).*/\1/'
}

# A duration in ns, written with a fitting unit.
human() {
    awk -v t="$1" 'BEGIN {
        if (t == "nan" || t == "") { print "n/a"; exit }
        if (t < 1000) printf "%.1f ns", t
        else if (t < 1e6) printf "%.2f µs", t / 1e3
        else if (t < 1e9) printf "%.2f ms", t / 1e6
        else printf "%.2f s", t / 1e9
    }'
}

# a / b with two decimals.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "nan" || b == "nan" || a == "" || b == "" || b == 0) print "n/a"
        else printf "%.2f", a / b
    }'
}

run_logged() {
    local log="$OUT/$1.log"
    shift
    if ! "$@" >"$log" 2>&1; then
        echo "failed: $* (see $log)" >&2
        tail -20 "$log" >&2
        return 1
    fi
}

status=0
cards=100
((quick)) && cards=20
step "validate (card-core)"
run_logged validate cargo bench -p card-core --bench validate -- "${criterion_args[@]}" || status=1
step "card! at run time (feishu-card)"
run_logged build cargo bench -p feishu-card --bench build -- "${criterion_args[@]}" || status=1
step "client overhead (card-client)"
run_logged overhead cargo bench -p card-client --features emulator --bench overhead -- \
    "${criterion_args[@]}" || status=1
stream_line=""
if [[ -f card-client/benches/stream.rs ]]; then
    step "streaming lag (card-client)"
    if run_logged stream cargo bench -p card-client --features emulator --bench stream -- \
        "${stream_args[@]}"; then
        stream_line=$(grep '^BENCH stream' "$OUT/stream.log" | tail -1 || true)
    else
        status=1
    fi
fi
actions_line=""
step "card actions, long connection vs HTTP callback (card-client)"
if run_logged ws_vs_http cargo bench -p card-client --features emulator,axum --bench ws_vs_http -- \
    "${actions_args[@]}"; then
    actions_line=$(grep '^BENCH ws_vs_http' "$OUT/ws_vs_http.log" | tail -1 || true)
else
    status=1
fi
store_ran=0
if [[ -n ${REDIS_URL:-} ]]; then
    step "shared store, memory vs Redis at REDIS_URL (card-client)"
    if run_logged store cargo bench -p card-client --features emulator,redis --bench store -- \
        "${criterion_args[@]}"; then
        store_ran=1
    else
        status=1
    fi
else
    step "shared store: skipped, REDIS_URL is not set (a Redis to measure against, redis://127.0.0.1:PORT)"
fi
step "compile time (benches/compile_time.sh)"
run_logged compile_time env "${compile_env[@]}" benches/compile_time.sh || status=1

# `key=value` of the stream summary line.
stream_field() {
    tr ' ' '\n' <<<"$stream_line" | sed -n "s/^$1=//p"
}

# `key=value` of the card-action summary line.
actions_field() {
    tr ' ' '\n' <<<"$actions_line" | sed -n "s/^$1=//p"
}

# `N/s, p50 X ms, p99 Y ms, CPU Z µs per action` of one route (`ws`, `http`) and mode (`seq`,
# `conc`).
actions_cell() {
    echo "$(actions_field "$1_$2_per_s")/s, p50 $(actions_field "$1_$2_p50_ms") ms, p99 $(actions_field "$1_$2_p99_ms") ms, CPU $(actions_field "$1_$2_cpu_us") µs per action"
}

# a - b, for differences of estimates.
minus() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || a == "" || b == "") print "nan"; else print a - b }'
}

# `profile kind card json` rows of the compile-time table.
compile_row() {
    awk -v p="$1" -v k="$2" '$1 == p && $2 == k { print $3, $5 }' "$OUT/compile_time.log"
}

v_validate=$(estimate validate/validate)
v_parse=$(estimate validate/serde_json_value)
dd_card=$(estimate data_display/card_macro)
dd_json=$(estimate data_display/json_macro)
st_card=$(estimate static_card/card_macro)
st_json=$(estimate static_card/json_macro)
st_copy=$(estimate static_card/memcpy)
st_static=$(estimate static_card/static_card)
send_client=$(estimate per_request/client_send)
send_bare=$(estimate per_request/bare_reqwest_send)
patch_client=$(estimate per_request/client_element_patch)
patch_bare=$(estimate per_request/bare_reqwest_element_patch)

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
echo
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $(rustc --version)"
echo "load before the table: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$( ((quick)) && echo ', --quick (rough figures)')"
echo
echo "| bench | measured | compared with | figure | goal |"
echo "|---|---|---|---|---|"
echo "| validate the v2 corpus from bytes | $(human "$v_validate") | \`from_slice::<Value>\`: $(human "$v_parse") | $(ratio "$v_validate" "$v_parse")× the parse | ≤ 1.5× |"
echo "| \`card!\` build + \`to_json\`, data-display card | $(human "$dd_card") | \`json!\` + \`to_string\`: $(human "$dd_json") | \`card!\` $(ratio "$dd_json" "$dd_card")× faster | ≥ 3× |"
echo "| \`card!\` build + \`to_json\`, confirm card | $(human "$st_card") | \`json!\` + \`to_string\`: $(human "$st_json") | \`card!\` $(ratio "$st_json" "$st_card")× faster | |"
echo "| static confirm card with \`card!\` | $(human "$st_card") | copying its bytes: $(human "$st_copy") | $(ratio "$st_card" "$st_copy")× a copy | little more than a copy |"
echo "| static confirm card, \`StaticCard::to_json\` | $(human "$st_static") | copying its bytes: $(human "$st_copy") | $(ratio "$st_static" "$st_copy")× a copy | little more than a copy |"
for profile in debug release; do
    for kind in wall cpu; do
        read -r a b < <(compile_row "$profile" "$kind") || continue
        [[ -n ${a:-} ]] || continue
        echo "| compile ${cards} cards with \`card!\` ($profile, $kind) | ${a} s | \`json!\`: ${b} s | $(ratio "$a" "$b") | ≤ 1 |"
    done
done
echo "| send through \`Client\` to the emulator | $(human "$send_client") | bare reqwest POST: $(human "$send_bare") | +$(human "$(awk -v a="$send_client" -v b="$send_bare" 'BEGIN { if (a == "nan" || b == "nan") print "nan"; else print a - b }')") per request | |"
echo "| element patch through \`Client\` | $(human "$patch_client") | bare reqwest PATCH: $(human "$patch_bare") | +$(human "$(awk -v a="$patch_client" -v b="$patch_bare" 'BEGIN { if (a == "nan" || b == "nan") print "nan"; else print a - b }')") per request | |"
if [[ -n $stream_line ]]; then
    echo "| streaming: push → emulator lag | p50 $(stream_field lag_p50_ms) ms, p95 $(stream_field lag_p95_ms) ms, max $(stream_field lag_max_ms) ms | $(stream_field deltas) deltas at $(stream_field rate_per_s)/s | $(stream_field rate_limit_errors) rate-limit errors, at most $(stream_field max_requests_per_card_1s) requests/s on one card | 0 errors, ≤ 10 requests/s |"
fi
if [[ -n $actions_line ]]; then
    for mode in seq conc; do
        if [[ $mode == seq ]]; then
            what="one at a time"
        else
            what="$(actions_field in_flight) in flight"
        fi
        echo "| card actions end to end, long connection, $what | $(actions_cell ws $mode) | HTTP callback: $(actions_cell http $mode) | $(ratio "$(actions_field ws_${mode}_per_s)" "$(actions_field http_${mode}_per_s)")× the HTTP route's actions/s | |"
    done
fi
if ((store_ran)); then
    for op in "event de-duplication" "read the tenant token" "card turn + done" "callback token use" "stream lease renewal"; do
        redis=$(estimate "store/${op}_redis")
        memory=$(estimate "store/${op}_memory")
        echo "| shared store: $op, Redis | $(human "$redis") | \`MemoryStore\`: $(human "$memory") | +$(human "$(minus "$redis" "$memory")") per operation | |"
    done
    patch_redis=$(estimate "element patch through Client/redis store")
    patch_memory=$(estimate "element patch through Client/in-process state")
    echo "| element patch through \`Client\` with the Redis store | $(human "$patch_redis") | in-process state: $(human "$patch_memory") | +$(human "$(minus "$patch_redis" "$patch_memory")") per write | |"
fi
echo
echo "logs and criterion data: $OUT"
exit "$status"
