#!/usr/bin/env python3
"""A deterministic multi-turn OpenAI-compatible server for Kai's agent tests (stdlib only).

It speaks chat completions exactly as openai_scripted_server.py does (its
chunk and completion functions, imported): compact JSON chunks as server-sent
events over chunked HTTP/1.1 when "stream" is true, a whole chat.completion
otherwise. The request's "model" names a scenario; the reply depends on the
conversation so far (its last message, and how many assistant turns it has),
so an agent's loop plays out the same way every time.

    python3 agent_scripted_server.py        # prints "port N" once listening

Every response carries usage {"prompt_tokens": 10, "completion_tokens": 5}
(streamed: in a last chunk, when stream_options.include_usage asks for it).
GET /_kai/requests returns every chat request body received, in order;
GET /_kai/last the last one as {"headers", "body", "connection"} (as the other
fixture servers). Scenarios "hang" and "calc-then-hang" print "hanging" on
stdout once they hang. An unknown scenario is a 404 "model_not_found".

Tool names: a scenario's call of tool NAME uses the name of the request's tool
that is NAME or ends in ".NAME" / "_NAME" / "-NAME" (so qualified names work),
else NAME itself. Tool results are quoted as the wire carries them (the openai
provider prefixes an error result with "Error: ").

Scenarios (user-last: the last message is the user's; tool-last: it is a tool
result; CONTENT: a tool result's content; TURN: assistant messages so far + 1):
  answer          "The answer is 42."
  echo            "You said: " + the last user message
  calc            user-last: calculate {"expression": "6 * 7"}; tool-last: "The result is: " + CONTENT
  parallel        user-last: calculate {"expression": "6 * 7"} and calculate {"expression": "2 + 3"} in one turn;
                  tool-last: "Results: " + the turn's tool results' CONTENTs joined by " | " (in message order)
  pair:TOOL       as parallel, calling TOOL {"party": "a"} and TOOL {"party": "b"}
  tool-error      user-last: calculate {"expression": "6 *"} (a syntax error);
                  tool-last: "The tool failed, so I cannot answer: " + CONTENT
  repeat          calculate {"expression": "1 + 1"} every turn, until a tool result contains
                  "third identical call": then "I stopped repeating the call: " + CONTENT
  repeat-forever  calculate {"expression": "1 + 1"} every turn, forever
  loop            calculate {"expression": "TURN + 1"} every turn, forever (a different call each time)
  write           user-last: write_file {"path": "/tmp/kai-agent-note.txt", "content": "hello from kai"};
                  tool-last: CONTENT starting "Error: " -> "I could not write the file: " + CONTENT,
                  else "Wrote the file: " + CONTENT
  call:TOOL:JSON  user-last: TOOL with the JSON object; tool-last: "Done: " + CONTENT
  plan            a request with response_format -> the plan (PLAN below, as the content);
                  a last user message starting "Combine" -> "Combined:\n" + that message after its first line;
                  tool-last -> "Sub-answer: " + CONTENT; otherwise "Sub-answer: " + the last user message
  plan-missing    as plan, with PLAN_MISSING (a capability no agent has)
  code-fail       always the wrong solution WRONG_CODE
  code-pass       WRONG_CODE while the conversation has no assistant message, RIGHT_CODE after
  hang            hangs until the client goes away
  calc-then-hang  user-last: as calc; tool-last: hangs
Tool call ids: "call_<TURN>_<i>" (i from 1 within the turn).
"""
import json
import os
import signal
import sys
import threading
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openai_scripted_server import CREATED, call, chunk, completion, exit_with_parent, text_deltas  # noqa: E402
from openai_scripted_server import Handler as OpenAIHandler  # noqa: E402

USAGE = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}

PLAN = {"subtasks": [
    {"task": "Research: what is 6 * 7?", "capability": "research", "task_type": "research"},
    {"task": "Write one sentence stating the result.", "capability": "writing", "task_type": "writing"},
]}
PLAN_MISSING = {"subtasks": [
    {"task": "Research: what is 6 * 7?", "capability": "research", "task_type": "research"},
    {"task": "Read the stars.", "capability": "astrology", "task_type": "astrology"},
]}
WRONG_CODE = "```python\ndef add(a, b):\n    return a - b\n```"
RIGHT_CODE = "```python\ndef add(a, b):\n    return a + b\n```"
SCENARIOS = ["answer", "echo", "calc", "parallel", "tool-error", "repeat", "repeat-forever", "loop", "write",
             "plan", "plan-missing", "code-fail", "code-pass", "hang", "calc-then-hang"]
PREFIXED = ["pair:", "call:"]


class Unknown(Exception):
    pass


class Hang(Exception):
    pass


def text(message):
    return ("text", message)


def tools(*calls):
    return ("tools", list(calls))


def tool_name(request, name):
    """The request's tool called NAME, qualified or not."""
    for tool in request.get("tools") or []:
        full = (tool.get("function") or {}).get("name", "")
        if full == name or (full.endswith(name) and full[-len(name) - 1:-len(name)] in (".", "_", "-")):
            return full
    return name


def last_user(messages):
    for message in reversed(messages):
        if message.get("role") == "user":
            return message.get("content") or ""
    return ""


def trailing_tool_results(messages):
    """The contents of the tool results after the last assistant message."""
    results = []
    for message in reversed(messages):
        if message.get("role") != "tool":
            break
        results.append(message.get("content") or "")
    return list(reversed(results))


def reply(scenario, request):
    """("text", str) or ("tools", [(name, args)]) for this conversation."""
    messages = request.get("messages") or []
    last = messages[-1] if messages else {}
    tool_last = last.get("role") == "tool"
    results = trailing_tool_results(messages)
    content = results[-1] if results else ""
    turn = sum(1 for m in messages if m.get("role") == "assistant") + 1
    calc = tool_name(request, "calculate")
    if scenario == "answer":
        return text("The answer is 42.")
    if scenario == "echo":
        return text("You said: " + last_user(messages))
    if scenario == "calc":
        return text("The result is: " + content) if tool_last else tools((calc, {"expression": "6 * 7"}))
    if scenario == "parallel":
        if tool_last:
            return text("Results: " + " | ".join(results))
        return tools((calc, {"expression": "6 * 7"}), (calc, {"expression": "2 + 3"}))
    if scenario.startswith("pair:"):
        name = tool_name(request, scenario[len("pair:"):])
        if tool_last:
            return text("Results: " + " | ".join(results))
        return tools((name, {"party": "a"}), (name, {"party": "b"}))
    if scenario == "tool-error":
        if tool_last:
            return text("The tool failed, so I cannot answer: " + content)
        return tools((calc, {"expression": "6 *"}))
    if scenario == "repeat":
        if tool_last and "third identical call" in content:
            return text("I stopped repeating the call: " + content)
        return tools((calc, {"expression": "1 + 1"}))
    if scenario == "repeat-forever":
        return tools((calc, {"expression": "1 + 1"}))
    if scenario == "loop":
        return tools((calc, {"expression": f"{turn} + 1"}))
    if scenario == "write":
        if tool_last:
            prefix = "I could not write the file: " if content.startswith("Error: ") else "Wrote the file: "
            return text(prefix + content)
        return tools((tool_name(request, "write_file"), {"path": "/tmp/kai-agent-note.txt", "content": "hello from kai"}))
    if scenario.startswith("call:"):
        name, _, arguments = scenario[len("call:"):].partition(":")
        if tool_last:
            return text("Done: " + content)
        return tools((tool_name(request, name), json.loads(arguments or "{}")))
    if scenario in ("plan", "plan-missing"):
        if request.get("response_format") is not None:
            return text(json.dumps(PLAN if scenario == "plan" else PLAN_MISSING))
        if tool_last:
            return text("Sub-answer: " + content)
        user = last_user(messages)
        if user.startswith("Combine"):
            return text("Combined:\n" + user.partition("\n")[2])
        return text("Sub-answer: " + user)
    if scenario == "code-fail":
        return text(WRONG_CODE)
    if scenario == "code-pass":
        return text(RIGHT_CODE if turn > 1 else WRONG_CODE)
    if scenario == "hang":
        raise Hang()
    if scenario == "calc-then-hang":
        if tool_last:
            raise Hang()
        return tools((calc, {"expression": "6 * 7"}))
    raise Unknown()


def pieces(message):
    """Text deltas as a server sends them: a few words at a time."""
    words = message.split(" ")
    out = [" ".join(words[i:i + 3]) + (" " if i + 3 < len(words) else "") for i in range(0, len(words), 3)]
    return text_deltas(*out)


def deltas(kind, body, turn):
    if kind == "text":
        return pieces(body), "stop"
    out = [{"role": "assistant", "content": None}]
    for i, (name, arguments) in enumerate(body):
        encoded = json.dumps(arguments, separators=(",", ":"))
        half = len(encoded) // 2
        # OpenAI's order: id and name with "" arguments, then the arguments in pieces.
        out += [call(i, f"call_{turn}_{i + 1}", name, ""), call(i, arguments=encoded[:half]), call(i, arguments=encoded[half:])]
    return out, "tool_calls"


class Handler(OpenAIHandler):
    """The scripted server's connection numbering, JSON replies, chunked
    writes and hanging, with replies chosen by scenario and conversation."""
    requests = []

    def do_GET(self):
        if self.path == "/v1/models":
            self.send_json(200, {"object": "list", "data": [{"id": m, "object": "model", "created": CREATED, "owned_by": "kai"}
                                                           for m in SCENARIOS]})
        elif self.path == "/_kai/requests":
            with Handler.lock:
                self.send_json(200, list(Handler.requests))
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
            Handler.requests.append(request)
            Handler.last = {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": request,
                            "connection": self.connection_number}
        model = request.get("model", "")
        messages = request.get("messages") or []
        turn = sum(1 for m in messages if m.get("role") == "assistant") + 1
        try:
            kind, content = reply(model, request)
        except Unknown:
            return self.send_json(404, {"error": {"message": f"The model `{model}` does not exist (no such scenario)",
                                                  "type": "invalid_request_error", "param": None, "code": "model_not_found"}})
        except Hang:
            return self.hang(before_body=True)
        script, finish = deltas(kind, content, turn)
        if not request.get("stream", False):
            return self.send_json(200, completion(model, script, finish, USAGE))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for delta in script:
            self.write_chunk(chunk(model, delta))
        self.write_chunk(chunk(model, {}, finish=finish))
        if (request.get("stream_options") or {}).get("include_usage"):
            self.write_chunk(chunk(model, None, usage=USAGE, choices=False))
        self.write_chunk(b"data: [DONE]\n\n")
        self.end_chunks()


def main():
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=exit_with_parent, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
