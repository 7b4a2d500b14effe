"""`feishu-card mcp --emulator` driven end to end by the official Python MCP SDK.

Run by `card-cli/tests/mcp_python.rs` with FEISHU_CARD_BIN set to the built binary:

    FEISHU_CARD_BIN=target/debug/feishu-card python -m pytest -q card-cli/tests/mcp/test_mcp.py

Each test starts its own server, so each has a fresh emulator. What the emulator received is
read from the server's `feishu-card://emulator/state` resource (its request log, messages and
card entities, how answers arrive and each delivery over the long connection).

`feishu_ask_user`'s answers come back over the emulator's long connection by default (the
server holds it, as it holds Feishu's with real credentials), over HTTP with `--callback`, and
in process with `--no-long-connection`; the tests of asking run over each. The tests named
`..._with_credentials_...` run the server as with real credentials against a standalone
`feishu-card emulator`, and play the user through its control API.
"""

import asyncio
import contextlib
import json
import os
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

BIN = os.environ.get("FEISHU_CARD_BIN", "feishu-card")
STATE = "feishu-card://emulator/state"

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def good_card(text="hello"):
    return {"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": text}]}}


def table_in_column():
    return {
        "schema": "2.0",
        "body": {
            "elements": [
                {
                    "tag": "column_set",
                    "columns": [
                        {
                            "tag": "column",
                            "elements": [
                                {
                                    "tag": "table",
                                    "columns": [{"name": "a", "display_name": "A", "data_type": "text"}],
                                    "rows": [{"a": "1"}],
                                }
                            ],
                        }
                    ],
                }
            ]
        },
    }


# How the emulated user's answers reach the server: the flags, and what the state resource says.
ROUTES = {
    "long_connection": ["--emulator"],
    "in_process": ["--emulator", "--no-long-connection"],
}


@contextlib.asynccontextmanager
async def server(answers=None, args=None, log=None):
    """A session with a fresh `feishu-card mcp` (with --emulator unless `args` say otherwise).

    With `log` (a list), the server's standard error is appended to it once the server stopped.
    """
    with tempfile.TemporaryDirectory() as tmp:
        argv = ["mcp"] + (args if args is not None else ["--emulator"])
        if answers is not None:
            path = os.path.join(tmp, "answers.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(answers, f)
            argv += ["--emulator-answers", path]
        params = StdioServerParameters(command=BIN, args=argv)
        errpath = os.path.join(tmp, "stderr.log")
        with open(errpath, "w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    yield session
        if log is not None:
            with open(errpath, encoding="utf-8") as f:
                log.append(f.read())


async def call(session, name, arguments):
    """(is_error, structured result) of a tool call."""
    result = await session.call_tool(name, arguments)
    data = result.structured_content
    if data is None:
        data = json.loads(result.content[0].text)
    return bool(result.is_error), data


async def state(session):
    result = await session.read_resource(STATE)
    return json.loads(result.contents[0].text)


def card_requests(st):
    """The requests made for cards: every request but the long connection's own."""
    return [r for r in st["requests"] if not r["path"].startswith("/callback/ws")]


def answered_over(st, route, answers):
    """Checks that `answers` card actions reached the server over `route`."""
    assert st["answers_via"] == route, st["answers_via"]
    clicks = [d for d in st["long_connection_deliveries"] if d["event_type"] == "card.action.trigger"]
    if route == "long_connection":
        assert st["long_connections"] == 1
        # Each answer is one event acknowledged with 200 (a re-delivery, should a loaded
        # machine miss the deadline once, keeps its event id).
        events = {d["event_id"] for d in clicks}
        acked = {d["event_id"] for d in clicks if d["outcome"] == {"acked": 200}}
        assert len(events) == answers and acked == events, clicks
    else:
        assert clicks == [] and st["long_connections"] == 0


def message(st, message_id):
    found = [m for m in st["messages"] if m["message_id"] == message_id]
    assert len(found) == 1, (message_id, st["messages"])
    return found[0]


async def test_tools_are_listed_with_their_schemas():
    async with server() as s:
        tools = {t.name: t for t in (await s.list_tools()).tools}
        assert sorted(tools) == sorted(
            [
                "feishu_send_card",
                "feishu_send_form",
                "feishu_update_card",
                "feishu_validate_card",
                "feishu_ask_user",
                "feishu_stream_start",
                "feishu_stream_append",
                "feishu_stream_finish",
            ]
        )
        for t in tools.values():
            assert t.description and len(t.description) > 60, t.name
            assert t.input_schema["type"] == "object"
            assert t.input_schema["additionalProperties"] is False
        for name in ["feishu_send_card", "feishu_send_form", "feishu_update_card", "feishu_validate_card"]:
            card = tools[name].input_schema["properties"]["card"]
            assert card["type"] == ["object", "string"], name
            assert "card" in tools[name].input_schema["required"]
        send = tools["feishu_send_card"].input_schema["properties"]
        assert {"chat_id", "user_id", "receive_id_type", "reply_to", "uuid"} <= set(send)
        assert set(tools["feishu_update_card"].input_schema["properties"]) == {"message_id", "token", "card_id", "card"}
        ask = tools["feishu_ask_user"].input_schema
        assert ask["required"] == ["question"]
        assert {"choices", "fields", "timeout_s", "default"} <= set(ask["properties"])
        kinds = ask["properties"]["fields"]["items"]["properties"]["kind"]["enum"]
        assert kinds == ["text", "select", "multi_select", "checkbox", "date"]
        assert tools["feishu_stream_append"].input_schema["required"] == ["stream_id", "text"]


async def test_a_good_card_is_sent_as_an_object_and_as_a_string():
    async with server() as s:
        err, sent = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": good_card("object")})
        assert not err, sent
        err2, sent2 = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": json.dumps(good_card("string"))})
        assert not err2, sent2
        assert sent["message_id"].startswith("om_") and sent2["message_id"] != sent["message_id"]
        st = await state(s)
        assert message(st, sent["message_id"])["card"] == good_card("object")
        assert message(st, sent2["message_id"])["card"] == good_card("string")
        assert message(st, sent["message_id"])["chat_id"] == "oc_team"
        # A reply, and a user by open id.
        err, reply = await call(s, "feishu_send_card", {"reply_to": sent["message_id"], "card": good_card("reply")})
        assert not err, reply
        assert message(await state(s), reply["message_id"])["parent_id"] == sent["message_id"]
        err, dm = await call(s, "feishu_send_card", {"user_id": "ou_alice", "card": good_card("dm")})
        assert not err and message(await state(s), dm["message_id"])["receive_id"] == "ou_alice"
        assert "warnings" not in sent
        # A tolerated 1.0 leftover: sent, with the warning and its fix.
        legacy = good_card("legacy")
        legacy["config"] = {"wide_screen_mode": True}
        err, out = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": legacy})
        assert not err and out["message_id"], out
        assert [w["rule"] for w in out["warnings"]] == ["legacy.config-key"]
        assert out["warnings"][0]["severity"] == "warning" and out["warnings"][0]["fix"]


async def test_an_invalid_card_is_refused_with_its_rule_and_no_request_is_made():
    async with server() as s:
        before = await state(s)
        err, out = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": table_in_column()})
        assert err
        rules = [d["rule"] for d in out["diagnostics"]]
        assert "nesting.table-not-at-root" in rules, out
        d = out["diagnostics"][rules.index("nesting.table-not-at-root")]
        assert d["pointer"] == "/body/elements/0/columns/0/elements/0"
        assert d["path"].startswith("ROOT -> body")
        assert d["severity"] == "error" and d["fix"] and d["message"]
        assert "nothing was sent" in out["error"]
        after = await state(s)
        assert card_requests(after) == card_requests(before) == []
        assert after["messages"] == []
        # The same card as a string, and through the other tools that send: refused, no request.
        err, _ = await call(s, "feishu_send_form", {"chat_id": "oc_team", "card": json.dumps(table_in_column())})
        assert err
        err, _ = await call(s, "feishu_update_card", {"message_id": "om_x", "card": table_in_column()})
        assert err
        assert card_requests(await state(s)) == []


async def test_send_form_refuses_a_card_without_a_form_and_sends_one_with_a_form():
    form = {
        "schema": "2.0",
        "body": {
            "elements": [
                {
                    "tag": "form",
                    "name": "leave",
                    "elements": [
                        {"tag": "input", "name": "reason"},
                        {
                            "tag": "button",
                            "name": "go",
                            "form_action_type": "submit",
                            "text": {"tag": "plain_text", "content": "Send"},
                        },
                    ],
                }
            ]
        },
    }
    async with server() as s:
        err, out = await call(s, "feishu_send_form", {"chat_id": "oc_team", "card": good_card()})
        assert err and "has no `form`" in out["error"] and "feishu_send_card" in out["error"]
        assert card_requests(await state(s)) == []
        err, out = await call(s, "feishu_send_form", {"chat_id": "oc_team", "card": form})
        assert not err, out
        assert out["forms"] == [{"name": "leave", "fields": [{"name": "reason", "kind": "text"}]}]
        assert message(await state(s), out["message_id"])["card"] == form


async def test_cards_are_updated_by_message_id_token_and_card_id():
    async with server() as s:
        _, sent = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": good_card("before")})
        err, out = await call(s, "feishu_update_card", {"message_id": sent["message_id"], "card": good_card("patched")})
        assert not err, out
        m = message(await state(s), sent["message_id"])
        assert m["card"] == good_card("patched") and m["updated"]

        # A callback token: the one the user's answer to a question carried.
        err, asked = await call(s, "feishu_ask_user", {"chat_id": "oc_team", "question": "Go?", "choices": ["Yes"]})
        assert not err and asked["answered"], asked
        err, out = await call(s, "feishu_update_card", {"token": asked["token"], "card": good_card("by token")})
        assert not err, out
        await asyncio.sleep(0.2)
        assert message(await state(s), asked["message_id"])["card"] == good_card("by token")

        # A card entity: the one a stream used.
        _, started = await call(s, "feishu_stream_start", {"chat_id": "oc_team", "text": "streamed"})
        err, _ = await call(s, "feishu_stream_finish", {"stream_id": started["stream_id"]})
        assert not err
        new = good_card("by card id")
        err, out = await call(s, "feishu_update_card", {"card_id": started["card_id"], "card": new})
        assert not err, out
        cards = {c["card_id"]: c for c in (await state(s))["cards"]}
        assert cards[started["card_id"]]["json"]["body"] == new["body"]

        err, out = await call(s, "feishu_update_card", {"message_id": "om_1", "token": "c-1", "card": new})
        assert err and "only one" in out["error"]
        err, out = await call(s, "feishu_update_card", {"card": new})
        assert err and "message_id" in out["error"]


@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_ask_user_with_choices_gets_the_emulated_users_click(route):
    async with server(answers={"Deploy to production?": "Later"}, args=ROUTES[route]) as s:
        err, out = await call(
            s,
            "feishu_ask_user",
            {"chat_id": "oc_team", "question": "Deploy to production?", "choices": ["Now", "Later", "Never"], "timeout_s": 20},
        )
        assert not err, out
        assert out["answered"] is True
        assert out["answer"] == {"choice": "Later", "index": 1}
        assert out["user"] == "ou_emulated_user"
        st = await state(s)
        card = message(st, out["message_id"])["card"]
        text = json.dumps(card, ensure_ascii=False)
        assert "Answered: **Later**" in text and "button" not in text
        answered_over(st, route, 1)
        assert st["questions_waiting"] == 0


@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_ask_user_with_a_form_gets_the_submission(route):
    fields = [
        {"name": "reason", "label": "Why?", "kind": "text", "required": True},
        {"name": "team", "label": "Team", "kind": "select", "options": ["core", "web"]},
        {"name": "urgent", "label": "Urgent", "kind": "checkbox"},
        {"name": "tags", "kind": "multi_select", "options": ["a", "b", "c"]},
    ]
    answers = {"Request access": {"reason": "on call", "team": "web", "tags": ["b", "c"]}}
    async with server(answers=answers, args=ROUTES[route]) as s:
        err, out = await call(
            s, "feishu_ask_user", {"user_id": "ou_bob", "question": "Request access", "fields": fields, "timeout_s": 20}
        )
        assert not err, out
        values = out["answer"]["values"]
        assert values["reason"] == "on call"
        assert values["team"] == "web"
        assert values["urgent"] is True
        assert values["tags"] == ["b", "c"]
        assert out["user"] == "ou_bob"
        st = await state(s)
        card = json.dumps(message(st, out["message_id"])["card"], ensure_ascii=False)
        assert "on call" in card and '"form"' not in card
        answered_over(st, route, 1)


async def test_a_question_nobody_answers_times_out_with_the_default():
    async with server(answers={"Anyone?": None}) as s:
        err, out = await call(
            s,
            "feishu_ask_user",
            {"chat_id": "oc_team", "question": "Anyone?", "choices": ["Yes", "No"], "timeout_s": 1, "default": "No"},
        )
        assert not err, out
        assert out["answered"] is False and out["timed_out"] is True
        assert out["answer"] == "No" and out["used_default"] is True
        st = await state(s)
        assert st["questions_waiting"] == 0
        card = json.dumps(message(st, out["message_id"])["card"], ensure_ascii=False)
        assert "No answer within" in card
        # Without a default: answered false, answer null.
        err, out = await call(s, "feishu_ask_user", {"chat_id": "oc_team", "question": "Anyone?", "choices": ["Yes"], "timeout_s": 1})
        assert not err and out["answered"] is False and out["answer"] is None and out["used_default"] is False


@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_two_concurrent_questions_in_one_chat_get_their_own_answers(route):
    answers = {"Colour?": "Blue", "Size?": "L", "Tea?": None}
    async with server(answers=answers, args=ROUTES[route]) as s:
        q1 = call(s, "feishu_ask_user", {"chat_id": "oc_team", "question": "Colour?", "choices": ["Red", "Blue"], "timeout_s": 20})
        q2 = call(s, "feishu_ask_user", {"chat_id": "oc_team", "question": "Size?", "choices": ["S", "M", "L"], "timeout_s": 20})
        q3 = call(s, "feishu_ask_user", {"chat_id": "oc_team", "question": "Tea?", "choices": ["Yes"], "timeout_s": 2, "default": "skip"})
        (e1, a1), (e2, a2), (e3, a3) = await asyncio.gather(q1, q2, q3)
        assert not e1 and not e2 and not e3
        assert a1["answer"] == {"choice": "Blue", "index": 1}
        assert a2["answer"] == {"choice": "L", "index": 2}
        assert a3["answered"] is False and a3["answer"] == "skip"
        assert len({a1["message_id"], a2["message_id"], a3["message_id"]}) == 3
        st = await state(s)
        answered_over(st, route, 2)
        texts = {m["message_id"]: json.dumps(m["card"], ensure_ascii=False) for m in st["messages"]}
        assert "Answered: **Blue**" in texts[a1["message_id"]]
        assert "Answered: **L**" in texts[a2["message_id"]]
        assert "No answer within" in texts[a3["message_id"]]


async def test_a_stream_is_started_appended_and_finished():
    async with server() as s:
        err, started = await call(s, "feishu_stream_start", {"chat_id": "oc_team", "header": "Answer", "text": "Hello"})
        assert not err, started
        for piece in [", world", ". More", " text."]:
            err, out = await call(s, "feishu_stream_append", {"stream_id": started["stream_id"], "text": piece})
            assert not err, out
        assert out["characters"] == len("Hello, world. More text.")
        final = {
            "schema": "2.0",
            "body": {
                "elements": [
                    {"tag": "markdown", "element_id": "answer", "content": ""},
                    {
                        "tag": "button",
                        "text": {"tag": "plain_text", "content": "👍"},
                        "behaviors": [{"type": "callback", "value": {"feedback": "up"}}],
                    },
                ]
            },
        }
        err, done = await call(s, "feishu_stream_finish", {"stream_id": started["stream_id"], "text": "!", "card": final})
        assert not err, done
        assert done["finished"] and done["characters"] == len("Hello, world. More text.!")
        assert done["cards"][0]["message_id"] == started["message_id"]
        cards = {c["card_id"]: c for c in (await state(s))["cards"]}
        card = cards[started["card_id"]]
        assert card["streaming"] is False
        text = json.dumps(card["json"], ensure_ascii=False)
        assert "Hello, world. More text.!" in text and "👍" in text
        # The stream is closed now.
        err, out = await call(s, "feishu_stream_append", {"stream_id": started["stream_id"], "text": "late"})
        assert err and "no open stream" in out["error"]


async def test_validate_card_returns_every_diagnostic_with_a_fix():
    card = table_in_column()
    card["config"] = {"update_multi": False}
    card["body"]["elements"].append({"tag": "buton"})
    async with server() as s:
        err, out = await call(s, "feishu_validate_card", {"card": card})
        assert not err
        assert out["valid"] is False and out["errors"] >= 3
        rules = {d["rule"] for d in out["diagnostics"]}
        assert {"nesting.table-not-at-root", "config.update-multi", "structure.unknown-tag"} <= rules
        for d in out["diagnostics"]:
            assert set(d) == {"rule", "severity", "pointer", "path", "message", "fix"}
            assert d["fix"]
        err, out = await call(s, "feishu_validate_card", {"card": json.dumps(good_card())})
        assert not err and out == {"valid": True, "errors": 0, "warnings": 0, "diagnostics": []}


async def test_malformed_requests_get_errors_and_the_server_goes_on():
    async with server() as s:
        # Wrong types.
        err, out = await call(s, "feishu_send_card", {"chat_id": 5, "card": good_card()})
        assert err and "`chat_id` must be a string" in out["error"]
        err, out = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": 5})
        assert err and "not a number" in out["error"]
        err, out = await call(s, "feishu_ask_user", {"chat_id": "oc_team", "question": "?", "choices": "yes"})
        assert err and "list of strings" in out["error"]
        err, out = await call(s, "feishu_ask_user", {"chat_id": "oc_team", "question": "?", "choices": ["a"], "timeout_s": "soon"})
        assert err and "timeout_s" in out["error"]
        err, out = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": good_card(), "colour": "red"})
        assert err and "unknown argument `colour`" in out["error"]
        # Unknown tool: a protocol error.
        with pytest.raises(MCPError) as raised:
            await s.call_tool("feishu_send_fax", {})
        assert "unknown tool" in str(raised.value)
        # An oversized card: refused before any request.
        big = good_card("x" * 40000)
        err, out = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": big})
        assert err and "limit.card-size" in [d["rule"] for d in out["diagnostics"]]
        # A card far beyond what the server reads.
        err, out = await call(s, "feishu_validate_card", {"card": "{" + " " * (2 * 1024 * 1024) + "}"})
        assert err and "bytes" in out["error"]
        # A string that is not JSON: the position is named.
        err, out = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": '{"schema": "2.0", "body": {"elements": [}'})
        assert err and out["line"] == 1 and out["column"] > 0 and "column" in out["error"]
        assert out["diagnostics"][0]["rule"] == "json.syntax"
        # Missing arguments.
        err, out = await call(s, "feishu_send_card", {"card": good_card()})
        assert err and "chat_id" in out["error"]
        err, out = await call(s, "feishu_stream_append", {"stream_id": "nope", "text": "x"})
        assert err and "no open stream" in out["error"]
        assert card_requests(await state(s)) == []
        # Still serving.
        err, out = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": good_card()})
        assert not err and out["message_id"]


async def test_feishu_failures_come_back_explained():
    async with server() as s:
        # A user id the emulator refuses (malformed open id).
        err, out = await call(s, "feishu_send_card", {"user_id": "not-an-open-id", "card": good_card()})
        assert err, out
        assert out["code"] in (230001, 230034)
        assert out["meaning"] and out["fix"]
        # An update of a message that does not exist.
        err, out = await call(s, "feishu_update_card", {"message_id": "om_missing", "card": good_card()})
        assert err and "code" in out and out["meaning"]


async def test_resources_and_the_prompt():
    async with server() as s:
        uris = {str(r.uri) for r in (await s.list_resources()).resources}
        assert {
            "feishu-card://reference",
            "feishu-card://templates/confirm",
            "feishu-card://templates/quick-select",
            "feishu-card://templates/data-display",
            STATE,
        } <= uris
        ref = (await s.read_resource("feishu-card://reference")).contents[0].text
        for needle in ["### `button`", "### `table`", "`nesting.table-not-at-root`", "`primary_filled`"]:
            assert needle in ref, needle
        confirm = json.loads((await s.read_resource("feishu-card://templates/confirm")).contents[0].text)
        err, out = await call(s, "feishu_validate_card", {"card": confirm})
        assert not err and out["valid"]
        with pytest.raises(MCPError):
            await s.read_resource("feishu-card://nothing")
        prompts = (await s.list_prompts()).prompts
        assert [p.name for p in prompts] == ["feishu_cards"]
        prompt = await s.get_prompt("feishu_cards")
        text = prompt.messages[0].content.text
        assert "feishu_ask_user" in text and "feishu_validate_card" in text


async def test_without_the_long_connection_ask_user_says_so_and_sends_nothing():
    args = ["--app-id", "cli_test", "--app-secret", "secret", "--base-url", "http://127.0.0.1:9", "--no-long-connection"]
    async with server(args=args) as s:
        err, out = await call(s, "feishu_ask_user", {"chat_id": "oc_team", "question": "?", "choices": ["a"]})
        assert err and "--no-long-connection" in out["error"] and "--callback" in out["error"]
        uris = {str(r.uri) for r in (await s.list_resources()).resources}
        assert STATE not in uris
        # Validation needs no network.
        err, out = await call(s, "feishu_validate_card", {"card": good_card()})
        assert not err and out["valid"]


async def test_a_long_connection_that_cannot_open_makes_ask_user_fail_at_once():
    # Nothing listens on port 9: the listener keeps reconnecting; asking does not hang until
    # the timeout's end but says why, and sends nothing (no request could have gone out).
    args = ["--app-id", "cli_test", "--app-secret", "secret", "--base-url", "http://127.0.0.1:9"]
    log = []
    async with server(args=args, log=log) as s:
        err, out = await call(
            s, "feishu_ask_user", {"chat_id": "oc_team", "question": "?", "choices": ["a"], "timeout_s": 1}
        )
        assert err, out
        assert "long connection" in out["error"] and "nothing was sent" in out["error"], out
    assert "reconnecting" in log[0], log[0]
    # The reason is said with it: nothing answers at the address given.
    assert "not open: could not reach http://127.0.0.1:9/callback/ws/endpoint" in log[0], log[0]


# The app the standalone emulator is started as (it refuses any other app's credentials).
APP_ID = "cli_a1b2c3d4e5f60789"


@contextlib.asynccontextmanager
async def standalone_emulator():
    """A `feishu-card emulator` process: its URL. It delivers card actions over the long
    connection when a client holds one (no callback URL is set)."""
    proc = await asyncio.create_subprocess_exec(
        BIN, "emulator", "--port", "0", "--app-id", APP_ID, "--app-secret", "emulator-secret",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        first = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        assert "listening on " in first, first
        url = first.split("listening on ", 1)[1].split()[0]
        # The rest of the announcement is read so that the pipe never fills.
        drain = asyncio.ensure_future(proc.stdout.read())
        yield url
        drain.cancel()
    finally:
        proc.terminate()
        await proc.wait()


async def control(url, path, body=None, params=None):
    """A request to the standalone emulator's control API: its JSON answer (also for a 4xx)."""

    def go():
        full = url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(full, data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as refused:
            return json.loads(refused.read())

    return await asyncio.to_thread(go)


def with_credentials(url, secret="emulator-secret"):
    """The server's flags as with real credentials, pointed at a standalone emulator."""
    return ["--base-url", url, "--app-id", APP_ID, "--app-secret", secret]


async def question_message(url, question):
    """The message id of the card that asks `question`, once it was sent."""
    for _ in range(1200):
        listed = await control(url, "/_emulator/messages", params={"chat_id": "oc_team"})
        for m in listed:
            if question in json.dumps(m["card"], ensure_ascii=False) and "Answered" not in json.dumps(m["card"]):
                return m["message_id"]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no card asks {question!r}")


async def test_with_credentials_answers_arrive_over_the_long_connection():
    # As with real credentials: no --emulator, no --callback. The server holds the app's long
    # connection to the emulator; a user clicks and submits through the control API, the
    # emulator sends each card action over that connection, and the acknowledgement's card is
    # what the user sees. Two questions wait at once and each gets its own answer.
    fields = [
        {"name": "reason", "label": "Why?", "kind": "text", "required": True},
        {"name": "team", "kind": "select", "options": ["core", "web"]},
    ]
    log = []
    async with standalone_emulator() as url:
        async with server(args=with_credentials(url), log=log) as s:
            choice = asyncio.ensure_future(call(s, "feishu_ask_user", {
                "chat_id": "oc_team", "question": "Deploy now?", "choices": ["Yes", "Later"], "timeout_s": 60,
            }))
            form = asyncio.ensure_future(call(s, "feishu_ask_user", {
                "chat_id": "oc_team", "question": "Request access", "fields": fields, "timeout_s": 60,
            }))
            asked_choice = await question_message(url, "Deploy now?")
            asked_form = await question_message(url, "Request access")
            submitted = (await control(url, "/_emulator/submit", {
                "user": "ou_bob", "message_id": asked_form, "form": "answer",
                "values": {"reason": "on call", "team": "web"},
            }))
            assert submitted["delivered"] and submitted["error"] is None, submitted
            assert submitted["toast"]["content"] == "Answer received"
            assert "on call" in json.dumps(submitted["card"]) and '"form"' not in json.dumps(submitted["card"])
            clicked = (await control(url, "/_emulator/click", {
                "user": "ou_alice", "message_id": asked_choice, "button": "Later",
            }))
            assert clicked["delivered"] and clicked["error"] is None, clicked
            assert "Answered: **Later**" in json.dumps(clicked["card"], ensure_ascii=False)
            (err1, a1), (err2, a2) = await asyncio.wait_for(asyncio.gather(choice, form), 60)
            assert not err1 and not err2, (a1, a2)
            assert a1["answer"] == {"choice": "Later", "index": 1} and a1["user"] == "ou_alice"
            assert a1["message_id"] == asked_choice and a1["token"]
            assert a2["answer"] == {"values": {"reason": "on call", "team": "web"}} and a2["user"] == "ou_bob"
            # The answered card has no button left to click.
            again = (await control(url, "/_emulator/click", {
                "user": "ou_alice", "message_id": asked_choice, "button": "Later",
            }))
            assert again["error"]["kind"] == "refused" and "none" in again["error"]["message"], again
            # The answer's token updates the card afterwards (a delayed update).
            err, out = await call(s, "feishu_update_card", {"token": a1["token"], "card": good_card("deployed")})
            assert not err, out
    # The server said how the answers arrive, and closed the connection when it stopped.
    assert "long connection open" in log[0], log[0]
    assert "long connection closed" in log[0], log[0]


async def test_with_wrong_credentials_the_long_connections_refusal_reaches_the_agent():
    log = []
    async with standalone_emulator() as url:
        async with server(args=with_credentials(url, secret="wrong-secret"), log=log) as s:
            err, out = await call(s, "feishu_ask_user", {
                "chat_id": "oc_team", "question": "Anyone?", "choices": ["Yes"], "timeout_s": 60,
            })
            assert err, out
            assert "authentication failed" in out["error"] and "app secret" in out["error"], out
            assert "nothing was sent" in out["error"]
            assert (await control(url, "/_emulator/messages")) == []
            # The other tools go on working.
            err, out = await call(s, "feishu_validate_card", {"card": good_card()})
            assert not err and out["valid"]
    assert "error: Feishu refused the long connection: authentication failed" in log[0], log[0]


async def test_answers_can_come_over_the_http_callback_route():
    # With --callback, the emulator posts the user's click to the server's callback route over
    # HTTP (as Feishu would: encrypted and signed with the encrypt key, carrying the
    # verification token), instead of calling it in process.
    port = free_port()
    args = [
        "--emulator", "--callback", f"127.0.0.1:{port}",
        "--verification-token", "v-test", "--encrypt-key", "e-test",
    ]
    async with server(answers={"Over HTTP?": "Yes"}, args=args) as s:
        err, out = await call(
            s, "feishu_ask_user", {"chat_id": "oc_team", "question": "Over HTTP?", "choices": ["No", "Yes"], "timeout_s": 20}
        )
        assert not err, out
        assert out["answer"] == {"choice": "Yes", "index": 1}
        st = await state(s)
        card = json.dumps(message(st, out["message_id"])["card"], ensure_ascii=False)
        assert "Answered: **Yes**" in card
        answered_over(st, "callback", 1)
        # The route checks what it receives: an unsigned body is refused.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        body = json.dumps({"schema": "2.0", "header": {"event_type": "card.action.trigger", "token": "wrong"}, "event": {}})
        writer.write(
            f"POST /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}".encode()
        )
        await writer.drain()
        status = (await reader.readline()).decode()
        writer.close()
        assert status.split()[1].startswith("4"), status


async def test_a_callback_route_without_the_verification_token_is_refused_at_start():
    env = {k: v for k, v in os.environ.items() if k not in ("FEISHU_VERIFICATION_TOKEN",)}
    proc = await asyncio.create_subprocess_exec(
        BIN, "mcp", "--app-id", "cli_x", "--app-secret", "s", "--callback", "127.0.0.1:0",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 2
    assert b"verification token" in stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_streamable_http_serves_the_same_tools():
    from mcp.client.streamable_http import streamable_http_client

    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        BIN, "mcp", "--emulator", "--http", f"127.0.0.1:{port}",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as s:
                await s.initialize()
                names = [t.name for t in (await s.list_tools()).tools]
                assert "feishu_send_card" in names
                err, out = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": good_card()})
                assert not err and out["message_id"]
                err, out = await call(s, "feishu_send_card", {"chat_id": "oc_team", "card": table_in_column()})
                assert err
                # Asking works over HTTP too, answered over the emulator's long connection.
                err, out = await call(s, "feishu_ask_user", {"chat_id": "oc_team", "question": "Via HTTP?", "choices": ["Yes"], "timeout_s": 20})
                assert not err and out["answer"] == {"choice": "Yes", "index": 0}, out
                answered_over(await state(s), "long_connection", 1)
    finally:
        proc.terminate()
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    # SIGTERM stops the server gracefully: the long connection is closed first.
    assert proc.returncode == 0, stderr
    assert b"long connection closed" in stderr, stderr


async def test_a_signal_stops_the_stdio_server_and_closes_the_long_connection():
    proc = await asyncio.create_subprocess_exec(
        BIN, "mcp", "--emulator",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        # Wait until the long connection is open, then ask the server to stop while its
        # standard input is still open.
        seen = b""
        while b"long connection open" not in seen:
            line = await asyncio.wait_for(proc.stderr.readline(), 60)
            assert line, seen
            seen += line
        proc.terminate()
        _, rest = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, seen + rest
    assert b"long connection closed" in rest, seen + rest
