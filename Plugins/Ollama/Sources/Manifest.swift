/// The manifest describe() writes: constant text, so describe() cannot fail
/// and gives the same answer every time, as the ABI asks.
///
/// The config is a list of endpoints, each an Ollama server's native API.
/// An endpoint behind an authenticating proxy names, in `api_key_secret`,
/// the top-level config key that the operator's `secrets` entry fills from
/// the environment, which is why extra top-level keys may hold strings.
enum Manifest {
    static let json: StaticString = #"""
    {
      "id": "dev.kai.ollama",
      "name": "Ollama provider",
      "version": "1.0.0",
      "abiMinor": 1,
      "network": true,
      "description": "Chat with models served by Ollama through its native API (POST /api/chat, NDJSON streaming, tool calls), and the models it has pulled (GET /api/tags).",
      "configSchema": {
        "type": "object",
        "properties": {
          "endpoints": {
            "type": "array",
            "description": "The Ollama servers to use, in order: a request without a model goes to the first one's first model.",
            "items": {
              "type": "object",
              "required": ["name"],
              "additionalProperties": false,
              "properties": {
                "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$", "description": "Names the endpoint in errors and in models written ENDPOINT:MODEL."},
                "base_url": {"type": "string", "pattern": "^https?://[^\\s]+$", "default": "http://127.0.0.1:11434", "description": "The server's address, without /api or /v1, e.g. http://127.0.0.1:11434."},
                "api_key_secret": {"type": "string", "minLength": 1, "description": "For an Ollama behind an authenticating proxy: the top-level config key holding the bearer token; fill it with the plugin entry's secrets: {KEY: ENV_VAR}."},
                "models": {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "The models to offer; absent: the models the server has pulled (GET /api/tags)."},
                "keep_alive": {"type": ["string", "number"], "maximum": 31536000, "description": "How long the server keeps the model loaded after a request, e.g. \"10m\", or seconds; sent as Ollama's keep_alive."},
                "price_input_per_1m": {"type": "number", "minimum": 0, "description": "USD per million input tokens, for the recorded cost."},
                "price_output_per_1m": {"type": "number", "minimum": 0, "description": "USD per million output tokens."},
                "timeout_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000, "default": 120, "description": "Seconds: when streaming, the longest wait for the server's next line (a model still loading or generating slowly is not cut while it sends); when not streaming, the longest the whole answer may take. The call's deadline caps both."},
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
          "name": "ollama",
          "title": "Ollama chat",
          "description": "Chat with tools from the configured Ollama servers' native API; model ENDPOINT:MODEL picks an endpoint.",
          "streaming": true,
          "concurrency": "parallel"
        }
      ]
    }
    """#
}
