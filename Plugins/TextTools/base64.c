/*
 * base64.c — the base64 tool (RFC 4648: standard and URL-safe alphabets).
 */
#include "text_tools.h"

static const char std_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static kai_result encode(const kai_output *out, const uint8_t *src, size_t len, bool url_safe)
{
    const char *abc = url_safe ? url_alphabet : std_alphabet;
    if (len > (SIZE_MAX / 4) * 3 - 3) return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "text is too long to encode");
    char *dst = malloc(len / 3 * 4 + 5);
    if (!dst) return kai_sdk_fail(out, KAI_ERR_INTERNAL, "out of memory encoding %zu bytes", len);
    size_t n = 0, i = 0;
    for (; i + 3 <= len; i += 3) {
        const uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 | src[i + 2];
        dst[n++] = abc[v >> 18];
        dst[n++] = abc[(v >> 12) & 63];
        dst[n++] = abc[(v >> 6) & 63];
        dst[n++] = abc[v & 63];
    }
    if (i < len) {
        const uint32_t v = (uint32_t)src[i] << 16 | (i + 1 < len ? (uint32_t)src[i + 1] << 8 : 0);
        dst[n++] = abc[v >> 18];
        dst[n++] = abc[(v >> 12) & 63];
        if (i + 1 < len) dst[n++] = abc[(v >> 6) & 63];
        else if (!url_safe) dst[n++] = '=';
        if (!url_safe) dst[n++] = '=';
    }
    kai_result r = text_write_result(out, dst, n);
    free(dst);
    return r;
}

static int sextet(char c, bool url_safe)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == (url_safe ? '-' : '+')) return 62;
    if (c == (url_safe ? '_' : '/')) return 63;
    return -1;
}

/* Names the character at byte `at` of `text` for an error message; the
 * position is counted in characters, as a user would count. */
static kai_result bad_char(const kai_output *out, const char *text, size_t len, size_t at, bool url_safe, const char *why)
{
    size_t pos = 0;
    for (size_t i = 0; i < at; i++) pos += ((unsigned char)text[i] & 0xC0) != 0x80;
    uint32_t c = 0;
    size_t k = kai_sdk_utf8_decode(text + at, len - at, &c);
    if (k == 0) k = 1;
    const char *hint = url_safe ? "the URL-safe alphabet is A-Z a-z 0-9 - _ (set url_safe false for + /)"
                                : "the standard alphabet is A-Z a-z 0-9 + / (set url_safe true for - _)";
    /* The alphabet hint helps only when the character itself is wrong. */
    if (strcmp(why, "character") != 0) hint = "padding '=' may only end the input";
    if (c < 0x20 || c == 0x7F) {
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "invalid base64: %s U+%04X at position %zu; %s",
                            why, (unsigned)c, pos, hint);
    }
    return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "invalid base64: %s '%.*s' at position %zu; %s",
                        why, (int)k, text + at, pos, hint);
}

static kai_result decode(const kai_output *out, const char *text, size_t len, bool url_safe)
{
    uint8_t *dst = malloc(len / 4 * 3 + 3);
    if (!dst) return kai_sdk_fail(out, KAI_ERR_INTERNAL, "out of memory decoding %zu bytes", len);
    size_t n = 0, digits = 0, pad = 0;
    uint32_t acc = 0;
    kai_result r = KAI_OK;
    for (size_t i = 0; i < len && r == KAI_OK; i++) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue; /* line-wrapped input */
        if (c == '=') {
            /* Padding only completes a group of 2 or 3 digits. */
            if (digits % 4 < 2 || (digits + pad) % 4 == 0) r = bad_char(out, text, len, i, url_safe, "unexpected padding");
            else pad++;
            continue;
        }
        const int v = sextet(c, url_safe);
        if (v < 0) r = bad_char(out, text, len, i, url_safe, "character");
        else if (pad) r = bad_char(out, text, len, i, url_safe, "data after padding,");
        else {
            acc = acc << 6 | (uint32_t)v;
            if (++digits % 4 == 0) {
                dst[n++] = (uint8_t)(acc >> 16);
                dst[n++] = (uint8_t)(acc >> 8);
                dst[n++] = (uint8_t)acc;
                acc = 0;
            }
        }
    }
    if (r == KAI_OK && digits % 4 == 1) {
        r = kai_sdk_fail(out, KAI_ERR_INVALID_INPUT,
                         "invalid base64: %zu digits leave a lone final digit; the input is truncated", digits);
    } else if (r == KAI_OK && pad && (digits + pad) % 4 != 0) {
        r = kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "invalid base64: incomplete padding at the end");
    }
    if (r == KAI_OK && digits % 4 == 2) dst[n++] = (uint8_t)(acc >> 4);
    if (r == KAI_OK && digits % 4 == 3) {
        dst[n++] = (uint8_t)(acc >> 10);
        dst[n++] = (uint8_t)(acc >> 2);
    }
    size_t bad = 0;
    if (r == KAI_OK && !kai_sdk_utf8_valid((const char *)dst, n, &bad)) {
        r = kai_sdk_fail(out, KAI_ERR_INVALID_INPUT,
                         "the decoded bytes are not valid UTF-8 (first invalid byte 0x%02X at offset %zu); "
                         "this tool returns text only",
                         dst[bad], bad);
    }
    if (r == KAI_OK) r = text_write_result(out, (const char *)dst, n);
    free(dst);
    return r;
}

kai_result text_base64(const kai_call *call, const char *text, size_t len)
{
    const kai_output *out = call->output;
    char *action = NULL;
    bool url_safe = false;
    kai_sdk_status st = kai_sdk_get_bool(call->input, "url_safe", &url_safe);
    if (st != KAI_SDK_FOUND && st != KAI_SDK_MISSING) {
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "argument \"url_safe\" must be true or false");
    }
    if (kai_sdk_get_string(call->input, "action", &action, NULL) != KAI_SDK_FOUND) {
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "missing string argument \"action\"; expected encode or decode");
    }
    kai_result r;
    if (strcmp(action, "encode") == 0) r = encode(out, (const uint8_t *)text, len, url_safe);
    else if (strcmp(action, "decode") == 0) r = decode(out, text, len, url_safe);
    else r = kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "unknown action \"%.32s\"; expected encode or decode", action);
    free(action);
    return r;
}
