#!/usr/bin/env python3
"""The peers' side of the agent-step benchmark (bench/agent_bench.py), run in
the agents venv (`make bench-agent-deps`): simonw's `llm` tool chains and the
OpenAI Agents SDK's `Runner`, each doing the same N-step run against
bench/mock_agent.c, in-process (no interpreter start-up in the figures).

    python agent_peers.py llm|agents BASE_URL STEPS stream|plain

Reads batch requests from stdin, one per line: "run 1 K" (K runs one after
another; the 1 is the concurrency, always 1 here). Answers each with one
JSON line: {"wall_ns", "tool_ns", "cpu_ns", "steps", "runs"} — the batch's
wall time, the time spent inside the tool function, the process's CPU time
(getrusage RUSAGE_SELF, user + sys) and the model turns taken.

`stream`, as Kai's bundled assistant asks (it always streams): llm
chain(..., stream=True) with each response's chunks consumed, the SDK
Runner.run_streamed with its events consumed. `plain`: llm stream=False,
the SDK Runner.run (its chat-completions model asks with stream=false).
The tool is the same for all three subjects:
`calculate(expression)`, the mock asks for "1 + 2" each tool step.
"""

import asyncio
import json
import resource
import sys
import time

TASK = "What is 1 + 2? Use the calculate tool."
FINAL = "The answer is 3."


class ToolClock:
    """Time spent inside the tool function, summed over a batch."""

    def __init__(self):
        self.ns = 0
        self.calls = 0

    def calculate(self, expression: str) -> str:
        started = time.perf_counter_ns()
        left, right = expression.split("+")
        result = str(int(left) + int(right))
        self.ns += time.perf_counter_ns() - started
        self.calls += 1
        return result


def cpu_ns():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return int((usage.ru_utime + usage.ru_stime) * 1e9)


class LLMPeer:
    """llm's Python API: model.chain(prompt, tools=[...]) runs the tool calls
    the model asks for and sends the results back until a final answer."""

    def __init__(self, base_url, steps, clock, stream):
        import llm
        from llm.default_plugins.openai_models import Chat
        self.version = llm.__version__ if hasattr(llm, "__version__") else _version("llm")
        self.model = Chat("bench-agent", key="dummy", model_name="bench-agent", api_base=base_url, supports_tools=True)
        self.steps = steps
        self.stream = stream

        def calculate(expression: str) -> str:
            """Evaluate an arithmetic expression such as '1 + 2'."""
            return clock.calculate(expression)
        self.tool = calculate

    def run(self):
        conversation = self.model.conversation(tools=[self.tool], chain_limit=self.steps + 5)
        chain = conversation.chain(TASK, stream=self.stream)
        responses = []
        for response in chain.responses():  # runs the chain (once: each iteration runs it anew)
            for _ in response:  # the chunks, as `llm` prints them
                pass
            responses.append(response)
        return responses[-1].text(), len(responses)


class AgentsPeer:
    """The OpenAI Agents SDK: Runner.run(agent) with a function_tool and an
    OpenAIChatCompletionsModel on AsyncOpenAI(base_url=the mock). Tracing is
    off: its default exporter sends spans to OpenAI's servers."""

    def __init__(self, base_url, steps, clock, stream):
        from agents import Agent, OpenAIChatCompletionsModel, Runner, function_tool, set_tracing_disabled
        from openai import AsyncOpenAI
        set_tracing_disabled(True)
        self.version = _version("openai-agents")

        @function_tool
        def calculate(expression: str) -> str:
            """Evaluate an arithmetic expression such as '1 + 2'."""
            return clock.calculate(expression)
        model = OpenAIChatCompletionsModel(model="bench-agent", openai_client=AsyncOpenAI(base_url=base_url, api_key="dummy"))
        self.agent = Agent(name="bench", instructions="Answer using the calculate tool.", tools=[calculate], model=model)
        self.runner = Runner
        self.steps = steps
        self.stream = stream
        self.loop = asyncio.new_event_loop()

    def run(self):
        return self.loop.run_until_complete(self._streamed() if self.stream else self._plain())

    async def _plain(self):
        result = await self.runner.run(self.agent, TASK, max_turns=self.steps + 5)
        return result.final_output, len(result.raw_responses)

    async def _streamed(self):
        result = self.runner.run_streamed(self.agent, TASK, max_turns=self.steps + 5)
        async for _ in result.stream_events():
            pass
        return result.final_output, len(result.raw_responses)


def _version(name):
    import importlib.metadata
    return importlib.metadata.version(name)


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("llm", "agents") or sys.argv[4] not in ("stream", "plain"):
        print("usage: agent_peers.py llm|agents BASE_URL STEPS stream|plain", file=sys.stderr)
        return 64
    base_url, steps = sys.argv[2], int(sys.argv[3])
    clock = ToolClock()
    peer = (LLMPeer if sys.argv[1] == "llm" else AgentsPeer)(base_url, steps, clock, sys.argv[4] == "stream")
    print(json.dumps({"version": peer.version}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if len(words) != 3 or words[0] != "run" or words[1] != "1":
            print(f"expected 'run 1 K', got {line!r}", file=sys.stderr)
            return 64
        clock.ns = clock.calls = 0
        turns = 0
        cpu, started = cpu_ns(), time.perf_counter_ns()
        for _ in range(int(words[2])):
            text, taken = peer.run()
            if text != FINAL or taken != steps:
                print(f"a run ended with {text!r} after {taken} model turns, expected {FINAL!r} after {steps}", file=sys.stderr)
                return 1
            turns += taken
        wall = time.perf_counter_ns() - started
        print(json.dumps({"wall_ns": wall, "tool_ns": clock.ns, "cpu_ns": cpu_ns() - cpu, "steps": turns,
                          "tool_calls": clock.calls, "runs": int(words[2])}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
