/// The manifest describe() writes: constant text, so describe() cannot fail
/// and gives the same answer every time, as the ABI asks.
///
/// The config is a list of endpoints, each an OpenAI-compatible server (OpenAI,
/// vLLM, llama.cpp's server, Ollama's /v1, OpenRouter). API keys never appear
/// in it: an endpoint names, in `api_key_secret`, the top-level config key
/// that the operator's `secrets` entry fills from the environment, which is
/// why extra top-level keys may hold strings.
enum Manifest {
    static let json: StaticString = #"""
    {
      "id": "dev.kai.openai",
      "name": "OpenAI-compatible provider",
      "version": "1.0.0",
      "abiMinor": 1,
      "network": true,
      "description": "Chat completions from any OpenAI-compatible server: OpenAI, vLLM, llama.cpp's server, Ollama's /v1, OpenRouter. Streams text and tool calls over SSE.",
      "configSchema": {
        "type": "object",
        "properties": {
          "endpoints": {
            "type": "array",
            "description": "The servers to use, in order: a request without a model goes to the first one's first model.",
            "items": {
              "type": "object",
              "required": ["name", "base_url"],
              "additionalProperties": false,
              "properties": {
                "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$", "description": "Names the endpoint in errors and in models written ENDPOINT:MODEL."},
                "base_url": {"type": "string", "pattern": "^https?://[^\\s]+$", "description": "Up to and including the API version, e.g. https://api.openai.com/v1 or http://127.0.0.1:8000/v1."},
                "api_key_secret": {"type": "string", "minLength": 1, "description": "The top-level config key holding the API key; fill it with the plugin entry's secrets: {KEY: ENV_VAR}."},
                "models": {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "The models to offer; absent: asked of GET {base_url}/models."},
                "price_input_per_1m": {"type": "number", "minimum": 0, "description": "USD per million input tokens, for the recorded cost."},
                "price_output_per_1m": {"type": "number", "minimum": 0, "description": "USD per million output tokens."},
                "timeout_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000, "default": 120, "description": "Seconds: when streaming, the longest wait for the server's next bytes (a long answer still producing tokens is not cut); when not streaming, the longest the whole answer may take. The call's deadline caps both."},
                "connect_timeout_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000, "default": 10, "description": "Longest connecting may take, in seconds."}
              }
            }
          }
        },
        "additionalProperties": {"type": "string"}
      },
      "capabilities": [
        {
          "kind": "provider",
          "name": "openai",
          "title": "OpenAI-compatible chat completions",
          "description": "Chat completions with tools from the configured OpenAI-compatible endpoints; model ENDPOINT:MODEL picks an endpoint.",
          "streaming": true,
          "concurrency": "parallel"
        }
      ]
    }
    """#
}
