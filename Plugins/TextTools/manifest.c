/*
 * manifest.c — what describe() writes for the text plugin. A static string:
 * the manifest must not depend on configuration and must be identical on
 * every call (the host caches it by file identity).
 */
#include "text_tools.h"

/* Every tool here is a pure function of its arguments. */
#define TEXT_PURE_ANNOTATIONS \
    "\"annotations\":{\"readOnlyHint\":true,\"destructiveHint\":false," \
    "\"idempotentHint\":true,\"openWorldHint\":false},\"concurrency\":\"parallel\""

/* The "text" argument every tool takes. */
#define TEXT_ARG "\"text\":{\"type\":\"string\",\"description\":\"The input text (UTF-8).\"}"

const char text_manifest_json[] =
    "{\"id\":\"" KAI_TEXT_PLUGIN_ID "\","
    "\"name\":\"Text tools\","
    "\"version\":\"1.0.0\","
    "\"abiMinor\":0,"
    "\"description\":\"Deterministic text utilities: statistics, case and slug transforms, base64 and digests.\","
    "\"configSchema\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
      "\"max_input_bytes\":{\"type\":\"integer\",\"minimum\":1,\"default\":1048576,"
        "\"description\":\"Largest accepted text, in UTF-8 bytes.\"}}},"
    "\"capabilities\":["

    "{\"kind\":\"tool\",\"name\":\"text_stats\",\"title\":\"Text statistics\","
    "\"description\":\"Counts bytes, Unicode characters, words (runs of non-whitespace), lines "
      "(\\\\n, \\\\r\\\\n or \\\\r end a line; a final line break does not start a new line) and the "
      "longest line in characters. sentences is a heuristic: runs of . ! ? followed by whitespace "
      "or the end of the text, plus a final unterminated sentence; abbreviations such as 'e.g. ' "
      "are counted as sentence ends.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{" TEXT_ARG "},"
      "\"required\":[\"text\"],\"additionalProperties\":false},"
    "\"outputSchema\":{\"type\":\"object\",\"properties\":{"
      "\"bytes\":{\"type\":\"integer\",\"minimum\":0},"
      "\"characters\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"Unicode scalar values.\"},"
      "\"words\":{\"type\":\"integer\",\"minimum\":0},"
      "\"lines\":{\"type\":\"integer\",\"minimum\":0},"
      "\"sentences\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"Heuristic count.\"},"
      "\"longest_line\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"In characters, without the line break.\"}},"
      "\"required\":[\"bytes\",\"characters\",\"words\",\"lines\",\"sentences\",\"longest_line\"],"
      "\"additionalProperties\":false},"
    TEXT_PURE_ANNOTATIONS ",\"tags\":[\"text\",\"writing\",\"data_analysis\"]},"

    "{\"kind\":\"tool\",\"name\":\"text_transform\",\"title\":\"Transform text\","
    "\"description\":\"Changes case or shape of text. Case mapping is ASCII-only: other characters "
      "pass through unchanged. snake_case, kebab_case and camel_case split words at non-alphanumeric "
      "characters and at lower-to-upper case changes (helloWorld, HTTPServer). reverse reverses "
      "Unicode characters. trim removes leading and trailing Unicode whitespace. slugify lowercases, "
      "folds Latin-1 accents (e with acute -> e), and joins alphanumeric runs with '-'.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{" TEXT_ARG ","
      "\"mode\":{\"type\":\"string\",\"enum\":[\"upper\",\"lower\",\"title\",\"snake_case\",\"kebab_case\","
        "\"camel_case\",\"reverse\",\"trim\",\"slugify\"]}},"
      "\"required\":[\"text\",\"mode\"],\"additionalProperties\":false},"
    "\"outputSchema\":{\"type\":\"object\",\"properties\":{\"result\":{\"type\":\"string\"}},"
      "\"required\":[\"result\"],\"additionalProperties\":false},"
    TEXT_PURE_ANNOTATIONS ",\"tags\":[\"text\",\"writing\",\"coding\"]},"

    "{\"kind\":\"tool\",\"name\":\"base64\",\"title\":\"Base64 encode or decode\","
    "\"description\":\"Encodes text (its UTF-8 bytes) as base64, or decodes base64 to text. "
      "url_safe selects the RFC 4648 URL alphabet (- and _) and omits padding when encoding. "
      "Decoding ignores ASCII whitespace, accepts missing padding, and fails when the decoded "
      "bytes are not UTF-8 text.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{" TEXT_ARG ","
      "\"action\":{\"type\":\"string\",\"enum\":[\"encode\",\"decode\"]},"
      "\"url_safe\":{\"type\":\"boolean\",\"default\":false}},"
      "\"required\":[\"text\",\"action\"],\"additionalProperties\":false},"
    "\"outputSchema\":{\"type\":\"object\",\"properties\":{\"result\":{\"type\":\"string\"}},"
      "\"required\":[\"result\"],\"additionalProperties\":false},"
    TEXT_PURE_ANNOTATIONS ",\"tags\":[\"text\",\"coding\",\"encoding\"]},"

    "{\"kind\":\"tool\",\"name\":\"hash\",\"title\":\"Digest of text\","
    "\"description\":\"Hashes the UTF-8 bytes of text; returns lowercase hex. crc32 is the zlib/PNG "
      "CRC (8 hex digits); fnv1a64 is 64-bit FNV-1a (16 hex digits). md5 and sha1 are for "
      "checksums, not security.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{" TEXT_ARG ","
      "\"algorithm\":{\"type\":\"string\",\"enum\":[\"sha256\",\"sha1\",\"md5\",\"crc32\",\"fnv1a64\"]}},"
      "\"required\":[\"text\",\"algorithm\"],\"additionalProperties\":false},"
    "\"outputSchema\":{\"type\":\"object\",\"properties\":{"
      "\"algorithm\":{\"type\":\"string\"},"
      "\"hex\":{\"type\":\"string\",\"pattern\":\"^[0-9a-f]+$\"}},"
      "\"required\":[\"algorithm\",\"hex\"],\"additionalProperties\":false},"
    TEXT_PURE_ANNOTATIONS ",\"tags\":[\"text\",\"coding\",\"security\"]}"
    "]}";

const size_t text_manifest_json_len = sizeof text_manifest_json - 1;
