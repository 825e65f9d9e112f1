/*
 * kai_sdk.h — optional header-only helpers for plugins written in C.
 *
 * NOT part of the ABI: nothing here crosses the boundary, kai_plugin.h never
 * includes this file, and a plugin may ignore it entirely. Every function is
 * `static inline`, so a plugin carries its own copy and no symbol is exported.
 *
 * What is here:
 *   - reading members of the JSON arguments object (kai_sdk_find,
 *     kai_sdk_get_string/_double/_int64/_bool, kai_sdk_array_next);
 *   - writing results (kai_sdk_write, kai_sdk_write_json_string,
 *     kai_sdk_writef) and errors (kai_sdk_fail);
 *   - a growable kai_output that collects bytes in memory (kai_sdk_buffer),
 *     e.g. for the result of host->call_tool;
 *   - kai_sdk_now_ns / kai_sdk_should_stop for deadlines and cancellation;
 *   - kai_sdk_utf8_valid and kai_sdk_log.
 *
 * Include it FIRST in a translation unit built with -std=c11: it needs POSIX
 * clocks (CLOCK_MONOTONIC), which glibc hides in strict C11 unless
 * _POSIX_C_SOURCE is defined before the first system header.
 *
 * Thread rule for all helpers: they keep no state of their own, so they are
 * as thread-safe as the kai_output / kai_host they are given.
 */
#ifndef KAI_SDK_H
#define KAI_SDK_H

#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kai_plugin.h"

#ifndef CLOCK_MONOTONIC
#error "kai_sdk.h needs CLOCK_MONOTONIC: include <kai/kai_sdk.h> before any system header, or compile with -D_POSIX_C_SOURCE=200809L"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define KAI_SDK_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define KAI_SDK_PRINTF(fmt_index, first_arg)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Nesting limit of the JSON reader: deeper input is treated as malformed
 *  rather than risking the stack. */
#define KAI_SDK_MAX_DEPTH 128

/** Outcome of the typed getters (kai_sdk_get_*). */
typedef enum kai_sdk_status {
    KAI_SDK_FOUND = 0,        /**< the member exists and has the wanted type */
    KAI_SDK_MISSING,          /**< no such member */
    KAI_SDK_WRONG_TYPE,       /**< the member exists but is not the wanted type */
    KAI_SDK_OUT_OF_RANGE,     /**< a number that does not fit the wanted C type */
    KAI_SDK_MALFORMED,        /**< the document is not a JSON object, or invalid */
    KAI_SDK_NO_MEMORY         /**< malloc failed */
} kai_sdk_status;

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Decodes one UTF-8 scalar at s[0..len). Rejects overlong forms, surrogates,
 * values above U+10FFFF and truncated sequences.
 * Returns: the sequence length (1..4) and sets *scalar, or 0 when invalid
 *          (or len == 0).
 */
static inline size_t kai_sdk_utf8_decode(const char *s, size_t len, uint32_t *scalar)
{
    const unsigned char *p = (const unsigned char *)s;
    if (len == 0) return 0;
    if (p[0] < 0x80) { *scalar = p[0]; return 1; }
    size_t n;
    uint32_t c, min;
    if ((p[0] & 0xE0) == 0xC0) { n = 2; c = p[0] & 0x1Fu; min = 0x80; }
    else if ((p[0] & 0xF0) == 0xE0) { n = 3; c = p[0] & 0x0Fu; min = 0x800; }
    else if ((p[0] & 0xF8) == 0xF0) { n = 4; c = p[0] & 0x07u; min = 0x10000; }
    else return 0;
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *scalar = c;
    return n;
}

/**
 * True when s[0..len) is entirely valid UTF-8. On false, *bad_offset (if not
 * NULL) is the byte offset of the first invalid sequence.
 */
static inline bool kai_sdk_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    size_t i = 0;
    while (i < len) {
        uint32_t c;
        size_t n = kai_sdk_utf8_decode(s + i, len - i, &c);
        if (n == 0) {
            if (bad_offset) *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

/** Encodes `c` (<= U+10FFFF) as UTF-8 into buf[0..4). Returns the length. */
static inline size_t kai_sdk_utf8_encode(uint32_t c, char buf[4])
{
    if (c < 0x80) { buf[0] = (char)c; return 1; }
    if (c < 0x800) {
        buf[0] = (char)(0xC0 | (c >> 6));
        buf[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        buf[0] = (char)(0xE0 | (c >> 12));
        buf[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (c >> 18));
    buf[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* ------------------------------------------------------------------------ */
/* Reading JSON. Internal scanners return a pointer just past what they     */
/* scanned, or NULL when the text is malformed; none reads past `end`.      */
/* ------------------------------------------------------------------------ */

static inline const char *kai_sdk__ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static inline int kai_sdk__hex(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Reads the 4 hex digits of a \u escape at p (after the "\u"). */
static inline bool kai_sdk__hex4(const char *p, const char *end, uint32_t *out)
{
    if (end - p < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = kai_sdk__hex(p[i]);
        if (h < 0) return false;
        v = (v << 4) | (uint32_t)h;
    }
    *out = v;
    return true;
}

/* p points at the opening quote. Validates escapes and rejects raw control
 * characters, as RFC 8259 requires. */
static inline const char *kai_sdk__skip_string(const char *p, const char *end)
{
    if (p >= end || *p != '"') return NULL;
    p++;
    while (p < end) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"') return p + 1;
        if (ch < 0x20) return NULL;
        if (ch != '\\') { p++; continue; }
        if (end - p < 2) return NULL;
        switch (p[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p += 2;
            break;
        case 'u': {
            uint32_t unused;
            if (!kai_sdk__hex4(p + 2, end, &unused)) return NULL;
            p += 6;
            break;
        }
        default:
            return NULL;
        }
    }
    return NULL; /* unterminated */
}

/* RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static inline const char *kai_sdk__skip_number(const char *p, const char *end)
{
    if (p < end && *p == '-') p++;
    if (p >= end) return NULL;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') { while (p < end && *p >= '0' && *p <= '9') p++; }
    else return NULL;
    if (p < end && *p == '.') {
        p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    return p;
}

static inline const char *kai_sdk__skip_literal(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - p) < n || memcmp(p, word, n) != 0) return NULL;
    return p + n;
}

/* p points at the first byte of a value (no leading whitespace). */
static inline const char *kai_sdk__skip_value(const char *p, const char *end, int depth)
{
    if (p >= end || depth > KAI_SDK_MAX_DEPTH) return NULL;
    switch (*p) {
    case '"': return kai_sdk__skip_string(p, end);
    case 't': return kai_sdk__skip_literal(p, end, "true");
    case 'f': return kai_sdk__skip_literal(p, end, "false");
    case 'n': return kai_sdk__skip_literal(p, end, "null");
    case '[': case '{': {
        const char close = *p == '[' ? ']' : '}';
        const bool object = close == '}';
        p = kai_sdk__ws(p + 1, end);
        if (p < end && *p == close) return p + 1;
        for (;;) {
            if (object) {
                p = kai_sdk__skip_string(p, end);
                if (!p) return NULL;
                p = kai_sdk__ws(p, end);
                if (p >= end || *p != ':') return NULL;
                p = kai_sdk__ws(p + 1, end);
            }
            p = kai_sdk__skip_value(p, end, depth + 1);
            if (!p) return NULL;
            p = kai_sdk__ws(p, end);
            if (p >= end) return NULL;
            if (*p == close) return p + 1;
            if (*p != ',') return NULL;
            p = kai_sdk__ws(p + 1, end);
        }
    }
    default:
        return kai_sdk__skip_number(p, end);
    }
}

/*
 * Decodes the JSON string token at raw[0..len) (quotes included, already
 * validated by kai_sdk__skip_string) into dst, which must hold len bytes:
 * decoding never grows a string. A lone surrogate escape becomes U+FFFD.
 * Returns the decoded length.
 */
static inline size_t kai_sdk__unescape(const char *raw, size_t len, char *dst)
{
    const char *p = raw + 1, *end = raw + len - 1;
    size_t n = 0;
    while (p < end) {
        if (*p != '\\') { dst[n++] = *p++; continue; }
        char e = p[1];
        p += 2;
        switch (e) {
        case 'b': dst[n++] = '\b'; break;
        case 'f': dst[n++] = '\f'; break;
        case 'n': dst[n++] = '\n'; break;
        case 'r': dst[n++] = '\r'; break;
        case 't': dst[n++] = '\t'; break;
        case 'u': {
            uint32_t c = 0, lo = 0;
            (void)kai_sdk__hex4(p, end, &c);
            p += 4;
            if (c >= 0xD800 && c <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u'
                && kai_sdk__hex4(p + 2, end, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (c >= 0xD800 && c <= 0xDFFF) {
                c = 0xFFFD;
            }
            n += kai_sdk_utf8_encode(c, dst + n);
            break;
        }
        default: dst[n++] = e; break; /* " \ / */
        }
    }
    return n;
}

/* Looks `key` up in the object `json`; the last duplicate wins, as in most
 * JSON parsers. Validates the whole document, so a member found in a
 * document that turns out malformed further on is not reported. */
static inline kai_sdk_status kai_sdk__find(kai_str json, const char *key, kai_str *value_out)
{
    if (json.data == NULL || key == NULL) return KAI_SDK_MALFORMED;
    const char *p = json.data, *end = json.data + json.len;
    const size_t key_len = strlen(key);
    bool found = false;
    kai_str value = {NULL, 0};
    p = kai_sdk__ws(p, end);
    if (p >= end || *p != '{') return KAI_SDK_MALFORMED;
    p = kai_sdk__ws(p + 1, end);
    if (p < end && *p == '}') {
        p++;
    } else {
        for (;;) {
            const char *k = p;
            p = kai_sdk__skip_string(p, end);
            if (!p) return KAI_SDK_MALFORMED;
            const size_t raw_len = (size_t)(p - k);
            bool match;
            if (memchr(k, '\\', raw_len) == NULL) {
                match = raw_len - 2 == key_len && memcmp(k + 1, key, key_len) == 0;
            } else {
                char *tmp = (char *)malloc(raw_len);
                if (!tmp) return KAI_SDK_NO_MEMORY;
                size_t n = kai_sdk__unescape(k, raw_len, tmp);
                match = n == key_len && memcmp(tmp, key, key_len) == 0;
                free(tmp);
            }
            p = kai_sdk__ws(p, end);
            if (p >= end || *p != ':') return KAI_SDK_MALFORMED;
            p = kai_sdk__ws(p + 1, end);
            const char *v = p;
            p = kai_sdk__skip_value(p, end, 1);
            if (!p) return KAI_SDK_MALFORMED;
            if (match) {
                found = true;
                value.data = v;
                value.len = (size_t)(p - v);
            }
            p = kai_sdk__ws(p, end);
            if (p >= end) return KAI_SDK_MALFORMED;
            if (*p == '}') { p++; break; }
            if (*p != ',') return KAI_SDK_MALFORMED;
            p = kai_sdk__ws(p + 1, end);
        }
    }
    if (kai_sdk__ws(p, end) != end) return KAI_SDK_MALFORMED; /* trailing bytes */
    if (!found) return KAI_SDK_MISSING;
    if (value_out) *value_out = value;
    return KAI_SDK_FOUND;
}

/**
 * Finds the top-level member `key` (NUL-terminated, unescaped) of the JSON
 * object `json`.
 *
 * Ownership: *value_out points INTO `json` (the raw JSON text of the value,
 *            e.g. `"a\"b"`, `[1,2]`, `{...}`, `12.5`), so it is valid exactly
 *            as long as `json` is. Nothing is allocated except briefly for
 *            keys written with escapes.
 * Returns:   true when found. False when absent, when `json` is not one
 *            well-formed JSON object (nothing is read past json.len), or
 *            when memory ran out; use the kai_sdk_get_* functions to tell
 *            these apart.
 */
static inline bool kai_sdk_find(kai_str json, const char *key, kai_str *value_out)
{
    return kai_sdk__find(json, key, value_out) == KAI_SDK_FOUND;
}

/**
 * Reads the string member `key` and decodes its escapes (including \uXXXX and
 * surrogate pairs; a lone surrogate becomes U+FFFD) into a new buffer.
 *
 * Ownership: on KAI_SDK_FOUND, *out is a malloc'd, NUL-terminated buffer the
 *            CALLER frees with free(); *out_len (if not NULL) is its length
 *            without the terminator — use it, as the text may contain
 *            "\u0000". On any other status *out is set to NULL.
 * Returns:   KAI_SDK_FOUND; KAI_SDK_WRONG_TYPE when not a string or when its
 *            raw bytes are not valid UTF-8; KAI_SDK_MISSING; KAI_SDK_MALFORMED;
 *            KAI_SDK_NO_MEMORY.
 */
static inline kai_sdk_status kai_sdk_get_string(kai_str json, const char *key, char **out, size_t *out_len)
{
    kai_str v;
    *out = NULL;
    kai_sdk_status st = kai_sdk__find(json, key, &v);
    if (st != KAI_SDK_FOUND) return st;
    if (v.data[0] != '"') return KAI_SDK_WRONG_TYPE;
    if (!kai_sdk_utf8_valid(v.data, v.len, NULL)) return KAI_SDK_WRONG_TYPE;
    char *buf = (char *)malloc(v.len); /* >= decoded length + 1: the quotes go */
    if (!buf) return KAI_SDK_NO_MEMORY;
    size_t n = kai_sdk__unescape(v.data, v.len, buf);
    buf[n] = '\0';
    *out = buf;
    if (out_len) *out_len = n;
    return KAI_SDK_FOUND;
}

/* Copies the number token v into a NUL-terminated buffer for strtod. */
static inline kai_sdk_status kai_sdk__number_to_double(kai_str v, double *out)
{
    char small[64];
    char *buf = small;
    if (v.len >= sizeof small) {
        buf = (char *)malloc(v.len + 1);
        if (!buf) return KAI_SDK_NO_MEMORY;
    }
    memcpy(buf, v.data, v.len);
    buf[v.len] = '\0';
    errno = 0;
    /* strtod honours LC_NUMERIC; hosts run in the "C" locale. */
    double d = strtod(buf, NULL);
    const int err = errno;
    if (buf != small) free(buf);
    if (err == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL)) return KAI_SDK_OUT_OF_RANGE;
    *out = d; /* underflow to 0 or a subnormal is fine */
    return KAI_SDK_FOUND;
}

/* Shared by the number getters: the member must be a JSON number token. */
static inline kai_sdk_status kai_sdk__find_number(kai_str json, const char *key, kai_str *v)
{
    kai_sdk_status st = kai_sdk__find(json, key, v);
    if (st != KAI_SDK_FOUND) return st;
    if (v->data[0] != '-' && (v->data[0] < '0' || v->data[0] > '9')) return KAI_SDK_WRONG_TYPE;
    return KAI_SDK_FOUND;
}

/**
 * Reads the number member `key` as a double.
 * Returns: KAI_SDK_FOUND and sets *out; KAI_SDK_OUT_OF_RANGE when it
 *          overflows a double (e.g. 1e999); KAI_SDK_WRONG_TYPE; KAI_SDK_MISSING;
 *          KAI_SDK_MALFORMED; KAI_SDK_NO_MEMORY. *out is untouched on failure.
 */
static inline kai_sdk_status kai_sdk_get_double(kai_str json, const char *key, double *out)
{
    kai_str v;
    kai_sdk_status st = kai_sdk__find_number(json, key, &v);
    return st == KAI_SDK_FOUND ? kai_sdk__number_to_double(v, out) : st;
}

/**
 * Reads the number member `key` as an exact int64_t. Like JSON Schema's
 * "integer", 3.0 and 3e2 are integers; 3.5 is KAI_SDK_WRONG_TYPE.
 * Returns: KAI_SDK_FOUND and sets *out; KAI_SDK_OUT_OF_RANGE outside int64_t;
 *          otherwise as kai_sdk_get_double. *out is untouched on failure.
 */
static inline kai_sdk_status kai_sdk_get_int64(kai_str json, const char *key, int64_t *out)
{
    kai_str v;
    kai_sdk_status st = kai_sdk__find_number(json, key, &v);
    if (st != KAI_SDK_FOUND) return st;
    if (memchr(v.data, '.', v.len) || memchr(v.data, 'e', v.len) || memchr(v.data, 'E', v.len)) {
        double d;
        st = kai_sdk__number_to_double(v, &d);
        if (st != KAI_SDK_FOUND) return st;
        /* -2^63 is exact as a double; 2^63 is the first value too large. */
        if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) return KAI_SDK_OUT_OF_RANGE;
        /* In range, so the cast is defined; a fraction does not survive it.
         * (No floor(): plugins built with plain cc need not link libm.) */
        if ((double)(int64_t)d != d) return KAI_SDK_WRONG_TYPE;
        *out = (int64_t)d;
        return KAI_SDK_FOUND;
    }
    /* Plain digits: accumulate as a negative number so INT64_MIN fits. */
    const bool neg = v.data[0] == '-';
    int64_t acc = 0;
    for (size_t i = neg ? 1 : 0; i < v.len; i++) {
        int digit = v.data[i] - '0';
        if (acc < (INT64_MIN + digit) / 10) return KAI_SDK_OUT_OF_RANGE;
        acc = acc * 10 - digit;
    }
    if (!neg) {
        if (acc == INT64_MIN) return KAI_SDK_OUT_OF_RANGE;
        acc = -acc;
    }
    *out = acc;
    return KAI_SDK_FOUND;
}

/**
 * Reads the boolean member `key`.
 * Returns: KAI_SDK_FOUND and sets *out; KAI_SDK_WRONG_TYPE; KAI_SDK_MISSING;
 *          KAI_SDK_MALFORMED. *out is untouched on failure.
 */
static inline kai_sdk_status kai_sdk_get_bool(kai_str json, const char *key, bool *out)
{
    kai_str v;
    kai_sdk_status st = kai_sdk__find(json, key, &v);
    if (st != KAI_SDK_FOUND) return st;
    if (v.len == 4 && memcmp(v.data, "true", 4) == 0) { *out = true; return KAI_SDK_FOUND; }
    if (v.len == 5 && memcmp(v.data, "false", 5) == 0) { *out = false; return KAI_SDK_FOUND; }
    return KAI_SDK_WRONG_TYPE;
}

/**
 * Iterates over the elements of the JSON array `array` (e.g. a value from
 * kai_sdk_find). Start with *pos = 0 and call until it returns 0:
 *
 *     size_t pos = 0; kai_str item; int r;
 *     while ((r = kai_sdk_array_next(arr, &pos, &item)) > 0) { ... }
 *     if (r < 0) ... malformed ...
 *
 * The first call validates the whole array, so a malformed array yields -1
 * before any element.
 *
 * Ownership: *element points INTO `array` (raw JSON text of the element).
 * Returns:   1 and sets *element; 0 after the last element; -1 when `array`
 *            is not one well-formed JSON array or *pos is not a position this
 *            function produced.
 */
static inline int kai_sdk_array_next(kai_str array, size_t *pos, kai_str *element)
{
    if (array.data == NULL) return -1;
    const char *end = array.data + array.len;
    const char *p;
    if (*pos == 0) {
        p = kai_sdk__ws(array.data, end);
        const char *after = kai_sdk__skip_value(p, end, 0);
        if (!after || *p != '[' || kai_sdk__ws(after, end) != end) return -1;
        p = kai_sdk__ws(p + 1, end);
    } else {
        if (*pos > array.len) return -1;
        p = kai_sdk__ws(array.data + *pos, end);
        if (p >= end) return -1;
        if (*p == ',') p = kai_sdk__ws(p + 1, end);
        else if (*p != ']') return -1;
    }
    if (p >= end) return -1;
    if (*p == ']') {
        *pos = (size_t)(p - array.data);
        return 0;
    }
    const char *after = kai_sdk__skip_value(p, end, 1);
    if (!after) return -1;
    element->data = p;
    element->len = (size_t)(after - p);
    *pos = (size_t)(after - array.data);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

/**
 * Writes the NUL-terminated `s` through out->write.
 * Returns: out->write's result (KAI_ERR_INVALID_INPUT when the host's output
 *          limit is reached: stop and return that code).
 */
static inline kai_result kai_sdk_write(const kai_output *out, const char *s)
{
    return out->write(out, s, strlen(s));
}

/**
 * Writes s[0..len) as one JSON string token, quotes included: escapes `"`,
 * `\` and every control character below 0x20. Bytes that are not valid UTF-8
 * are written as U+FFFD, so the output is always valid JSON text.
 * Returns: KAI_OK or the first failing out->write result.
 */
static inline kai_result kai_sdk_write_json_string(const kai_output *out, const char *s, size_t len)
{
    /* Bytes are staged so a long string costs a few write calls, not one per
     * byte; 16 bytes of headroom fit the longest escape. */
    char buf[256];
    size_t n = 0;
    kai_result r;
    buf[n++] = '"';
    size_t i = 0;
    while (i < len) {
        if (n > sizeof buf - 16) {
            if ((r = out->write(out, buf, n)) != KAI_OK) return r;
            n = 0;
        }
        const unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x80 && ch != '"' && ch != '\\') { buf[n++] = (char)ch; i++; continue; }
        if (ch >= 0x80) {
            uint32_t c;
            size_t k = kai_sdk_utf8_decode(s + i, len - i, &c);
            if (k == 0) { memcpy(buf + n, "\xEF\xBF\xBD", 3); n += 3; i++; }
            else { memcpy(buf + n, s + i, k); n += k; i += k; }
            continue;
        }
        buf[n++] = '\\';
        switch (ch) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '\n': buf[n++] = 'n'; break;
        case '\r': buf[n++] = 'r'; break;
        case '\t': buf[n++] = 't'; break;
        case '\b': buf[n++] = 'b'; break;
        case '\f': buf[n++] = 'f'; break;
        default:
            n += (size_t)snprintf(buf + n, sizeof buf - n, "u%04x", (unsigned)ch);
            break;
        }
        i++;
    }
    buf[n++] = '"';
    return out->write(out, buf, n);
}

/* Formats into a malloc'd buffer or `small`; returns NULL on failure. The
 * caller frees the result when it is not `small`. */
static inline char *kai_sdk__vformat(char *small, size_t small_size, size_t *len_out,
                                     const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, small_size, fmt, ap);
    if (n < 0) { va_end(again); return NULL; }
    char *buf = small;
    if ((size_t)n >= small_size) {
        buf = (char *)malloc((size_t)n + 1);
        if (buf && vsnprintf(buf, (size_t)n + 1, fmt, again) != n) { free(buf); buf = NULL; }
    }
    va_end(again);
    if (buf) *len_out = (size_t)n;
    return buf;
}

/**
 * printf-style write through out->write. Not JSON-aware: use %s only for text
 * known to need no escaping (use kai_sdk_write_json_string otherwise). Use
 * "%.17g" for doubles that must round-trip, and never print NaN/Infinity,
 * which JSON cannot represent.
 * Returns: out->write's result, or KAI_ERR_INTERNAL when formatting or
 *          allocation failed.
 */
static inline kai_result kai_sdk_writef(const kai_output *out, const char *fmt, ...) KAI_SDK_PRINTF(2, 3);
static inline kai_result kai_sdk_writef(const kai_output *out, const char *fmt, ...)
{
    char small[256];
    size_t len = 0;
    va_list ap;
    va_start(ap, fmt);
    char *buf = kai_sdk__vformat(small, sizeof small, &len, fmt, ap);
    va_end(ap);
    if (!buf) return KAI_ERR_INTERNAL;
    kai_result r = out->write(out, buf, len);
    if (buf != small) free(buf);
    return r;
}

/* ------------------------------------------------------------------------ */
/* An in-memory kai_output                                                  */
/* ------------------------------------------------------------------------ */

/**
 * A kai_output that collects written bytes and error details in memory —
 * e.g. to receive a child's result from host->call_tool, or to build a JSON
 * text before handing it to set_error.
 *
 *     kai_sdk_buffer b; kai_sdk_buffer_init(&b);
 *     kai_result r = host->call_tool(host, call, name, args, &b.output);
 *     ... b.data[0..b.len) is the result, b.error[0..b.error_len) the details
 *     kai_sdk_buffer_free(&b);
 *
 * Ownership: data and error are owned by the buffer (NUL-terminated, or NULL
 *            while empty) until kai_sdk_buffer_free.
 * Threads:   one writer at a time, like any kai_output ([call-thread]).
 */
typedef struct kai_sdk_buffer {
    kai_output output;   /* pass &buffer.output wherever a kai_output is wanted */
    char *data;
    size_t len, cap;
    char *error;
    size_t error_len;
} kai_sdk_buffer;

static inline bool kai_sdk__grow(char **data, size_t *cap, size_t need)
{
    if (need <= *cap) return true;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need) {
        if (cap2 > SIZE_MAX / 2) return false;
        cap2 *= 2;
    }
    char *p = (char *)realloc(*data, cap2);
    if (!p) return false;
    *data = p;
    *cap = cap2;
    return true;
}

static inline kai_result kai_sdk__buffer_write(const kai_output *self, const char *data, size_t len)
{
    kai_sdk_buffer *b = (kai_sdk_buffer *)self->ctx;
    if (len > SIZE_MAX - b->len - 1) return KAI_ERR_INVALID_INPUT;
    if (!kai_sdk__grow(&b->data, &b->cap, b->len + len + 1)) return KAI_ERR_INVALID_INPUT;
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return KAI_OK;
}

static inline kai_result kai_sdk__buffer_set_error(const kai_output *self, const char *json, size_t len)
{
    kai_sdk_buffer *b = (kai_sdk_buffer *)self->ctx;
    if (len == SIZE_MAX) return KAI_ERR_INVALID_INPUT;
    char *copy = (char *)malloc(len + 1);
    if (!copy) return KAI_ERR_INVALID_INPUT;
    if (len) memcpy(copy, json, len);
    copy[len] = '\0';
    free(b->error);
    b->error = copy;
    b->error_len = len;
    return KAI_OK;
}

/** Makes `b` an empty buffer. Allocates nothing; cannot fail. */
static inline void kai_sdk_buffer_init(kai_sdk_buffer *b)
{
    memset(b, 0, sizeof *b);
    b->output.struct_size = (uint32_t)sizeof(kai_output);
    b->output.ctx = b;
    b->output.write = kai_sdk__buffer_write;
    b->output.set_error = kai_sdk__buffer_set_error;
}

/** Frees what `b` holds and empties it; `b` may be reused. */
static inline void kai_sdk_buffer_free(kai_sdk_buffer *b)
{
    free(b->data);
    free(b->error);
    kai_sdk_buffer_init(b);
}

/**
 * Reports a failure: formats the message printf-style, sets the error details
 * {"message": "<message, JSON-escaped>"} through out->set_error, and returns
 * `code`, so a plugin can write `return kai_sdk_fail(out, KAI_ERR_..., ...);`.
 * Keep secrets and raw argument values out of the message.
 * Returns: `code`, always (also when the details could not be built: a fixed
 *          message is set instead).
 */
static inline kai_result kai_sdk_fail(const kai_output *out, kai_result code, const char *fmt, ...) KAI_SDK_PRINTF(3, 4);
static inline kai_result kai_sdk_fail(const kai_output *out, kai_result code, const char *fmt, ...)
{
    static const char fallback[] = "{\"message\":\"out of memory while reporting an error\"}";
    char small[256];
    size_t len = 0;
    va_list ap;
    va_start(ap, fmt);
    char *msg = kai_sdk__vformat(small, sizeof small, &len, fmt, ap);
    va_end(ap);
    kai_sdk_buffer b;
    kai_sdk_buffer_init(&b);
    bool ok = msg != NULL
        && kai_sdk_write(&b.output, "{\"message\":") == KAI_OK
        && kai_sdk_write_json_string(&b.output, msg, len) == KAI_OK
        && kai_sdk_write(&b.output, "}") == KAI_OK;
    if (ok) (void)out->set_error(out, b.data, b.len);
    else (void)out->set_error(out, fallback, sizeof fallback - 1);
    if (msg && msg != small) free(msg);
    kai_sdk_buffer_free(&b);
    return code;
}

/* ------------------------------------------------------------------------ */
/* Time, cancellation, logging                                              */
/* ------------------------------------------------------------------------ */

/**
 * The current CLOCK_MONOTONIC time in nanoseconds: the clock of
 * host->deadline(). Returns INT64_MAX if the clock cannot be read, so that
 * a deadline check fails closed (the call gives up rather than running on).
 */
static inline int64_t kai_sdk_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return INT64_MAX;
    return (int64_t)ts.tv_sec * 1000000000 + (int64_t)ts.tv_nsec;
}

/**
 * What a long-running call should do now: KAI_ERR_DEADLINE_EXCEEDED once the
 * call's deadline has passed, KAI_ERR_CANCELLED once the host cancelled it,
 * otherwise KAI_OK (keep going). Cheap enough to poll in loops.
 * Threads: [any-thread], while invoke() for `call` has not returned.
 */
static inline kai_result kai_sdk_should_stop(const kai_host *host, const kai_call *call)
{
    /* The deadline is checked first: is_cancelled is also true after it. */
    if (kai_sdk_now_ns() >= host->deadline(host, call)) return KAI_ERR_DEADLINE_EXCEEDED;
    if (host->is_cancelled(host, call)) return KAI_ERR_CANCELLED;
    return KAI_OK;
}

/**
 * printf-style host->log. Lines longer than 1 KiB are truncated (logs are for
 * people; never log secrets or whole arguments).
 */
static inline void kai_sdk_log(const kai_host *host, kai_log_level level, const char *fmt, ...) KAI_SDK_PRINTF(3, 4);
static inline void kai_sdk_log(const kai_host *host, kai_log_level level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    host->log(host, level, line, len);
}

#ifdef __cplusplus
}
#endif
#endif /* KAI_SDK_H */
