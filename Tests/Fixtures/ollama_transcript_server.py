#!/usr/bin/env python3
"""Replays Ollama transcripts for Kai's `ollama` provider tests (stdlib only).

It speaks Ollama's native API as Ollama sends it: POST /api/chat answers a
stream of compact JSON lines (`Content-Type: application/x-ndjson`, chunked
HTTP/1.1, one line per chunk) or, with "stream": false, one JSON object;
GET /api/tags lists models. The answers are the committed transcripts in
Tests/Fixtures/transcripts/ollama (built from Ollama's API documentation):
the request's "model" names the file (MODEL.ndjson or MODEL.json). A model
with no file gets Ollama's 404 for a model not pulled. These models script
faults instead:

    status-500     HTTP 500 with Ollama's {"error": ...} body
    status-503     HTTP 503, Retry-After: 3 (Ollama's queue is full)
    status-429     HTTP 429, Retry-After: 7 (a rate-limiting proxy)
    cut-mid-line   the streaming example's first line and half the second,
                   then the connection closes (no end of the chunked body)
    drip           the streaming example one byte at a time, 50 ms apart,
                   until the client goes away
    cut-clean      the streaming example with its last line cut in half, and
                   the chunked body then ended properly
    no-final-newline  the streaming example without the last line's newline
    hang           the headers of a stream, then nothing until the client
                   goes away (prints "hanging" on stdout first)
    echo-token     a stream whose text holds the request's bearer token, split
                   between two lines, as a server echoing its input would
    status-401     HTTP 401 whose error text echoes the bearer token

    python3 ollama_transcript_server.py     # prints "port N" once listening

GET /_kai/last returns the last chat request as received (headers and body).
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

HERE = os.path.dirname(os.path.abspath(__file__))
TRANSCRIPTS = os.path.join(HERE, "transcripts", "ollama")
STATUS = {
    "status-500": (500, "llama runner process has terminated: signal: killed", None),
    "status-503": (503, "server busy, please try again.  maximum pending requests exceeded", "3"),
    "status-429": (429, "rate limit exceeded", "7"),
}


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def transcript(model):
    """The file's lines (JSON objects) and whether it is a stream, or None."""
    for suffix, streamed in ((".ndjson", True), (".json", False)):
        path = os.path.join(TRANSCRIPTS, model + suffix)
        if os.path.isfile(path) and "/" not in model:
            with open(path, "rb") as f:
                data = f.read()
            if streamed:
                return data.splitlines(keepends=True), True
            return [compact(json.loads(data)) + b"\n"], False
    return None


def whole(lines):
    """What a stream adds up to, as Ollama answers with "stream": false: the
    last line with the whole content and every tool call."""
    objects = [json.loads(line) for line in lines]
    content, calls = "", []
    for obj in objects:
        message = obj.get("message") or {}
        content += message.get("content") or ""
        calls += message.get("tool_calls") or []
    last = dict(objects[-1])
    last["message"] = {"role": "assistant", "content": content}
    if calls:
        last["message"]["tool_calls"] = calls
    return compact(last)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    last = None
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def send_body(self, status, data, content_type="application/json; charset=utf-8", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/api/tags":
            lines, _ = transcript("tags")
            self.send_body(200, lines[0].rstrip(b"\n"))
        elif self.path == "/_kai/last":
            with Handler.lock:
                self.send_body(200, compact(Handler.last))
        else:
            self.send_body(404, b"404 page not found", "text/plain")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/api/chat":
            return self.send_body(404, b"404 page not found", "text/plain")
        request = json.loads(body)
        with Handler.lock:
            Handler.last = {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": request}
        model = request.get("model", "")
        if model in STATUS:
            status, message, retry_after = STATUS[model]
            headers = [("Retry-After", retry_after)] if retry_after else []
            return self.send_body(status, compact({"error": message}), headers=headers)
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if model == "status-401":
            return self.send_body(401, compact({"error": f"invalid token {token}"}))
        if model == "echo-token":
            half = len(token) // 2
            lines = [compact({"model": "llama3.2", "created_at": "2023-08-04T08:52:19.385406455-07:00",
                              "message": {"role": "assistant", "content": piece}, "done": False}) + b"\n"
                     for piece in ("your token is ", token[:half], token[half:], ".")]
            lines.append(compact({"model": "llama3.2", "created_at": "2023-08-04T19:22:45.499127Z",
                                  "message": {"role": "assistant", "content": ""}, "done_reason": "stop", "done": True}) + b"\n")
            self.start_stream()
            for line in lines:
                self.write_chunk(line)
            return self.end_chunks()
        if model in ("cut-mid-line", "drip", "cut-clean", "no-final-newline", "hang"):
            return self.fault(model, transcript("chat-streaming")[0])
        found = transcript(model)
        if found is None:
            return self.send_body(404, compact({"error": f'model "{model}" not found, try pulling it first'}))
        lines, streamed = found
        if not request.get("stream", True):
            return self.send_body(200, whole(lines) if streamed else lines[0].rstrip(b"\n"))
        self.start_stream()
        for line in lines:
            self.write_chunk(line)
        self.end_chunks()

    def fault(self, model, lines):
        self.start_stream()
        if model == "cut-mid-line":
            self.write_chunk(lines[0])
            self.write_chunk(lines[1][: len(lines[1]) // 2])
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if model in ("cut-clean", "no-final-newline"):
            for line in lines[:-1]:
                self.write_chunk(line)
            last = lines[-1].rstrip(b"\n")
            self.write_chunk(last[: len(last) // 2] if model == "cut-clean" else last)
            return self.end_chunks()
        self.close_connection = True
        if model == "hang":
            print("hanging", flush=True)
            select.select([self.connection], [], [], 60)
            return
        try:
            for byte in b"".join(lines):
                self.write_chunk(bytes([byte]))
                time.sleep(0.05)
        except OSError:
            pass  # the client gave up: what the test waits for

    def start_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_chunks(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


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
