"""Latency of `feishu_validate_card` and `feishu_send_card` over stdio, measured by the official
Python MCP SDK against `feishu-card mcp --emulator`, in one run.

    python card-cli/tests/mcp/bench_mcp.py target/release/feishu-card [CALLS]

Each call is timed from the client's `call_tool` to its result (JSON-RPC over the pipes, the
server's argument reading and validation, and for sends the request to the emulator on
loopback). Calls are made one after another after a warm-up; the card is the data-display
reference card (a table); validating an empty card first shows what the transport and the
client cost by themselves. Prints p50, p90, p99 and the mean per tool, in milliseconds.
"""

import asyncio
import json
import os
import statistics
import sys
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

HERE = os.path.dirname(os.path.abspath(__file__))
CARD_PATH = os.path.join(HERE, "..", "..", "src", "mcp", "templates", "data-display.json")


def percentile(sorted_ms, p):
    i = min(len(sorted_ms) - 1, max(0, round(p / 100 * len(sorted_ms)) - 1))
    return sorted_ms[i]


async def timed(session, name, arguments, calls):
    for _ in range(20):
        await session.call_tool(name, arguments)
    out = []
    for _ in range(calls):
        start = time.perf_counter()
        result = await session.call_tool(name, arguments)
        out.append((time.perf_counter() - start) * 1000)
        if result.is_error:
            raise SystemExit(f"{name} failed: {result.content[0].text}")
    return sorted(out)


async def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "feishu-card"
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    with open(CARD_PATH, encoding="utf-8") as f:
        card = json.load(f)
    params = StdioServerParameters(command=binary, args=["mcp", "--emulator"])
    with open(os.devnull, "w") as devnull:
        async with stdio_client(params, errlog=devnull) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                minimal = {"schema": "2.0", "body": {"elements": []}}
                results = {
                    "validate (empty card)": await timed(session, "feishu_validate_card", {"card": minimal}, calls),
                    "feishu_validate_card": await timed(session, "feishu_validate_card", {"card": card}, calls),
                    "feishu_send_card": await timed(
                        session, "feishu_send_card", {"chat_id": "oc_bench", "card": card}, calls
                    ),
                }
    print(f"{calls} calls each, over stdio, one after another ({binary})")
    print(f"{'tool':<22} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for name, ms in results.items():
        print(
            f"{name:<22} {percentile(ms, 50):8.3f} {percentile(ms, 90):8.3f} "
            f"{percentile(ms, 99):8.3f} {statistics.fmean(ms):8.3f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
