"""The Markdown for bench/providers_bench.py's results (used by it and run.py)."""

from providers_bench import LATENCY_GOAL_MS, LOCAL_GOAL, LOCAL_SYSTEM, PROMPT_GOAL


def verdict(ok):
    return "PASS" if ok else "FAIL"


def not_measured(title, part):
    reason = part.get("skipped") or f"the measurement failed: {part.get('failed')}"
    return [title, "", f"Not measured: {reason}.", ""]


def latency(part):
    title = "### Provider request latency: Kai (`PluginHost.callProvider`, bundled openai plugin) vs raw libcurl, same mock server"
    if "plain" not in part:
        return not_measured(title, part)
    lines = [title, "", "| request | raw libcurl median | Kai median | added by Kai | goal | result |", "|---|---|---|---|---|---|"]
    for mode, what in (("plain", "non-streaming, whole exchange"), ("stream", "streaming, time to first token")):
        row = part[mode]
        lines.append(f"| {what} | {row['raw_median_ns'] / 1000:,.1f} µs | {row['kai_median_ns'] / 1000:,.1f} µs "
                     f"| {row['added_ms']:.3f} ms | ≤ {LATENCY_GOAL_MS} ms | {verdict(row['pass'])} |")
    lines += ["", f"Method: bench/mock_openai.c (C, poll(), keep-alive) answers at once with a fixed chat.completion or a "
              "fixed 6-event SSE stream. Raw side: bench/raw_curl.c, one reused easy handle, the same POST body the plugin "
              "sends, nothing parsed; time to first token is the first chunk with non-empty content. Kai side: "
              "`KaiBench provider-latency` calling `callProvider(\"openai/bench-model\")` in-process (request and response "
              "validated against the chat schemas; streaming through onEvent, first text delta). "
              f"{part['rounds']} interleaved rounds (ABAB, order alternating) of {part['per_round']} requests per side and "
              f"mode after one warm-up round each; {part['plain']['samples']:,} samples per side and mode.", ""]
    return lines


def prompt(part):
    title = "### `kai prompt` vs `llm prompt` (whole process, same mock endpoint, non-streaming)"
    if "ratio" not in part:
        return not_measured(title, part)
    commands = part["commands"]
    return [title, "", "| command | median | min | goal | result |", "|---|---|---|---|---|",
            f"| `kai prompt hi -m openai/bench-model --no-stream` | {part['kai_median_s'] * 1000:,.1f} ms "
            f"| {part['kai_min_s'] * 1000:,.1f} ms | — | — |",
            f"| `llm prompt -m bench-model --no-stream hi` ({part['llm_version']}) | {part['llm_median_s'] * 1000:,.1f} ms "
            f"| {part['llm_min_s'] * 1000:,.1f} ms | — | — |",
            f"| **llm / kai** | **{part['ratio']:.1f}×** | | ≥ {PROMPT_GOAL:.0f}× | {verdict(part['pass'])} |",
            "", f"Method: {part['runs']} runs each, interleaved, after 2 warm-up runs each; `time.perf_counter` around "
            "`subprocess.run`. kai: a temporary HOME and `--config` with the openai plugin's endpoint (registry recording "
            "on, as in normal use); llm: LLM_USER_PATH in a temporary directory with extra-openai-models.yaml "
            "(model_id, model_name, api_base, api_key_name) and a dummy key, logging on (its default). Commands: "
            f"`kai {' '.join(commands['kai'][1:-2])} --config TMP/kai.yaml`, `llm {' '.join(commands['llm'][1:])}`.", ""]


def local(part):
    title = "### Local provider generation speed: Kai `local` vs llama-cpp-python `create_chat_completion`"
    if "ratio" not in part:
        return not_measured(title, part)
    kai, py = part["kai"], part["llama_cpp_python"]
    def row(name, side):
        counts = lambda values: ", ".join(str(v) for v in values)
        return (f"| {name} | {side['median_tokens_per_s']:.1f} tokens/s | {counts(side['output_tokens'])} | {counts(side['input_tokens'])} "
                f"| {', '.join(side['finish_reasons'])} | {side['samples']} |")
    return [title, "", "| runner | median | output tokens | prompt tokens | finish | samples |", "|---|---|---|---|---|---|",
            row("Kai, `KaiBench provider-tokens` → `callProvider(\"local\")`", kai),
            row("llama-cpp-python 0.3.36, `Llama.create_chat_completion`", py),
            "", f"**Kai / llama-cpp-python: {part['ratio']:.2f}×** (goal ≥ {LOCAL_GOAL}×) — **{verdict(part['pass'])}**",
            "", f"Method: the same libllama build (llama-cpp-python 0.3.36's wheel), SmolLM2-135M-Instruct Q4_1, "
            f"{part['threads']} threads, temperature 0 (greedy), max_tokens {part['max_tokens']}, n_ctx 2048, system message \"{LOCAL_SYSTEM}\", prompt "
            f"\"{part['prompt']}\". Tokens/s = output tokens from the call's usage / the call's wall time (prompt "
            f"evaluation included, both sides). {part['processes']} processes per side, interleaved, each one "
            f"warm-up call (model load) then {part['rounds']} timed calls.", ""]


def markdown(results):
    lines = []
    for name, render in (("latency", latency), ("prompt", prompt), ("local", local)):
        lines += render(results.get(name, {"skipped": "not run"}))
    return "\n".join(lines)
