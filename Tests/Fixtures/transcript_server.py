#!/usr/bin/env python3
"""Replays committed HTTP transcripts for Kai's provider tests (stdlib only).

    python3 transcript_server.py DIR [--stream-default yes|no]
    # prints "port N" once listening on 127.0.0.1; exits when stdin closes

A POST's JSON body names a "model"; the model picks the transcript in DIR:

    DIR/MODEL.sse     a streamed answer, sent as text/event-stream
    DIR/MODEL.ndjson  a streamed answer, sent as application/x-ndjson
    DIR/MODEL.json    a whole answer, sent as application/json

A request with "stream": true gets the .sse or .ndjson file, "stream": false
the .json file; a request without "stream" counts as --stream-default (no
for Anthropic, yes for Ollama's /api/chat). If only one kind exists, that one
is sent. Streams go byte for byte over chunked HTTP/1.1, one chunk per event
(an SSE event ends at a blank line, an NDJSON one at a newline), each
flushed, so the client sees them arrive one by one. SSE transcripts may
begin with `:` comment lines citing the documentation they are built from:
they are sent too (clients skip SSE comments).

A GET is answered with DIR/PATH.json, PATH being the request path without
its query and leading slash, slashes as "_" (GET /v1/models?limit=9 →
DIR/v1_models.json; GET /api/tags → DIR/api_tags.json); the query is kept
for /_kai/last.

GET /_kai/requests answers every request received so far (but these two)
as a list of "METHOD PATH", so a test can count round trips.

GET /_kai/last answers the last request received (POST or GET other than
this one) as {"method", "path", "headers" (names lower-cased), "body"
(parsed JSON, or null)}, so a test can check what the client sent.

Faults, chosen by the model name:
    fail-NNN            HTTP NNN with DIR/fail-NNN.json as the body if it
                        exists, else {"error": "HTTP NNN"}
    fail-NNN-retry-S    the same with "Retry-After: S" (429, 503: the
                        body is DIR/fail-NNN.json)
    cut-NAME            NAME's stream, cut in the middle of an event: about
                        half its events, then half of the next one's bytes,
                        then the connection closes (no final chunk); a
                        whole (.json) answer: half its bytes, then closed
    hold-NAME           NAME's stream: about half its events, then nothing more
                        until the client goes away (a call to cancel)
    drip-NAME           NAME's stream one byte every 0.2 s, then SSE comment
                        bytes or NDJSON spaces forever: past any deadline;
                        a whole answer the same, then held open
    hang                reads the request and answers nothing until the
                        client goes away (prints "hanging" first)
    long-N              an SSE stream whose one data line goes on for N MiB
                        and a byte more without a newline, then held open
Everything else a test needs (a malformed event, an answer that breaks the
contract) is a transcript file of its own.
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

DIRECTORY = "."
STREAM_DEFAULT = False
CONTENT_TYPES = {".sse": "text/event-stream; charset=utf-8", ".ndjson": "application/x-ndjson", ".json": "application/json"}


def events(data, ext):
    """Splits a stream transcript into events, each with its terminator."""
    separator = b"\n\n" if ext == ".sse" else b"\n"
    parts, start = [], 0
    while True:
        end = data.find(separator, start)
        if end < 0:
            if start < len(data):
                parts.append(data[start:])
            return parts
        parts.append(data[start:end + len(separator)])
        start = end + len(separator)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    last = None
    requests = []
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def record(self, body):
        with Handler.lock:
            Handler.requests.append(f"{self.command} {self.path}")
            Handler.last = {"method": self.command, "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}

    def send_whole(self, status, data, content_type="application/json", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_GET(self):
        if self.path == "/_kai/requests":
            with Handler.lock:
                data = json.dumps(Handler.requests).encode()
            return self.send_whole(200, data)
        if self.path == "/_kai/last":
            with Handler.lock:
                data = json.dumps(Handler.last).encode()
            return self.send_whole(200, data)
        self.record(None)
        name = self.path.split("?")[0].strip("/").replace("/", "_")
        path = os.path.join(DIRECTORY, name + ".json")
        if not name or not os.path.isfile(path):
            return self.send_whole(404, json.dumps({"error": f"no transcript {name}.json"}).encode())
        with open(path, "rb") as f:
            self.send_whole(200, f.read())

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        self.record(body)
        model = body.get("model", "") if isinstance(body, dict) else ""
        stream = body.get("stream", STREAM_DEFAULT) if isinstance(body, dict) else STREAM_DEFAULT
        if model == "hang":
            return self.hang()
        if model.startswith("fail-"):
            return self.fail(model)
        if model.startswith("long-") and model[5:].isdigit():
            return self.long_line(int(model[5:]))
        mode = None
        for prefix in ("cut-", "drip-", "hold-"):
            if model.startswith(prefix):
                mode, model = prefix[:-1], model[len(prefix):]
        found = self.transcript(model, stream)
        if found is None:
            return self.send_whole(404, json.dumps({"error": f"no transcript for model {model!r} in {DIRECTORY}"}).encode())
        path, ext = found
        with open(path, "rb") as f:
            data = f.read()
        if ext == ".json":
            if mode is None:
                return self.send_whole(200, data)
            return self.whole_with_fault(data, mode)
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES[ext])
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if mode == "drip":
            return self.drip(data, ext)
        parts = events(data, ext)
        if mode == "hold":
            for part in parts[:max(1, len(parts) // 2)]:
                self.write_chunk(part)
            return self.hang()
        if mode == "cut":
            half = max(1, len(parts) // 2)
            for part in parts[:half]:
                self.write_chunk(part)
            cut = parts[half] if half < len(parts) else parts[-1]
            self.write_chunk(cut[:max(1, len(cut) // 2)])
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        for part in parts:
            self.write_chunk(part)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def transcript(self, model, stream):
        """The transcript file for `model`: the kind the request asks for
        first, then any kind there is."""
        kinds = [".sse", ".ndjson", ".json"] if stream else [".json", ".sse", ".ndjson"]
        for ext in kinds:
            path = os.path.join(DIRECTORY, model + ext)
            if model and "/" not in model and os.path.isfile(path):
                return path, ext
        return None

    def fail(self, model):
        parts = model.split("-")  # fail, NNN[, retry, S]
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 500
        headers = [("Retry-After", parts[3])] if len(parts) == 4 and parts[2] == "retry" else []
        path = os.path.join(DIRECTORY, f"fail-{status}.json")
        if os.path.isfile(path):
            with open(path, "rb") as f:
                data = f.read()
        else:
            data = json.dumps({"error": f"HTTP {status}"}).encode()
        self.send_whole(status, data, headers=headers)

    def whole_with_fault(self, data, mode):
        """A whole answer cut in half (then closed), or dripped a byte every
        0.2 s (then held open): its Content-Length promises all of it."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.close_connection = True
        if mode == "cut":
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            for index in range(len(data)):
                self.wfile.write(data[index:index + 1])
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            return
        self.hang()

    def drip(self, data, ext):
        """One byte every 0.2 s until the client goes away."""
        filler = b": " if ext == ".sse" else b" "
        self.close_connection = True
        index = 0
        try:
            while True:
                byte = data[index:index + 1] if index < len(data) else filler[(index - len(data)) % len(filler):][:1]
                self.write_chunk(byte)
                index += 1
                time.sleep(0.2)
        except OSError:
            return

    def long_line(self, mebibytes):
        """One SSE data line of `mebibytes` MiB and a byte, never ended."""
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES[".sse"])
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            self.write_chunk(b"data: ")
            piece = b"a" * (1 << 20)
            for _ in range(mebibytes):
                self.write_chunk(piece)
            self.write_chunk(b"a")
        except OSError:
            return
        self.hang()

    def hang(self):
        """Sends nothing until the client goes away (at most 120 s)."""
        print("hanging", flush=True)
        self.close_connection = True
        ready, _, _ = select.select([self.connection], [], [], 120)
        if ready:
            try:
                self.connection.recv(1)
            except OSError:
                pass


def exit_with_parent():
    """Exits when stdin closes: the test process that holds it has gone,
    even if it was killed before it could kill this server."""
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    global DIRECTORY, STREAM_DEFAULT
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit("usage: transcript_server.py DIR [--stream-default yes|no]")
    DIRECTORY = args[0]
    if "--stream-default" in args:
        STREAM_DEFAULT = args[args.index("--stream-default") + 1] == "yes"
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a test runner may have left it ignored
    threading.Thread(target=exit_with_parent, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
