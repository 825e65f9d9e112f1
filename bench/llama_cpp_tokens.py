"""llama-cpp-python's own generation speed, the baseline of the local provider
benchmark (bench/providers_bench.py); runs in the $KAI_CACHE_DIR venv.

    python llama_cpp_tokens.py <model.gguf> <threads> <max_tokens> <rounds> <system> <prompt>

Same settings as Kai's local plugin gets: n_ctx and n_batch 2048 (its
defaults), the given threads for generation and batches, greedy sampling
(temperature 0). Each round is one create_chat_completion; prints
{"rounds": [{"output_tokens", "input_tokens", "ns", "finish_reason"}, ...]}
with tokens from the completion's usage, as the Kai side reads them.
"""

import json
import sys
import time

from llama_cpp import Llama


def main():
    model, threads, max_tokens, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    system, prompt = sys.argv[5], sys.argv[6]
    llama = Llama(model_path=model, n_ctx=2048, n_batch=2048, n_threads=threads, n_threads_batch=threads, verbose=False)
    rows = []
    for _ in range(rounds):
        llama.reset()  # no prefix cache between rounds: Kai evaluates the prompt each call
        started = time.perf_counter_ns()
        completion = llama.create_chat_completion(messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}],
                                                  max_tokens=max_tokens, temperature=0)
        elapsed = time.perf_counter_ns() - started
        usage = completion["usage"]
        rows.append({"output_tokens": usage["completion_tokens"], "input_tokens": usage["prompt_tokens"], "ns": elapsed,
                     "finish_reason": completion["choices"][0]["finish_reason"]})
    print(json.dumps({"rounds": rows}))


if __name__ == "__main__":
    main()
