// The provider contract's schemas (kai_provider.h), embedded so the host
// needs no files at run time. Each must equal its file in plugin-sdk/schema/
// (ProviderSchemaTests checks): edit the file, then paste it here.
enum ProviderSchemas {
    /// plugin-sdk/schema/chat-request.schema.json
    static let requestText = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://kai.dev/schema/chat-request-1.json",
  "title": "Kai chat request, ABI 1.1",
  "description": "What a provider's invoke() receives as kai_call.input (operation KAI_OP_INVOKE), already validated by the host. Close to OpenAI's chat completions, with tools as MCP descriptors and tool-call arguments as JSON objects rather than strings.",
  "type": "object",
  "required": ["messages"],
  "additionalProperties": false,
  "properties": {
    "model": {"description": "The model to use; absent means the provider's default.", "type": "string", "minLength": 1},
    "messages": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/message"}},
    "tools": {
      "description": "Tools the model may call, as MCP tool descriptors.",
      "type": "array",
      "items": {"$ref": "#/$defs/tool"}
    },
    "tool_choice": {
      "description": "\"auto\" (default when tools are given): the model decides; \"none\": no tool call; \"required\": at least one tool call; {\"name\": N}: exactly a call of tool N.",
      "oneOf": [
        {"enum": ["auto", "none", "required"]},
        {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {"name": {"type": "string", "minLength": 1}}}
      ]
    },
    "max_tokens": {"description": "Most tokens to generate.", "type": "integer", "minimum": 1},
    "temperature": {"type": "number", "minimum": 0, "maximum": 2},
    "stop": {"description": "Sequences that end generation (not included in the output).", "type": "array", "maxItems": 8, "items": {"type": "string", "minLength": 1}},
    "seed": {"type": "integer"},
    "response_format": {
      "description": "{\"type\": \"text\"} (default) or {\"type\": \"json_schema\", \"schema\": S}: the assistant's content is JSON valid against S.",
      "oneOf": [
        {"type": "object", "required": ["type"], "additionalProperties": false, "properties": {"type": {"const": "text"}}},
        {
          "type": "object", "required": ["type", "schema"], "additionalProperties": false,
          "properties": {"type": {"const": "json_schema"}, "name": {"type": "string"}, "schema": {"type": "object"}}
        }
      ]
    }
  },
  "$defs": {
    "message": {
      "oneOf": [
        {
          "type": "object", "required": ["role", "content"], "additionalProperties": false,
          "properties": {"role": {"enum": ["system", "user"]}, "content": {"type": "string"}}
        },
        {
          "type": "object", "required": ["role"], "additionalProperties": false,
          "properties": {
            "role": {"const": "assistant"},
            "content": {"type": ["string", "null"]},
            "tool_calls": {"type": "array", "items": {"$ref": "#/$defs/toolCall"}}
          }
        },
        {
          "type": "object", "required": ["role", "tool_call_id", "content"], "additionalProperties": false,
          "properties": {
            "role": {"const": "tool"},
            "tool_call_id": {"description": "The id of the assistant's tool call this answers.", "type": "string", "minLength": 1},
            "content": {"type": "string"},
            "is_error": {"type": "boolean"}
          }
        }
      ]
    },
    "toolCall": {
      "type": "object", "required": ["id", "name", "arguments"], "additionalProperties": false,
      "properties": {
        "id": {"type": "string", "minLength": 1},
        "name": {"type": "string", "minLength": 1},
        "arguments": {"description": "The call's arguments, a JSON object (never a string).", "type": "object"}
      }
    },
    "tool": {
      "type": "object", "required": ["name", "inputSchema"],
      "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 128},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "inputSchema": {"type": "object", "required": ["type"], "properties": {"type": {"const": "object"}}},
        "outputSchema": {"type": "object"},
        "annotations": {"type": "object"}
      }
    }
  }
}
"""#

    /// plugin-sdk/schema/chat-response.schema.json
    static let responseText = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://kai.dev/schema/chat-response-1.json",
  "title": "Kai chat response, ABI 1.1",
  "description": "What a provider writes to kai_call.output for KAI_OP_INVOKE, streamed or not. The host validates it; a violation is the provider's fault.",
  "type": "object",
  "required": ["message", "finish_reason"],
  "additionalProperties": false,
  "properties": {
    "message": {
      "type": "object", "required": ["role", "content"], "additionalProperties": false,
      "properties": {
        "role": {"const": "assistant"},
        "content": {"description": "The text; null when the message is only tool calls.", "type": ["string", "null"]},
        "tool_calls": {"type": "array", "minItems": 1, "items": {
          "type": "object", "required": ["id", "name", "arguments"], "additionalProperties": false,
          "properties": {"id": {"type": "string", "minLength": 1}, "name": {"type": "string", "minLength": 1}, "arguments": {"type": "object"}}
        }}
      }
    },
    "finish_reason": {
      "description": "stop: the model ended its turn or hit a stop sequence; length: max_tokens or the context ran out; tool_calls: the message carries tool calls; content_filter: the server withheld content; stopped: the caller asked the stream to stop.",
      "enum": ["stop", "length", "tool_calls", "content_filter", "stopped"]
    },
    "model": {"description": "The model that answered, as the server named it.", "type": "string"},
    "usage": {
      "type": "object", "required": ["input_tokens", "output_tokens"], "additionalProperties": false,
      "properties": {
        "input_tokens": {"type": "integer", "minimum": 0},
        "output_tokens": {"type": "integer", "minimum": 0},
        "cost_usd": {"description": "From the operator's configured prices; absent when unknown.", "type": "number", "minimum": 0}
      }
    }
  }
}
"""#

    /// plugin-sdk/schema/models.schema.json
    static let modelsText = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://kai.dev/schema/models-1.json",
  "title": "Kai provider model list, ABI 1.1",
  "description": "What a provider writes for KAI_OP_LIST_MODELS: the models it can serve now.",
  "type": "object",
  "required": ["models"],
  "additionalProperties": false,
  "properties": {
    "models": {
      "type": "array",
      "items": {
        "type": "object", "required": ["id"], "additionalProperties": false,
        "properties": {
          "id": {"description": "What -m provider/ID names.", "type": "string", "minLength": 1},
          "description": {"type": "string"},
          "context_length": {"type": "integer", "minimum": 1},
          "default": {"description": "The model used when a request names none.", "type": "boolean"}
        }
      }
    }
  }
}
"""#

    static let request = LazySchema(text: requestText)
    static let response = LazySchema(text: responseText)
    static let models = LazySchema(text: modelsText)
}
