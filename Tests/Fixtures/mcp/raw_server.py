"""A raw JSON-RPC stdio MCP server that misbehaves on tools/call, for Kai's
client hardening tests. Usage: raw_server.py MODE
  flood     floods ping requests and never reads its stdin again
  hugeline  writes an endless line (no newline)
  garbage   answers with a line that is not JSON
  calculate lists one unannotated tool named calculate, which answers "ok"
  onebad F  lists echo and a tool "bad" whose inputSchema Kai refuses, until
            the file F exists (the server is "fixed"); calls answer "ok"
"""
import json
import os
import sys
import time

mode = sys.argv[1]


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    message = json.loads(line)
    mid, method = message.get("id"), message.get("method")
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": mid, "result": {
            "protocolVersion": "2025-06-18", "capabilities": {"tools": {}}, "serverInfo": {"name": "raw", "version": "1"}}})
    elif method == "tools/list":
        echo = {"name": "echo", "inputSchema": {"type": "object"}, "annotations": {"readOnlyHint": True}}
        if mode == "calculate":
            tools = [{"name": "calculate", "inputSchema": {"type": "object"}}]
        elif mode == "onebad":
            fixed = os.path.exists(sys.argv[2])
            bad = {"name": "bad", "inputSchema": {"type": "object", "properties": {"s": {"type": "string" if fixed else 5}}}}
            tools = [bad, echo]
        else:
            tools = [echo]
        send({"jsonrpc": "2.0", "id": mid, "result": {"tools": tools}})
    elif method == "tools/call":
        if mode == "flood":
            for number in range(200000):
                send({"jsonrpc": "2.0", "id": number + 1000, "method": "ping"})
            while True:
                time.sleep(3600)
        elif mode == "hugeline":
            chunk = "x" * (1 << 20)
            while True:
                sys.stdout.write(chunk)
                sys.stdout.flush()
        elif mode in ("calculate", "onebad"):
            send({"jsonrpc": "2.0", "id": mid, "result": {"content": [{"type": "text", "text": "ok"}]}})
        elif mode == "garbage":
            sys.stdout.write("this is not json\n")
            sys.stdout.flush()
