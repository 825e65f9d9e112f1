/*
 * text_tools.h — internal interface of the bundled text plugin (dev.kai.text).
 * Not installed, not part of the SDK: only this plugin's .c files include it.
 */
#ifndef TEXT_TOOLS_H
#define TEXT_TOOLS_H

#include <kai/kai_sdk.h>

/** The plugin id; the benchmark builds copies under other ids with
 *  -DKAI_TEXT_PLUGIN_ID='"dev.kai.text.copy7"'. */
#ifndef KAI_TEXT_PLUGIN_ID
#define KAI_TEXT_PLUGIN_ID "dev.kai.text"
#endif

/** The manifest describe() writes (manifest.c). */
extern const char text_manifest_json[];
extern const size_t text_manifest_json_len;

/**
 * One tool. `text` is the decoded "text" argument (valid UTF-8, NUL-terminated,
 * already checked against max_input_bytes); `args` is the whole arguments
 * object for the tool's other members. Both are borrowed for the call.
 * Returns a kai_result, having written the result or the error details.
 */
typedef kai_result (*text_tool_fn)(const kai_call *call, const char *text, size_t len);

kai_result text_stats(const kai_call *call, const char *text, size_t len);
kai_result text_transform(const kai_call *call, const char *text, size_t len);
kai_result text_base64(const kai_call *call, const char *text, size_t len);
kai_result text_hash(const kai_call *call, const char *text, size_t len);

/** True for Unicode White_Space scalars (ASCII and the Zs/Zl/Zp set). */
bool text_is_space(uint32_t c);

/** Writes {"result": "<s, JSON-escaped>"}: the output of transform and base64. */
kai_result text_write_result(const kai_output *out, const char *s, size_t len);

/* Message digests (digest.c). Each hashes data[0..len) in one shot. */
void text_sha256(const uint8_t *data, size_t len, uint8_t digest[32]);
void text_sha1(const uint8_t *data, size_t len, uint8_t digest[20]);
void text_md5(const uint8_t *data, size_t len, uint8_t digest[16]);
uint32_t text_crc32(const uint8_t *data, size_t len);
uint64_t text_fnv1a64(const uint8_t *data, size_t len);

#endif /* TEXT_TOOLS_H */
