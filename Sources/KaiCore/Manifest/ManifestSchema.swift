// The manifest schema, embedded so the host needs no files at run time.
// It must equal plugin-sdk/schema/manifest.schema.json (a test checks this):
// edit that file, then paste it here.
public enum ManifestSchema {
    /// Bumped whenever the schema accepts less than before (2: unknown keys in
    /// a capability are rejected). Part of the scan cache's key, because a
    /// cached manifest is trusted without a schema check.
    public static let revision = 2

    public static let text = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://kai.dev/schema/plugin-manifest-1.json",
  "title": "Kai plugin manifest, ABI 1",
  "description": "What a plugin's describe() writes. Field names follow MCP's tool descriptor so tools map one-to-one onto MCP, OpenAI and Anthropic tool definitions.",
  "type": "object",
  "required": ["id", "version", "abiMinor", "capabilities"],
  "additionalProperties": false,
  "properties": {
    "id": {
      "description": "Reverse-DNS identifier, unique across plugins, e.g. \"dev.kai.text\".",
      "type": "string",
      "pattern": "^[a-z][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)+$",
      "maxLength": 128
    },
    "name": {"description": "Display name.", "type": "string", "maxLength": 128},
    "version": {
      "description": "Semantic version of the plugin.",
      "type": "string",
      "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$"
    },
    "abiMinor": {"description": "The ABI minor the plugin targets; equals the descriptor's abi_minor.", "type": "integer", "minimum": 0},
    "description": {"type": "string"},
    "network": {
      "description": "The plugin needs the network. Under isolation: sandbox a worker gets the host's network namespace only when this is true; otherwise it has none.",
      "type": "boolean",
      "default": false
    },
    "configSchema": {
      "description": "JSON Schema for the operator's configuration of this plugin. Defaults in it are filled in before create().",
      "$ref": "#/$defs/objectSchema"
    },
    "capabilities": {
      "type": "array",
      "minItems": 1,
      "items": {"$ref": "#/$defs/capability"}
    }
  },
  "$defs": {
    "objectSchema": {
      "type": "object",
      "required": ["type"],
      "properties": {"type": {"const": "object"}}
    },
    "capability": {
      "description": "One tool, agent or provider. Unknown keys are rejected, so a misspelt \"concurrency\" or \"outputSchema\" fails loading instead of silently falling back to the default.",
      "type": "object",
      "required": ["kind", "name", "description"],
      "additionalProperties": false,
      "properties": {
        "kind": {"enum": ["tool", "agent", "provider"]},
        "name": {
          "description": "Unique within the plugin; callers may qualify it as \"<plugin id>.<name>\".",
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
        },
        "title": {"type": "string"},
        "description": {"type": "string", "minLength": 1},
        "inputSchema": {"$ref": "#/$defs/objectSchema"},
        "outputSchema": {"$ref": "#/$defs/objectSchema"},
        "annotations": {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "title": {"type": "string"},
            "readOnlyHint": {"type": "boolean"},
            "destructiveHint": {"type": "boolean"},
            "idempotentHint": {"type": "boolean"},
            "openWorldHint": {"type": "boolean"}
          }
        },
        "concurrency": {
          "description": "\"parallel\": calls on one instance may run concurrently; \"serial\": the host serializes them. Default: serial, except providers of abiMinor 1 or later (parallel).",
          "enum": ["parallel", "serial"]
        },
        "streaming": {"description": "Emits events to kai_call.events.", "type": "boolean"},
        "tags": {
          "description": "Capability tags the registry uses for discovery, e.g. research, coding, data_analysis, writing.",
          "type": "array",
          "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
          "uniqueItems": true
        },
        "models": {
          "description": "Providers: the model names this provider serves.",
          "type": "array",
          "items": {"type": "string", "minLength": 1}
        }
      },
      "allOf": [
        {
          "if": {"properties": {"kind": {"const": "tool"}}},
          "then": {"required": ["inputSchema"]}
        }
      ]
    }
  }
}
"""#
}
