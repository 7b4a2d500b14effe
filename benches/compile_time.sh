#!/usr/bin/env bash
# Compile time of cards written with `card!` beside the same cards written with `serde_json::json!`.
#
# Generates two library crates in a scratch directory, each with the same CARDS distinct cards
# (one function per card) derived from the three seed shapes (confirm, quick select, data display)
# with varied texts, colours, button kinds, spacing and structure:
#   cards_card_macro  - the cards written with `feishu_card::card!` (feishu-card by path)
#   cards_json_macro  - the same cards written with `serde_json::json!`
# Both crates first build with their dependencies, and a small example in each prints its cards
# as JSON so that the two are checked to be the same cards. Then, for each profile, the crate
# alone is cleaned (`cargo clean -p`) and rebuilt RUNS times, alternating the two crates; the
# best wall-clock and CPU times of each are printed with the ratios card!/json!.
#
# Usage: benches/compile_time.sh
# Environment (all optional):
#   CARDS=100                  number of cards in each crate
#   RUNS=3                     timed builds per crate and profile (the best is reported)
#   PROFILES="debug release"   profiles to time
#   WORK=<dir>                 where to generate the crates (default: a fresh temporary directory,
#                              removed on exit; a given WORK is kept, and its built dependencies
#                              are reused by the next run)
#   CARD_BENCH_TARGET_DIR=<dir> cargo target directory (default: WORK/target); CARGO_TARGET_DIR
#                              is deliberately ignored so that the script never builds into a
#                              workspace's own target directory
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cards=${CARDS:-100}
runs=${RUNS:-3}
profiles=${PROFILES:-debug release}

if ! [[ $cards =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]]; then
    echo "compile_time.sh: CARDS and RUNS must be positive integers (got CARDS=$cards RUNS=$runs)" >&2
    exit 2
fi
for profile in $profiles; do
    if [[ $profile != debug && $profile != release ]]; then
        echo "compile_time.sh: PROFILES may list only debug and release (got '$profile')" >&2
        exit 2
    fi
done
if [[ ! -f $root/Cargo.toml || ! -d $root/card-macros ]]; then
    echo "compile_time.sh: expected the feishu-card workspace at $root; run the script from its benches/ directory" >&2
    exit 2
fi

if [[ -n ${WORK:-} ]]; then
    work=$WORK
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/card-compile-time.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi
export CARGO_TARGET_DIR=${CARD_BENCH_TARGET_DIR:-$work/target}

card_dir=$work/cards_card_macro
json_dir=$work/cards_json_macro

# ---------------------------------------------------------------------------------------------
# The cards. Each generator writes one card to both crates: `c` appends to the card! crate,
# `j` to the json! crate.

colours=(blue wathet turquoise green yellow orange red carmine violet purple indigo grey default)
kinds=(default primary danger text primary_text danger_text primary_filled danger_filled laser)
spacings=(4px 8px 12px 16px 20px)
heights=(low middle high)
verbs=(发布 回滚 删除 归档 重启 合并 审批 关闭 迁移 扩容 冻结)
things=(版本 服务 分支 工单 数据库 集群 账号 文档 任务 订单)
states=(处理中 待确认 已完成 已关闭 挂起)
status_colours=(orange blue green grey red violet)

c() { printf '%s\n' "$@" >>"$card_dir/src/lib.rs"; }
j() { printf '%s\n' "$@" >>"$json_dir/src/lib.rs"; }

# A button, in a column of width auto, in both notations: kind, label, callback JSON, and
# whether a comma follows it in the json! list.
button_column() {
    local kind=$1 label=$2 value=$3 comma=$4
    c "                <column width=\"auto\">" \
      "                    <button type=\"$kind\" callback={json!($value)}>\"$label\"</button>" \
      "                </column>"
    j "                {\"tag\": \"column\", \"width\": \"auto\", \"elements\": [{" \
      "                    \"tag\": \"button\", \"type\": \"$kind\"," \
      "                    \"text\": {\"tag\": \"plain_text\", \"content\": \"$label\"}," \
      "                    \"behaviors\": [{\"type\": \"callback\", \"value\": $value}]" \
      "                }]}$comma"
}

card_start() {
    local n=$1 colour=$2 title=$3
    c "" "pub fn card_$n() -> Card {" "    card! {" "        <card>" \
      "            <header template=\"$colour\">\"$title\"</header>"
    j "" "pub fn card_$n() -> Value {" "    json!({" "        \"schema\": \"2.0\"," \
      "        \"header\": {\"title\": {\"tag\": \"plain_text\", \"content\": \"$title\"}, \"template\": \"$colour\"}," \
      "        \"body\": {\"elements\": ["
}

card_end() {
    c "        </card>" "    }" "}"
    j "        ]}" "    })" "}"
}

markdown() {
    local text=$1
    c "            <markdown>\"$text\"</markdown>"
    j "            {\"tag\": \"markdown\", \"content\": \"$text\"},"
}

# The confirm shape: a question and two buttons.
confirm() {
    local i=$1 n=$2
    local verb=${verbs[i % ${#verbs[@]}]} thing=${things[i / 3 % ${#things[@]}]}
    local spacing=${spacings[i % ${#spacings[@]}]}
    card_start "$n" "${colours[i % ${#colours[@]}]}" "确认${verb}${thing} #$i"
    markdown "确定要${verb}第 $i 号${thing}吗?此操作**不可撤销**。"
    c "            <column_set horizontal_spacing=\"$spacing\">"
    j "            {\"tag\": \"column_set\", \"horizontal_spacing\": \"$spacing\", \"columns\": ["
    button_column "${kinds[i % ${#kinds[@]}]}" "确认$verb" "{\"action\": \"confirm\", \"card\": $i}" ","
    button_column "${kinds[(i + 4) % ${#kinds[@]}]}" "取消" "{\"action\": \"cancel\", \"card\": $i}" ""
    c "            </column_set>"
    j "            ]}"
    card_end
}

# The quick-select shape: a prompt and two to four choices.
quick_select() {
    local i=$1 n=$2 k choices=$((2 + i / 3 % 3))
    local thing=${things[i % ${#things[@]}]} spacing=${spacings[(i + 2) % ${#spacings[@]}]}
    card_start "$n" "${colours[(i + 5) % ${#colours[@]}]}" "请选择${thing}优先级 #$i"
    markdown "请为第 $i 个${thing}设置优先级:"
    c "            <column_set horizontal_spacing=\"$spacing\">"
    j "            {\"tag\": \"column_set\", \"horizontal_spacing\": \"$spacing\", \"columns\": ["
    for ((k = 0; k < choices; k++)); do
        local comma=","
        ((k == choices - 1)) && comma=""
        button_column "${kinds[(i + k) % ${#kinds[@]}]}" "P$k 级别 $i" "{\"priority\": \"p$k\", \"card\": $i}" "$comma"
    done
    c "            </column_set>"
    j "            ]}"
    card_end
}

# The data-display shape: a table of one to three rows, a rule, and a link button.
data_display() {
    local i=$1 n=$2 r rows=$((1 + i / 3 % 3))
    local thing=${things[i % ${#things[@]}]} height=${heights[i % ${#heights[@]}]}
    card_start "$n" "${colours[(i + 9) % ${#colours[@]}]}" "待处理${thing} #$i"
    ((i % 2 == 0)) && markdown "共 **$rows** 条${thing}待处理"
    c "            <table page_size=$((1 + i % 10)) row_height=\"$height\">" \
      "                <column name=\"id\" display_name=\"编号\" data_type=\"text\" width=\"80px\"/>" \
      "                <column name=\"title\" display_name=\"${thing}\" data_type=\"text\"/>" \
      "                <column name=\"count\" display_name=\"数量\" data_type=\"number\"/>" \
      "                <column name=\"status\" display_name=\"状态\" data_type=\"options\"/>"
    j "            {\"tag\": \"table\", \"page_size\": $((1 + i % 10)), \"row_height\": \"$height\", \"columns\": [" \
      "                {\"name\": \"id\", \"display_name\": \"编号\", \"data_type\": \"text\", \"width\": \"80px\"}," \
      "                {\"name\": \"title\", \"display_name\": \"${thing}\", \"data_type\": \"text\"}," \
      "                {\"name\": \"count\", \"display_name\": \"数量\", \"data_type\": \"number\"}," \
      "                {\"name\": \"status\", \"display_name\": \"状态\", \"data_type\": \"options\"}" \
      "            ], \"rows\": ["
    for ((r = 1; r <= rows; r++)); do
        local state=${states[(i + r) % ${#states[@]}]} colour=${status_colours[(i + r) % ${#status_colours[@]}]}
        local comma=","
        ((r == rows)) && comma=""
        c "                <row id=\"T$i-$r\" title=\"${thing} $i 的第 $r 项\" count=$((r * i))" \
          "                     status={json!([{\"text\": \"$state\", \"color\": \"$colour\"}])}/>"
        j "                {\"id\": \"T$i-$r\", \"title\": \"${thing} $i 的第 $r 项\", \"count\": $((r * i))," \
          "                 \"status\": [{\"text\": \"$state\", \"color\": \"$colour\"}]}$comma"
    done
    c "            </table>" "            <hr/>" \
      "            <column_set horizontal_align=\"right\">" \
      "                <column width=\"auto\">" \
      "                    <button type=\"${kinds[i % ${#kinds[@]}]}\" open_url=\"https://example.com/$i/list\">\"查看全部 $i\"</button>" \
      "                </column>" \
      "            </column_set>"
    j "            ]}," "            {\"tag\": \"hr\"}," \
      "            {\"tag\": \"column_set\", \"horizontal_align\": \"right\", \"columns\": [" \
      "                {\"tag\": \"column\", \"width\": \"auto\", \"elements\": [{" \
      "                    \"tag\": \"button\", \"type\": \"${kinds[i % ${#kinds[@]}]}\"," \
      "                    \"text\": {\"tag\": \"plain_text\", \"content\": \"查看全部 $i\"}," \
      "                    \"behaviors\": [{\"type\": \"open_url\", \"default_url\": \"https://example.com/$i/list\"}]" \
      "                }]}" \
      "            ]}"
    card_end
}

# ---------------------------------------------------------------------------------------------
# The two crates.

generate() {
    local dir name
    rm -rf "$card_dir/src" "$json_dir/src" "$card_dir/examples" "$json_dir/examples"
    mkdir -p "$card_dir/src" "$json_dir/src" "$card_dir/examples" "$json_dir/examples"
    # The workspace's lock file pins the same dependency versions as the workspace, so that no
    # new download is needed; cargo drops the entries these crates do not use.
    for dir in "$card_dir" "$json_dir"; do
        cp "$root/Cargo.lock" "$dir/Cargo.lock"
    done
    cat >"$card_dir/Cargo.toml" <<EOF
[package]
name = "cards_card_macro"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
feishu-card = { path = "$root", default-features = false }
serde_json = "1"

[workspace]
EOF
    cat >"$json_dir/Cargo.toml" <<EOF
[package]
name = "cards_json_macro"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
serde_json = "1"

[workspace]
EOF
    c "//! $cards cards written with \`card!\`." "" \
      "use feishu_card::{card, Card};" "use serde_json::json;"
    j "//! The same $cards cards written with \`json!\`." "" "use serde_json::{json, Value};"
    local i n
    for ((i = 0; i < cards; i++)); do
        printf -v n '%03d' "$i"
        case $((i % 3)) in
            0) confirm "$i" "$n" ;;
            1) quick_select "$i" "$n" ;;
            2) data_display "$i" "$n" ;;
        esac
    done
    # Every card as one line of JSON, to check that both crates hold the same cards.
    for name in card json; do
        {
            echo "fn main() {"
            for ((i = 0; i < cards; i++)); do
                printf -v n '%03d' "$i"
                echo "    println!(\"{}\", serde_json::to_value(cards_${name}_macro::card_$n()).unwrap());"
            done
            echo "}"
        } >"$work/cards_${name}_macro/examples/dump.rs"
    done
}

profile_flags() {
    if [[ $1 == release ]]; then echo --release; fi
}

# Cleans the crate's own artifacts and rebuilds it; prints the seconds taken, wall-clock and
# CPU (user + system, of cargo and the rustc it runs). The CPU time varies less than the wall
# time when other work shares the machine.
timed_build() {
    local dir=$1 crate=$2 profile=$3 times
    # shellcheck disable=SC2046 # profile_flags prints nothing or one word
    cargo clean --quiet --manifest-path "$dir/Cargo.toml" -p "$crate" $(profile_flags "$profile")
    times=$(
        TIMEFORMAT='%R %U %S'
        # cargo's own messages go to the script's stderr (fd 3); only `time`'s line is captured.
        # shellcheck disable=SC2046
        { time cargo build --quiet --manifest-path "$dir/Cargo.toml" $(profile_flags "$profile") 2>&3; } 3>&2 2>&1
    )
    awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' <<<"$times"
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'; }

echo "generating $cards cards in $work" >&2
generate

echo "checking that both crates build the same cards" >&2
cargo run --quiet --manifest-path "$card_dir/Cargo.toml" --example dump >"$work/card.jsonl"
cargo run --quiet --manifest-path "$json_dir/Cargo.toml" --example dump >"$work/json.jsonl"
if ! cmp -s "$work/card.jsonl" "$work/json.jsonl"; then
    echo "compile_time.sh: the card! and json! crates build different cards; first difference:" >&2
    diff "$work/card.jsonl" "$work/json.jsonl" | head -n 4 >&2 || true
    exit 1
fi

results=()
for profile in $profiles; do
    echo "building dependencies ($profile)" >&2
    for dir in "$card_dir" "$json_dir"; do
        # shellcheck disable=SC2046
        cargo build --quiet --manifest-path "$dir/Cargo.toml" $(profile_flags "$profile")
    done
    best_card="" best_json="" cpu_card="" cpu_json=""
    for ((run = 1; run <= runs; run++)); do
        read -r t_card c_card < <(timed_build "$card_dir" cards_card_macro "$profile")
        read -r t_json c_json < <(timed_build "$json_dir" cards_json_macro "$profile")
        echo "$profile run $run: card! ${t_card} s (cpu ${c_card} s), json! ${t_json} s (cpu ${c_json} s)" >&2
        best_card=$(min "$t_card" "$best_card")
        best_json=$(min "$t_json" "$best_json")
        cpu_card=$(min "$c_card" "$cpu_card")
        cpu_json=$(min "$c_json" "$cpu_json")
    done
    results+=("$profile wall $best_card $best_json" "$profile cpu $cpu_card $cpu_json")
done

echo
echo "compile time of $cards cards, the crate alone (dependencies prebuilt), best of $runs"
echo "(wall: elapsed; cpu: user + system time of cargo and rustc)"
printf '%-8s %-5s %10s %10s %12s\n' profile time "card!" "json!" "card!/json!"
for line in "${results[@]}"; do
    read -r profile kind t_card t_json <<<"$line"
    awk -v p="$profile" -v k="$kind" -v a="$t_card" -v b="$t_json" \
        'BEGIN { printf "%-8s %-5s %8.2f s %8.2f s %12.2f\n", p, k, a, b, (b > 0 ? a / b : 0) }'
done
