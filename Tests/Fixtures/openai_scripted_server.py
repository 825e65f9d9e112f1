#!/usr/bin/env python3
"""A scripted OpenAI-compatible server for Kai's provider tests (stdlib only).

It speaks the chat completions wire format byte for byte as OpenAI sends it:
compact JSON chunks as server-sent events over chunked HTTP/1.1
(`data: {...}\\n\\n` ... `data: [DONE]\\n\\n`), whole `chat.completion`
objects when not streaming, and GET /v1/models. The request's "model" picks
the script: each one reproduces a quirk some real server has, or a fault.

    python3 openai_scripted_server.py        # prints "port N" once listening

Requests for "hang" and "hang-first" print "hanging" on stdout once the
server is hanging. GET /_kai/last returns the last chat request as received (headers and body),
so tests can check what the client sent, and on which connection (numbered
from 1 as they are accepted).
"""
import json
import os
import select
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CREATED = 1733000000
MODELS = ["text", "unicode", "tool-openai", "tool-args-empty", "tool-args-braces", "tool-args-null",
          "tool-interleaved", "tool-no-index", "sse-crlf-comments", "tool-legacy", "tool-legacy-only", "length", "no-done",
          "fail-500", "fail-401", "empty-stream", "fail-404", "fail-429", "hang", "hang-first", "drop", "bad-json",
          "echo-key", "echo-key-tool", "leak-at-cut", "slow"]


def call(index, id=None, name=None, arguments=None, omit_arguments=False):
    function = {}
    if name is not None:
        function["name"] = name
    if not omit_arguments:
        function["arguments"] = arguments
    entry = {"index": index}
    if id is not None:
        entry["id"] = id
        entry["type"] = "function"
    entry["function"] = function
    return {"tool_calls": [entry]}


def text_deltas(*pieces):
    return [{"role": "assistant", "content": ""}] + [{"content": p} for p in pieces]


SCRIPTS = {
    # OpenAI: role first, text pieces, finish, usage in a last chunk with empty choices.
    "text": (text_deltas("Hello", ", ", "world", "!"), "stop"),
    "unicode": (text_deltas("h\u00e9llo ", "\U0001F30D", " \u4e16\u754c"), "stop"),
    "length": (text_deltas("cut ", "short"), "length"),
    # OpenAI reference: id and name only in the first delta, arguments "" first.
    "tool-openai": ([{"role": "assistant", "content": None},
                     call(0, "call_abc123", "get_weather", ""),
                     call(0, arguments="{\"ci"), call(0, arguments="ty\": \"Par"), call(0, arguments="is\"}")],
                    "tool_calls"),
    # A parameterless tool: "" throughout (llama.cpp's server).
    "tool-args-empty": ([{"role": "assistant", "content": None}, call(0, "call_e1", "now", ""), call(0, arguments="")],
                        "tool_calls"),
    # "{}" in the first delta.
    "tool-args-braces": ([{"role": "assistant", "content": None}, call(0, "call_b1", "now", "{}")], "tool_calls"),
    # vLLM: arguments null, then missing.
    "tool-args-null": ([{"role": "assistant", "content": None}, call(0, "call_n1", "now", None),
                        call(0, omit_arguments=True)], "tool_calls"),
    # Two calls interleaved by index.
    "tool-interleaved": ([{"role": "assistant", "content": None},
                          call(0, "call_A", "add", ""), call(1, "call_B", "mul", ""),
                          call(0, arguments="{\"a\": 1,"), call(1, arguments="{\"x\": 2,"),
                          call(0, arguments=" \"b\": 2}"), call(1, arguments=" \"y\": 3}")], "tool_calls"),
    # llama-cpp-python: a legacy function_call beside tool_calls in each delta.
    "tool-legacy": ([{"role": "assistant", "content": None,
                      "function_call": {"name": "get_weather", "arguments": ""},
                      "tool_calls": [{"index": 0, "id": "call__0_get_weather_cmpl-1", "type": "function",
                                      "function": {"name": "get_weather", "arguments": ""}}]},
                     {"function_call": {"arguments": "{\"city\": "},
                      "tool_calls": [{"index": 0, "function": {"arguments": "{\"city\": "}}]},
                     {"function_call": {"arguments": "\"Oslo\"}"},
                      "tool_calls": [{"index": 0, "function": {"arguments": "\"Oslo\"}"}}]}], "tool_calls"),
    # Ollama before 0.5: each call whole in one chunk, no index.
    "tool-no-index": ([{"role": "assistant", "content": ""},
                       {"tool_calls": [{"id": "call_x1", "type": "function", "function": {"name": "add", "arguments": "{\"a\":1}"}}]},
                       {"tool_calls": [{"id": "call_x2", "type": "function", "function": {"name": "mul", "arguments": "{\"b\":2}"}}]}],
                      "tool_calls"),
    # Only the legacy function_call (old servers).
    "tool-legacy-only": ([{"role": "assistant", "content": None, "function_call": {"name": "get_weather", "arguments": ""}},
                          {"function_call": {"arguments": "{\"city\": \"Rome\"}"}}], "function_call"),
}


def chunk(model, delta, finish=None, usage=None, choices=True):
    body = {"id": "chatcmpl-kai1", "object": "chat.completion.chunk", "created": CREATED, "model": model,
            "system_fingerprint": "fp_kai", "choices": [], "usage": usage}
    if choices:
        body["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
    return b"data: " + json.dumps(body, separators=(",", ":")).encode() + b"\n\n"


def completion(model, deltas, finish, usage):
    """The non-streamed answer: what the deltas add up to."""
    content, calls = "", {}
    for delta in deltas:
        content += delta.get("content") or ""
        for c in delta.get("tool_calls") or []:
            entry = calls.setdefault(c["index"], {"id": None, "type": "function", "function": {"name": "", "arguments": ""}})
            entry["id"] = entry["id"] or c.get("id")
            entry["function"]["name"] += c["function"].get("name") or ""
            entry["function"]["arguments"] += c["function"].get("arguments") or ""
        legacy = delta.get("function_call")
        if legacy and not delta.get("tool_calls"):
            entry = calls.setdefault(0, {"id": "call_legacy", "type": "function", "function": {"name": "", "arguments": ""}})
            entry["function"]["name"] += legacy.get("name") or ""
            entry["function"]["arguments"] += legacy.get("arguments") or ""
    message = {"role": "assistant", "content": content if not calls else None, "refusal": None}
    if calls:
        message["tool_calls"] = [calls[i] for i in sorted(calls)]
    return {"id": "chatcmpl-kai1", "object": "chat.completion", "created": CREATED, "model": model,
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": usage, "system_fingerprint": "fp_kai"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    last = None
    lock = threading.Lock()
    connections = 0

    def setup(self):
        """One handler per TCP connection: numbering them shows reuse."""
        super().setup()
        with Handler.lock:
            Handler.connections += 1
            self.connection_number = Handler.connections

    def log_message(self, *args):
        pass

    def send_json(self, status, body, headers=()):
        data = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/v1/models":
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            models = MODELS + ([f"echo-{key}"] if key else [])  # a server echoing the key in a model id
            self.send_json(200, {"object": "list", "data": [{"id": m, "object": "model", "created": CREATED, "owned_by": "kai"}
                                                           for m in models]})
        elif self.path == "/_kai/last":
            with Handler.lock:
                self.send_json(200, Handler.last)
        else:
            self.send_json(404, {"detail": "Not Found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/chat/completions":
            return self.send_json(404, {"detail": "Not Found"})
        request = json.loads(body)
        with Handler.lock:
            Handler.last = {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": request,
                            "connection": self.connection_number}
        model = request.get("model", "")
        stream = request.get("stream", False)
        usage = {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
        if model == "fail-500":
            return self.send_json(500, None)
        if model == "fail-401":
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            return self.send_json(401, {"error": {"message": f"Incorrect API key provided: {key}.", "type": "invalid_request_error",
                                                  "param": None, "code": "invalid_api_key"}})
        if model == "fail-404":
            return self.send_json(404, {"error": {"message": "The model `fail-404` does not exist", "type": "invalid_request_error",
                                                  "param": None, "code": "model_not_found"}})
        if model == "fail-429-retry":  # not in MODELS: the model list stays as the tests count it
            return self.send_json(429, {"error": {"message": "Rate limit reached", "type": "requests", "param": None, "code": None}},
                                  headers=[("Retry-After", "7")])
        if model == "fail-429":
            return self.send_json(429, {"error": {"message": "Rate limit reached", "type": "requests", "param": None, "code": None}})
        if model == "hang":
            return self.hang(before_body=True)
        key = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if model == "fail-500-padded":  # the key across the client's 64 KiB error-body cap
            data = b" " * (65536 - 20) + key.encode()
            self.send_response(500)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if model == "leak-at-cut":  # not JSON: the key just past the error text's 200-byte cut
            if not stream:
                data = ("x" * 180 + key).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
        deltas, finish = SCRIPTS.get(model, SCRIPTS["text"])
        if model == "echo-key":  # the key in the content (split between two events) and the model id
            half = len(key) // 2
            deltas, finish, model = text_deltas("your key is ", key[:half], key[half:], "."), "stop", "echo-" + key
        if model == "echo-key-tool":  # the key split between two argument fragments
            half = len(key) // 2
            deltas, finish = ([{"role": "assistant", "content": None}, call(0, "call_k1", "save", "{\"key\": \"" + key[:half]),
                               call(0, arguments=key[half:] + "\"}")], "tool_calls")
        if model == "echo-key-tool-escaped":  # not in MODELS (nor the next): the same, its first letter a JSON escape split between fragments
            half, escape = len(key) // 2, "\\u%04x" % ord(key[0])
            deltas, finish = ([{"role": "assistant", "content": None}, call(0, "call_k1", "save", "{\"key\": \"" + escape[:4]),
                               call(0, arguments=escape[4:] + key[1:half]), call(0, arguments=key[half:] + "\"}")], "tool_calls")
        if model == "echo-key-json-escaped":  # a JSON answer holding the key, its first letter an escape split between deltas
            half, escape = len(key) // 2, "\\u%04x" % ord(key[0])
            deltas, finish = text_deltas("{\"key\": \"" + escape[:3], escape[3:] + key[1:half], key[half:] + "\"}"), "stop"
        if not stream:
            return self.send_json(200, completion(model, deltas, finish, usage))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if model == "hang-first":
            self.write_chunk(chunk(model, text_deltas("first")[1]))
            return self.hang(before_body=False)
        if model == "empty-stream":  # llama-cpp-python failing mid-request
            return self.end_chunks()
        if model == "bad-json":
            self.write_chunk(b"data: {\"id\": \"chatcmpl-kai1\", \"choices\": [\n\n")
            return self.end_chunks()
        if model == "leak-at-cut":
            self.write_chunk(b"data: " + ("x" * 180 + key).encode() + b"\n\n")
            return self.end_chunks()
        if model == "slow":  # a token every 0.4 s for 2 s: long, but never silent for long
            for i in range(5):
                time.sleep(0.4)
                self.write_chunk(chunk(model, {"content": f"t{i} "}))
            deltas = []
        for i, delta in enumerate(deltas):
            if model == "sse-crlf-comments":  # OpenRouter's keep-alive comments, CRLF line ends
                self.write_chunk(b": OPENROUTER PROCESSING\r\n\r\n" + chunk(model, delta).replace(b"\n", b"\r\n"))
                continue
            self.write_chunk(chunk(model, delta))
            if model == "drop" and i == 2:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
        self.write_chunk(chunk(model, {}, finish=finish))
        if stream and (request.get("stream_options") or {}).get("include_usage"):
            self.write_chunk(chunk(model, None, usage=usage, choices=False))
        if model != "no-done":
            self.write_chunk(b"data: [DONE]\n\n")
        self.end_chunks()

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_chunks(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def hang(self, before_body):
        """Sends nothing more until the client goes away (at most 60 s).
        Says so on stdout first, so a test knows the request is here."""
        print("hanging", flush=True)
        self.close_connection = True
        ready, _, _ = select.select([self.connection], [], [], 60)
        if ready:
            try:
                self.connection.recv(1)
            except OSError:
                pass


SCRIPTS["drop"] = SCRIPTS["text"]
SCRIPTS["sse-crlf-comments"] = SCRIPTS["text"]
SCRIPTS["no-done"] = SCRIPTS["text"]


def exit_with_parent():
    """Exits when stdin closes: the test process that holds it has gone,
    even if it was killed before it could kill this server."""
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a test runner may have left it ignored
    threading.Thread(target=exit_with_parent, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
