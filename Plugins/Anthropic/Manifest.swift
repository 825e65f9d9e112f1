/// The manifest describe() writes: constant text, so describe() cannot fail
/// and gives the same answer every time, as the ABI asks.
///
/// API keys never appear in the config: an endpoint names, in
/// `api_key_secret`, the top-level config key that the operator's `secrets`
/// entry fills from the environment, which is why extra top-level keys may
/// hold strings.
enum Manifest {
    static let json: StaticString = #"""
    {
      "id": "dev.kai.anthropic",
      "name": "Anthropic provider",
      "version": "1.0.0",
      "abiMinor": 1,
      "network": true,
      "description": "Claude through Anthropic's Messages API: text, tool use (parallel too) and tool results, streamed over SSE.",
      "configSchema": {
        "type": "object",
        "properties": {
          "endpoints": {
            "type": "array",
            "description": "The servers to use, in order: a request without a model goes to the first one's first model.",
            "items": {
              "type": "object",
              "required": ["name"],
              "additionalProperties": false,
              "properties": {
                "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$", "description": "Names the endpoint in errors and in models written ENDPOINT:MODEL."},
                "base_url": {"type": "string", "pattern": "^https?://[^\\s]+$", "default": "https://api.anthropic.com", "description": "The API's root, without /v1: requests go to {base_url}/v1/messages."},
                "api_key_secret": {"type": "string", "minLength": 1, "description": "The top-level config key holding the API key (sent as x-api-key); fill it with the plugin entry's secrets: {KEY: ENV_VAR}."},
                "models": {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "The models to offer; absent: asked of GET {base_url}/v1/models."},
                "price_input_per_1m": {"type": "number", "minimum": 0, "description": "USD per million input tokens (cache tokens count as input), for the recorded cost."},
                "price_output_per_1m": {"type": "number", "minimum": 0, "description": "USD per million output tokens."},
                "timeout_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000, "default": 120, "description": "Seconds: when streaming, the longest wait for the server's next bytes; when not streaming, the longest the whole answer may take. The call's deadline caps both."},
                "connect_timeout_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000, "default": 10, "description": "Longest connecting may take, in seconds."},
                "max_tokens_default": {"type": "integer", "minimum": 1, "default": 4096, "description": "max_tokens for a request that sets none (the Messages API requires one)."}
              }
            }
          }
        },
        "additionalProperties": {"type": "string"}
      },
      "capabilities": [
        {
          "kind": "provider",
          "name": "anthropic",
          "title": "Anthropic Messages API",
          "description": "Chat with tools from the configured Anthropic endpoints; model ENDPOINT:MODEL picks an endpoint.",
          "streaming": true,
          "concurrency": "parallel"
        }
      ]
    }
    """#
}
