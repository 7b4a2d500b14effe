#!/bin/sh
# Fills fuzz/corpus/<target>/ with seeds, from the card corpus in ../shared/corpus (next to the
# workspace, as in CI) and from the `card!` markup of the facade's tests. Run it from anywhere
# before `cargo fuzz run`; it only adds files.
set -eu

fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
shared=${FEISHU_CARD_CORPUS:-$root/../shared/corpus}

if [ ! -d "$shared" ]; then
    echo "no card corpus at $shared: put shared/ next to the workspace or set FEISHU_CARD_CORPUS" >&2
    exit 1
fi

mkdir -p "$fuzz/corpus/card_json" "$fuzz/corpus/callback" "$fuzz/corpus/markup" "$fuzz/corpus/ws_frame"

# card_json: every card of the corpus, valid or not, and the bare component examples.
for dir in v2 v1 seed; do
    for f in "$shared/$dir"/*.json; do
        cp "$f" "$fuzz/corpus/card_json/$dir-$(basename "$f")"
    done
done

# callback: the first byte picks the mode (see fuzz_targets/callback.rs); the token is the
# target's own.
action='{"schema":"2.0","header":{"event_id":"f2f0a1","token":"v-fuzz-verification-token","create_time":"1700000000123456","event_type":"card.action.trigger","tenant_key":"2df7","app_id":"cli_a5d6"},"event":{"operator":{"tenant_key":"2df7","open_id":"ou_1","user_id":"u1","union_id":"on_1"},"token":"c-2950","action":{"tag":"button","value":{"vote":"yes"}},"host":"im_message","context":{"open_message_id":"om_1","open_chat_id":"oc_1"}}}'
form='{"schema":"2.0","header":{"event_id":"f2f0a2","token":"v-fuzz-verification-token","event_type":"card.action.trigger"},"event":{"operator":{"open_id":"ou_2"},"token":"c-2951","action":{"tag":"button","name":"send","form_value":{"reason":"slow","due":"2024-04-01 +0800","tags":["a","b"],"urgent":true},"value":{}}}}'
challenge='{"challenge":"ajls384kdjx98XX","token":"v-fuzz-verification-token","type":"url_verification"}'
i=0
for body in "$action" "$form" "$challenge"; do
    for mode in 1 2 3; do
        printf '%s' "$mode$body" | sed "s/^1/\x01/; s/^2/\x02/; s/^3/\x03/" > "$fuzz/corpus/callback/seed-$i"
        i=$((i + 1))
    done
done
printf '\000X-Lark-Request-Timestamp: 1700000000\nX-Lark-Request-Nonce: n\nX-Lark-Signature: 00\n\n{"encrypt":"AAAAAAAAAAAAAAAAAAAAAA=="}' > "$fuzz/corpus/callback/seed-headers"

# ws_frame: messages as fuzz_targets/ws_frame.rs reads them (clock step, length, frame): a
# card action in one frame, a message event split in three parts out of order, a pong, and
# parts with a bad `sum` and one that never completes.
printf '\000\342\000\010\005\020\006\030M \001*\015\012\004type\022\005event*\020\012\012message_id\022\002m1B\266\001{"schema": "2.0", "header": {"event_id": "e1", "event_type": "card.action.trigger"}, "event": {"token": "c", "operator": {"open_id": "ou"}, "action": {"tag": "button", "value": {}}}}' > "$fuzz/corpus/ws_frame/seed-single"
printf '\001\237\000\010\005\020\006\030M \001*\015\012\004type\022\005event*\020\012\012message_id\022\002m2*\010\012\003sum\022\0013*\010\012\003seq\022\0012B`ent": {"message": {"message_id": "om", "message_type": "text", "content": "{\134"text\134":\134"hi\134"}"}}}\001g\000\010\005\020\006\030M \001*\015\012\004type\022\005event*\020\012\012message_id\022\002m2*\010\012\003sum\022\0013*\010\012\003seq\022\0010B({"schema": "2.0", "header": {"event_id":\001q\000\010\005\020\006\030M \001*\015\012\004type\022\005event*\020\012\012message_id\022\002m2*\010\012\003sum\022\0013*\010\012\003seq\022\0011B2 "e2", "event_type": "im.message.receive_v1"}, "ev' > "$fuzz/corpus/ws_frame/seed-split"
printf '\000*\000\010\005\020\006\030M \000*\014\012\004type\022\004pongB\022{"PingInterval":5}' > "$fuzz/corpus/ws_frame/seed-ping"
printf '\000?\000\010\005\020\006\030M \001*\014\012\004type\022\004card*\020\012\012message_id\022\002m3*\010\012\003sum\022\0010*\010\012\003seq\022\0010B\001x\310@\000\010\005\020\006\030M \001*\015\012\004type\022\005event*\020\012\012message_id\022\002m4*\010\012\003sum\022\0012*\010\012\003seq\022\0010B\001y' > "$fuzz/corpus/ws_frame/seed-bad"

# markup: the body of every `card! { … }` of the facade's tests, one file each.
i=0
for f in "$root"/tests/*.rs "$root"/tests/ui/*/*.rs; do
    awk -v out="$fuzz/corpus/markup/seed-$(basename "$(dirname "$f")")-$(basename "$f" .rs)" '
        # Collects text from `card! {` to its matching brace; braces inside string literals
        # are rare in the markup and only make a seed less tidy.
        {
            line = $0
            while (length(line) > 0) {
                if (!inside) {
                    at = index(line, "card! {")
                    if (at == 0) break
                    inside = 1; depth = 1; text = ""; n++
                    line = substr(line, at + 7)
                    continue
                }
                c = substr(line, 1, 1); line = substr(line, 2)
                if (c == "{") depth++
                if (c == "}") { depth--; if (depth == 0) { inside = 0; print text > (out "-" n); close(out "-" n); continue } }
                text = text c
            }
            if (inside) text = text "\n"
        }' "$f"
done

# Inputs of past findings, kept as seeds so every run replays them first.
for dir in "$fuzz"/regressions/*/; do
    target=$(basename "$dir")
    cp "$dir"* "$fuzz/corpus/$target/"
done

echo "seeds: $(ls "$fuzz/corpus/card_json" | wc -l) card_json, $(ls "$fuzz/corpus/callback" | wc -l) callback, $(ls "$fuzz/corpus/markup" | wc -l) markup"
