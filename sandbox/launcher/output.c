/* output.c — capturing the program's stdout/stderr: capped per stream,
 * drained past the cap so the program never blocks on a full pipe. */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <errno.h>
#include <unistd.h>

void ks_capture_read(ks_capture *c, int fd)
{
    unsigned char sink[65536];
    for (;;) {
        unsigned char *dst = c->len < c->cap ? c->data + c->len : sink;
        size_t room = c->len < c->cap ? c->cap - c->len : sizeof sink;
        ssize_t n = read(fd, dst, room);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return;
            die_with_error("reading the program's output");
        }
        if (n == 0) {
            c->eof = true;
            return;
        }
        if (dst == sink) c->truncated = true;
        else c->len += (size_t)n;
    }
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid/incomplete. */
size_t ks_utf8_sequence(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else return 0;
    if (len < need) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < need; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return need;
}

bool ks_utf8_valid(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t n = ks_utf8_sequence(s + i, len - i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

size_t ks_utf8_trim_tail(const unsigned char *s, size_t len)
{
    /* Look back at most 3 bytes for a lead byte whose sequence runs past the end. */
    for (size_t back = 1; back <= 3 && back <= len; back++) {
        unsigned char c = s[len - back];
        if (c < 0x80) return len;
        if (c >= 0xC0) {
            size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            return need > back ? len - back : len;
        }
    }
    return len;
}
