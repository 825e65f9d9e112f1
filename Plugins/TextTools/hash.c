/*
 * hash.c — the hash tool: a digest of the text's UTF-8 bytes as lowercase hex.
 */
#include "text_tools.h"

kai_result text_hash(const kai_call *call, const char *text, size_t len)
{
    const kai_output *out = call->output;
    char *algorithm = NULL;
    if (kai_sdk_get_string(call->input, "algorithm", &algorithm, NULL) != KAI_SDK_FOUND) {
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT,
                            "missing string argument \"algorithm\"; expected sha256, sha1, md5, crc32 or fnv1a64");
    }
    const uint8_t *data = (const uint8_t *)text;
    uint8_t digest[32];
    size_t n = 0;
    if (strcmp(algorithm, "sha256") == 0) { text_sha256(data, len, digest); n = 32; }
    else if (strcmp(algorithm, "sha1") == 0) { text_sha1(data, len, digest); n = 20; }
    else if (strcmp(algorithm, "md5") == 0) { text_md5(data, len, digest); n = 16; }
    else if (strcmp(algorithm, "crc32") == 0) {
        const uint32_t v = text_crc32(data, len);
        for (int i = 0; i < 4; i++) digest[i] = (uint8_t)(v >> (24 - 8 * i));
        n = 4;
    } else if (strcmp(algorithm, "fnv1a64") == 0) {
        const uint64_t v = text_fnv1a64(data, len);
        for (int i = 0; i < 8; i++) digest[i] = (uint8_t)(v >> (56 - 8 * i));
        n = 8;
    } else {
        kai_result r = kai_sdk_fail(out, KAI_ERR_INVALID_INPUT,
                                    "unknown algorithm \"%.32s\"; expected sha256, sha1, md5, crc32 or fnv1a64",
                                    algorithm);
        free(algorithm);
        return r;
    }
    char hex[65];
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
    }
    kai_result r = kai_sdk_writef(out, "{\"algorithm\":\"%s\",\"hex\":\"%.*s\"}", algorithm, (int)(2 * n), hex);
    free(algorithm);
    return r;
}
