/*
 * native_edges.c — a shared library (not a plugin) whose functions Kai's
 * tests call as native tools: every supported type, at its edges.
 *
 *     cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -o libnative_edges.so native_edges.c
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Identity functions: what comes back is exactly what arrived. */
int8_t edge_i8(int8_t v) { return v; }
int16_t edge_i16(int16_t v) { return v; }
int32_t edge_i32(int32_t v) { return v; }
int64_t edge_i64(int64_t v) { return v; }
uint8_t edge_u8(uint8_t v) { return v; }
uint16_t edge_u16(uint16_t v) { return v; }
uint32_t edge_u32(uint32_t v) { return v; }
uint64_t edge_u64(uint64_t v) { return v; }
float edge_float(float v) { return v; }
double edge_double(double v) { return v; }
bool edge_not(bool v) { return !v; }

/* Mixed widths in one call: each argument lands in its own register slot. */
double edge_mix(int8_t a, uint16_t b, int32_t c, uint64_t d, float e, double f, bool g)
{
    return (double)a + (double)b + (double)c + (double)d + (double)e + f + (g ? 1 : 0);
}

/* Bytes in with their length: the sum of the bytes times 1000 plus the count. */
uint64_t edge_bytes(const unsigned char *buf, uint8_t len)
{
    uint64_t sum = 0;
    for (uint8_t i = 0; i < len; i++) sum += buf[i];
    return sum * 1000 + len;
}

/* Text out through a fixed buffer. */
void edge_upper(const char *s, char *out)
{
    size_t i = 0;
    for (; s[i] && i < 15; i++) out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
    out[i] = '\0';
}

/* Fills the whole buffer with no terminator: Kai must stop at its size. */
void edge_fill(char *out) { memset(out, 'x', 8); }

double edge_mean(const double *xs, int32_t n)
{
    double sum = 0;
    for (int32_t i = 0; i < n; i++) sum += xs[i];
    return n > 0 ? sum / n : 0;
}

const char *edge_version(void) { return "edges 1.0 \xc3\xa9"; }
const char *edge_null(void) { return NULL; }

static int calls;
void edge_touch(void) { calls++; }
int32_t edge_calls(void) { return calls; }
