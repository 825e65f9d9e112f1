/// The manifest describe() writes: constant text, so describe() cannot fail,
/// allocates nothing and gives the same answer every time, as the ABI asks.
///
/// Input schemas are exact (additionalProperties false, enums, ranges) because
/// the host validates arguments against them before invoke(), and models read
/// them to learn the tools. Every tool is pure computation on immutable
/// state, so all declare "concurrency": "parallel".
enum Manifest {
    static let json: StaticString = #"""
    {
      "id": "dev.kai.utils",
      "name": "Kai utilities",
      "version": "1.0.0",
      "abiMinor": 0,
      "description": "Everyday computation a model should not do in its head: arithmetic, JSON lookups, dates and time zones, UUIDs.",
      "configSchema": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "default_timezone": {
            "type": "string",
            "default": "UTC",
            "description": "IANA time zone used by datetime when a call gives no 'timezone', e.g. Europe/Paris."
          }
        }
      },
      "capabilities": [
        {
          "kind": "tool",
          "name": "calculate",
          "title": "Calculator",
          "description": "Evaluates an arithmetic expression exactly as written, in double precision. Operators: + - * / % (remainder, sign of the dividend) ^ (power, right-associative; -2^2 = -4), parentheses. Functions: sqrt abs sin cos tan asin acos atan (radians) ln log10 log2 exp floor ceil round (half away from zero) min max (any number of arguments) hypot(x, y). Constants: pi e tau. Names in 'variables' can be used like constants. Errors give the 0-based position of the problem.",
          "inputSchema": {
            "type": "object",
            "additionalProperties": false,
            "required": ["expression"],
            "properties": {
              "expression": {"type": "string", "minLength": 1, "maxLength": 10000, "description": "e.g. \"2 * (3 + x) ^ 2 / sqrt(16)\""},
              "variables": {
                "type": "object",
                "description": "Values for names used in the expression, e.g. {\"x\": 1.5}.",
                "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
                "additionalProperties": {"type": "number"}
              }
            }
          },
          "outputSchema": {
            "type": "object",
            "required": ["result"],
            "properties": {"result": {"type": "number"}}
          },
          "annotations": {"title": "Calculator", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false},
          "concurrency": "parallel",
          "tags": ["math", "data_analysis", "utility"]
        },
        {
          "kind": "tool",
          "name": "json_query",
          "title": "JSON query",
          "description": "Selects values from a JSON document with a JSONPath subset: $ (root), .key, ['key with spaces'], [index] (negative counts from the end), [start:end] slices, [*] or .* (all children), ..key (at any depth). A path of only keys and indexes returns the single value (found: false and result: null when absent); wildcards, slices and .. return an array of matches. Object members are visited in sorted key order.",
          "inputSchema": {
            "type": "object",
            "additionalProperties": false,
            "required": ["json", "path"],
            "properties": {
              "json": {"description": "The document: any JSON value, or a string holding JSON text when 'parse' is true."},
              "path": {"type": "string", "minLength": 1, "maxLength": 4096, "pattern": "^\\$", "description": "e.g. \"$.items[0].name\", \"$..id\", \"$.rows[-3:]\""},
              "parse": {"type": "boolean", "default": false, "description": "Parse 'json' from a string first."}
            }
          },
          "outputSchema": {
            "type": "object",
            "required": ["found", "result"],
            "properties": {
              "found": {"type": "boolean"},
              "result": {"description": "The selected value, or an array of matches for wildcard, slice and recursive paths."}
            }
          },
          "annotations": {"title": "JSON query", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false},
          "concurrency": "parallel",
          "tags": ["data_analysis", "coding", "utility"]
        },
        {
          "kind": "tool",
          "name": "datetime",
          "title": "Date and time",
          "description": "Current time, time-zone conversion, calendar arithmetic, differences and parsing. Times are ISO 8601 (with an offset, or a wall-clock time read in 'input_timezone'), unix seconds, or \"now\". Actions: now; convert (time -> timezone); add (time + amount unit; days keep the wall-clock time across DST, months and years clamp to the month's end); diff (end - start, as elapsed totals and as calendar parts); parse (text read with input_format). Every time returned has iso8601 (with offset), unix seconds, timezone, utc_offset_seconds, is_dst and weekday, plus 'formatted' when 'format' is given.",
          "inputSchema": {
            "type": "object",
            "additionalProperties": false,
            "required": ["action"],
            "properties": {
              "action": {"enum": ["now", "convert", "add", "diff", "parse"]},
              "time": {"type": ["string", "number"], "description": "convert (required) and add (default now): ISO 8601, unix seconds or \"now\"."},
              "start": {"type": ["string", "number"], "description": "diff: the earlier time."},
              "end": {"type": ["string", "number"], "description": "diff: the later time."},
              "text": {"type": "string", "minLength": 1, "description": "parse: the text to read."},
              "input_format": {"type": "string", "default": "iso8601", "description": "parse: iso8601, rfc2822, unix, or a strftime pattern such as \"%d/%m/%Y %H:%M\"."},
              "amount": {"type": "integer", "minimum": -1000000, "maximum": 1000000, "description": "add: how many units (negative goes back)."},
              "unit": {"enum": ["seconds", "minutes", "hours", "days", "weeks", "months", "years"], "default": "seconds"},
              "timezone": {"type": "string", "description": "IANA zone for results, e.g. Asia/Tokyo; defaults to the plugin's default_timezone."},
              "input_timezone": {"type": "string", "description": "IANA zone for input times without an offset; defaults to 'timezone'."},
              "format": {"type": "string", "description": "Adds 'formatted': iso8601, rfc2822, unix, or a strftime pattern (%Y %y %m %d %e %H %I %M %S %f %p %b %B %a %A %j %z %Z %F %T %R %D %%)."}
            },
            "allOf": [
              {"if": {"properties": {"action": {"const": "convert"}}}, "then": {"required": ["time"]}},
              {"if": {"properties": {"action": {"const": "add"}}}, "then": {"required": ["amount"]}},
              {"if": {"properties": {"action": {"const": "diff"}}}, "then": {"required": ["start", "end"]}},
              {"if": {"properties": {"action": {"const": "parse"}}}, "then": {"required": ["text"]}}
            ]
          },
          "outputSchema": {
            "type": "object",
            "properties": {
              "iso8601": {"type": "string"},
              "unix": {"type": "number"},
              "timezone": {"type": "string"},
              "utc_offset_seconds": {"type": "integer"},
              "is_dst": {"type": "boolean"},
              "weekday": {"type": "string"},
              "formatted": {"type": "string"},
              "start": {"type": "object", "description": "diff: the start as a time object."},
              "end": {"type": "object", "description": "diff: the end as a time object."},
              "seconds": {"type": "number"},
              "minutes": {"type": "number"},
              "hours": {"type": "number"},
              "days": {"type": "number"},
              "weeks": {"type": "number"},
              "calendar": {
                "type": "object",
                "properties": {
                  "years": {"type": "integer"}, "months": {"type": "integer"}, "days": {"type": "integer"},
                  "hours": {"type": "integer"}, "minutes": {"type": "integer"}, "seconds": {"type": "integer"}
                }
              }
            }
          },
          "annotations": {"title": "Date and time", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": false, "openWorldHint": false},
          "concurrency": "parallel",
          "tags": ["utility", "scheduling"]
        },
        {
          "kind": "tool",
          "name": "uuid",
          "title": "UUID generator",
          "description": "Generates random UUIDs: version 4 (random) or version 7 (RFC 9562, starts with the unix time in milliseconds, so they sort by creation time; a batch is strictly increasing).",
          "inputSchema": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "count": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1},
              "version": {"type": "integer", "enum": [4, 7], "default": 4},
              "uppercase": {"type": "boolean", "default": false}
            }
          },
          "outputSchema": {
            "type": "object",
            "required": ["uuids", "version"],
            "properties": {
              "uuids": {"type": "array", "items": {"type": "string", "pattern": "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[47][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$"}},
              "version": {"type": "integer", "enum": [4, 7]}
            }
          },
          "annotations": {"title": "UUID generator", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": false, "openWorldHint": false},
          "concurrency": "parallel",
          "tags": ["utility", "coding"]
        }
      ]
    }
    """#
}
