/* report.c — a growable buffer with JSON string escaping and base64. */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void reserve(ks_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

static void put(ks_buf *b, const void *s, size_t len)
{
    reserve(b, len);
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void buf_puts(ks_buf *b, const char *s) { put(b, s, strlen(s)); }

void buf_append(ks_buf *b, const void *s, size_t len) { put(b, s, len); }

void buf_printf(ks_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) die("formatting the report");
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_json_string(ks_buf *b, const unsigned char *s, size_t len)
{
    reserve(b, len + 2);
    put(b, "\"", 1);
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(b, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            const char *named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
            if (named) put(b, named, 2);
            else buf_printf(b, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            put(b, &s[i++], 1);
        } else {
            size_t n = ks_utf8_sequence(s + i, len - i);
            if (n) { put(b, s + i, n); i += n; }
            else { put(b, "\\ufffd", 6); i++; }
        }
    }
    put(b, "\"", 1);
}

void buf_base64(ks_buf *b, const unsigned char *s, size_t len)
{
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    reserve(b, (len + 2) / 3 * 4 + 2);
    put(b, "\"", 1);
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16;
        if (i + 1 < len) v |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < len) v |= s[i + 2];
        char out[4] = {table[(v >> 18) & 63], table[(v >> 12) & 63], i + 1 < len ? table[(v >> 6) & 63] : '=',
                       i + 2 < len ? table[v & 63] : '='};
        put(b, out, 4);
    }
    put(b, "\"", 1);
}
