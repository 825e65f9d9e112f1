/// The manifest describe() writes: constant text (describe() cannot fail).
///
/// "concurrency": "parallel": each call decodes on its own llama context
/// (LlamaModel's pool), sharing the loaded weights.
enum Manifest {
    static let json: StaticString = #"""
    {
      "id": "dev.kai.local",
      "name": "Kai local model",
      "version": "1.0.0",
      "abiMinor": 1,
      "description": "An LLM run in-process by llama.cpp (libllama.so from llama-cpp-python 0.3.36, built once by make): SmolLM2-135M-Instruct by default, or any GGUF file. No server, no key. Tool calls and JSON output are generated under a grammar derived from their JSON Schemas.",
      "configSchema": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "library": {"type": "string", "description": "Absolute path of libllama.so. Default: $KAI_CACHE_DIR (or ${XDG_CACHE_HOME:-$HOME/.cache}/kai)/llama-cpp-python-0.3.36/lib/libllama.so, which make builds."},
          "model": {"type": "string", "description": "Absolute path of a GGUF model. Default: that cache's models/SmolLM2-135M-Instruct.Q4_1.gguf."},
          "threads": {"type": "integer", "minimum": 1, "maximum": 1024, "description": "Threads llama.cpp computes with. Default: the number of online CPUs."},
          "context_length": {"type": "integer", "minimum": 64, "maximum": 1048576, "default": 2048, "description": "Tokens of context per call (prompt and output)."}
        }
      },
      "capabilities": [
        {
          "kind": "provider",
          "name": "local",
          "title": "Local model",
          "description": "Chat completions from a GGUF model run in-process by llama.cpp, streamed token by token; tool calls under a grammar that enforces the tools' schemas.",
          "concurrency": "parallel",
          "streaming": true,
          "models": ["smollm2-135m-instruct.q4_1"],
          "tags": ["writing", "coding"]
        }
      ]
    }
    """#
}
