/*
 * native_call.c — one call: JSON arguments to C values, ffi_call, the
 * result to JSON. The host validated the arguments against the schema it
 * generated; this file checks again what memory safety and exactness need
 * (types, integer ranges — JSON Schema's bounds compare as doubles beyond
 * 2^53, so 64-bit edges are exact only here — and buffer lengths).
 */
#include "native_bridge.h"

#include <float.h>
#include <inttypes.h>

/* One argument's value, in the member of its C type: libffi reads exactly
 * sizeof(type) bytes from its address. */
typedef union nb_value {
    int8_t i8; int16_t i16; int32_t i32; int64_t i64;
    uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64;
    float f; double d; void *p;
} nb_value;

typedef struct nb_args {
    nb_value values[NB_MAX_PARAMS];
    void *owned[NB_MAX_PARAMS]; /* malloc'd buffers, freed after the call */
    size_t lengths[NB_MAX_PARAMS];
} nb_args;

static const int64_t nb_min[] = {INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN};
static const int64_t nb_max[] = {INT8_MAX, INT16_MAX, INT32_MAX, INT64_MAX};
static const uint64_t nb_umax[] = {UINT8_MAX, UINT16_MAX, UINT32_MAX, UINT64_MAX};

static void nb_store_integer(nb_value *v, nb_kind kind, int64_t s, uint64_t u)
{
    switch (kind) {
    case NB_INT8: v->i8 = (int8_t)s; break;
    case NB_INT16: v->i16 = (int16_t)s; break;
    case NB_INT32: v->i32 = (int32_t)s; break;
    case NB_INT64: v->i64 = s; break;
    case NB_UINT8: v->u8 = (uint8_t)u; break;
    case NB_UINT16: v->u16 = (uint16_t)u; break;
    case NB_UINT32: v->u32 = (uint32_t)u; break;
    default: v->u64 = u; break;
    }
}

static kai_result nb_range_error(const kai_call *call, const nb_param *p, kai_str raw)
{
    int shown = raw.len > 40 ? 40 : (int)raw.len;
    if (p->kind >= NB_UINT8)
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "argument \"%s\": %.*s%s is out of range for %s (0 to %" PRIu64 ")",
                            p->name, shown, raw.data, raw.len > 40 ? "..." : "", p->ctype, nb_umax[p->kind - NB_UINT8]);
    return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "argument \"%s\": %.*s%s is out of range for %s (%" PRId64 " to %" PRId64 ")",
                        p->name, shown, raw.data, raw.len > 40 ? "..." : "", p->ctype, nb_min[p->kind], nb_max[p->kind]);
}

static kai_result nb_type_error(const kai_call *call, const nb_param *p, const char *expected)
{
    return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "argument \"%s\" must be %s (%s)", p->name, expected, p->ctype);
}

/* An exact integer from a JSON number token, never truncated: digits are
 * read with strtoll/strtoull (ERANGE checked); 1e2 or 3.0 forms must be
 * whole numbers within the kind's range. */
static kai_result nb_integer(const kai_call *call, const nb_param *p, kai_str raw, nb_value *v)
{
    bool is_unsigned = p->kind >= NB_UINT8;
    if (raw.len == 0 || (raw.data[0] != '-' && (raw.data[0] < '0' || raw.data[0] > '9'))) return nb_type_error(call, p, "an integer");
    char buf[64];
    if (raw.len >= sizeof buf) return nb_range_error(call, p, raw);
    memcpy(buf, raw.data, raw.len);
    buf[raw.len] = '\0';
    int64_t s = 0;
    uint64_t u = 0;
    if (strpbrk(buf, ".eE")) {
        double d = strtod(buf, NULL);
        if (is_unsigned ? !(d >= 0 && d < 18446744073709551616.0) : !(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
            return nb_range_error(call, p, raw);
        if (is_unsigned) { u = (uint64_t)d; if ((double)u != d) return nb_type_error(call, p, "an integer"); }
        else { s = (int64_t)d; if ((double)s != d) return nb_type_error(call, p, "an integer"); }
    } else if (is_unsigned) {
        if (buf[0] == '-') {
            if (strspn(buf + 1, "0") != strlen(buf + 1)) return nb_range_error(call, p, raw);
        } else {
            errno = 0;
            u = strtoull(buf, NULL, 10);
            if (errno == ERANGE) return nb_range_error(call, p, raw);
        }
    } else {
        errno = 0;
        s = strtoll(buf, NULL, 10);
        if (errno == ERANGE) return nb_range_error(call, p, raw);
    }
    if (is_unsigned ? u > nb_umax[p->kind - NB_UINT8] : (s < nb_min[p->kind] || s > nb_max[p->kind])) return nb_range_error(call, p, raw);
    nb_store_integer(v, p->kind, s, u);
    return KAI_OK;
}

static kai_result nb_number(const kai_call *call, const nb_param *p, kai_str raw, double *out)
{
    double d = 0;
    if (raw.len == 0 || (raw.data[0] != '-' && (raw.data[0] < '0' || raw.data[0] > '9'))
        || kai_sdk__number_to_double(raw, &d) != KAI_SDK_FOUND)
        return nb_type_error(call, p, "a finite number");
    *out = d;
    return KAI_OK;
}

static kai_result nb_doubles(const kai_call *call, const nb_param *p, kai_str raw, nb_args *a, int i)
{
    size_t pos = 0, n = 0, cap = 0;
    kai_str item;
    int r;
    while ((r = kai_sdk_array_next(raw, &pos, &item)) > 0) cap++;
    if (r < 0) return nb_type_error(call, p, "an array of numbers");
    double *xs = (double *)malloc((cap ? cap : 1) * sizeof(double));
    if (!xs) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "out of memory");
    a->owned[i] = xs;
    pos = 0;
    while (n < cap && kai_sdk_array_next(raw, &pos, &item) > 0) {
        if (nb_number(call, p, item, &xs[n]) != KAI_OK) return nb_type_error(call, p, "an array of numbers");
        n++;
    }
    a->values[i].p = xs;
    a->lengths[i] = n;
    return KAI_OK;
}

static kai_result nb_decode(const nb_param *p, const kai_call *call, nb_args *a, int i)
{
    kai_str raw;
    if (p->kind == NB_OUT) {
        char *out = (char *)calloc(p->size + 1, 1); /* +1: always NUL-terminated, whatever the function writes */
        if (!out) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "out of memory");
        a->owned[i] = out;
        a->values[i].p = out;
        return KAI_OK;
    }
    if (!kai_sdk_find(call->input, p->name, &raw))
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "argument \"%s\" is missing", p->name);
    if (nb_is_integer(p->kind)) return nb_integer(call, p, raw, &a->values[i]);
    switch (p->kind) {
    case NB_FLOAT: {
        double d;
        if (nb_number(call, p, raw, &d) != KAI_OK) return KAI_ERR_INVALID_INPUT;
        if (d > FLT_MAX || d < -FLT_MAX) return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "argument \"%s\" is out of range for float", p->name);
        a->values[i].f = (float)d;
        return KAI_OK;
    }
    case NB_DOUBLE: return nb_number(call, p, raw, &a->values[i].d);
    case NB_BOOL: {
        bool b;
        if (kai_sdk_get_bool(call->input, p->name, &b) != KAI_SDK_FOUND) return nb_type_error(call, p, "true or false");
        a->values[i].u8 = b ? 1 : 0;
        return KAI_OK;
    }
    case NB_STRING: case NB_BYTES: {
        char *text = NULL;
        size_t len = 0;
        if (kai_sdk_get_string(call->input, p->name, &text, &len) != KAI_SDK_FOUND) return nb_type_error(call, p, "a string");
        a->owned[i] = text;
        a->values[i].p = text;
        a->lengths[i] = len;
        if (p->kind == NB_STRING && strlen(text) != len)
            return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "argument \"%s\" contains a NUL character, which a C string cannot hold", p->name);
        return KAI_OK;
    }
    case NB_DOUBLES: return nb_doubles(call, p, raw, a, i);
    default: return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "parameter %s has a kind the bridge cannot pass", p->name);
    }
}

/* Fills a length parameter from its buffer, if it fits the length's type. */
static kai_result nb_fill_length(const nb_function *fn, int i, const kai_call *call, nb_args *a)
{
    const nb_param *p = &fn->params[i];
    uint64_t n = a->lengths[p->ref];
    bool fits = p->kind >= NB_UINT8 ? n <= nb_umax[p->kind - NB_UINT8] : n <= (uint64_t)nb_max[p->kind];
    if (!fits)
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "argument \"%s\" is too long: its length %" PRIu64 " does not fit %s %s",
                            fn->params[p->ref].name, n, p->ctype, p->name);
    nb_store_integer(&a->values[i], p->kind, (int64_t)n, n);
    return KAI_OK;
}

/* The shortest decimal that reads back as the same value (0.1, not
 * 0.10000000000000001): what a person expects to see. */
static void nb_shortest(char *buf, size_t size, double d, bool is_float)
{
    for (int precision = is_float ? 6 : 15; precision <= (is_float ? 9 : 17); precision++) {
        snprintf(buf, size, "%.*g", precision, d);
        double back = strtod(buf, NULL);
        if (is_float ? (float)back == (float)d : back == d) return;
    }
}

static kai_result nb_write_result(const kai_output *out, nb_kind kind, const void *rv)
{
    ffi_arg r = *(const ffi_arg *)rv;
    char buf[64];
    switch (kind) {
    case NB_VOID: return kai_sdk_write(out, "null");
    case NB_BOOL: return kai_sdk_write(out, (uint8_t)r ? "true" : "false");
    case NB_INT8: snprintf(buf, sizeof buf, "%d", (int)(int8_t)r); break;
    case NB_INT16: snprintf(buf, sizeof buf, "%d", (int)(int16_t)r); break;
    case NB_INT32: snprintf(buf, sizeof buf, "%" PRId32, (int32_t)r); break;
    case NB_INT64: snprintf(buf, sizeof buf, "%" PRId64, *(const int64_t *)rv); break;
    case NB_UINT8: snprintf(buf, sizeof buf, "%u", (unsigned)(uint8_t)r); break;
    case NB_UINT16: snprintf(buf, sizeof buf, "%u", (unsigned)(uint16_t)r); break;
    case NB_UINT32: snprintf(buf, sizeof buf, "%" PRIu32, (uint32_t)r); break;
    case NB_UINT64: snprintf(buf, sizeof buf, "%" PRIu64, *(const uint64_t *)rv); break;
    case NB_FLOAT: case NB_DOUBLE: {
        double d = kind == NB_FLOAT ? (double)*(const float *)rv : *(const double *)rv;
        if (d != d || d > DBL_MAX || d < -DBL_MAX) return KAI_ERR_UNSUPPORTED; /* JSON has no NaN or infinity */
        nb_shortest(buf, sizeof buf, d, kind == NB_FLOAT);
        break;
    }
    case NB_STRING: {
        const char *s = *(const char *const *)rv; /* copied, never freed: the library owns it */
        return s ? kai_sdk_write_json_string(out, s, strlen(s)) : kai_sdk_write(out, "null");
    }
    default: return KAI_ERR_INTERNAL;
    }
    return kai_sdk_write(out, buf);
}

static kai_result nb_encode(const nb_function *fn, const kai_call *call, const nb_args *a, const void *rv)
{
    const kai_output *out = call->output;
    kai_result r = kai_sdk_write(out, "{\"result\":");
    if (r == KAI_OK) {
        r = nb_write_result(out, fn->returns, rv);
        if (r == KAI_ERR_UNSUPPORTED)
            return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "%s returned NaN or an infinity, which JSON cannot hold", fn->name);
    }
    for (int i = 0; r == KAI_OK && i < fn->count; i++) {
        if (fn->params[i].kind != NB_OUT) continue;
        const char *text = (const char *)a->values[i].p;
        r = kai_sdk_writef(out, ",\"%s\":", fn->params[i].name);
        if (r == KAI_OK) r = kai_sdk_write_json_string(out, text, strnlen(text, fn->params[i].size));
    }
    return r == KAI_OK ? kai_sdk_write(out, "}") : r;
}

kai_result nb_call(const nb_function *fn, const kai_call *call)
{
    nb_args a;
    memset(&a, 0, sizeof a);
    void *pointers[NB_MAX_PARAMS];
    kai_result r = KAI_OK;
    for (int i = 0; r == KAI_OK && i < fn->count; i++) {
        pointers[i] = &a.values[i];
        if (!(nb_is_integer(fn->params[i].kind) && fn->params[i].ref >= 0)) r = nb_decode(&fn->params[i], call, &a, i);
    }
    for (int i = 0; r == KAI_OK && i < fn->count; i++)
        if (nb_is_integer(fn->params[i].kind) && fn->params[i].ref >= 0) r = nb_fill_length(fn, i, call, &a);
    if (r == KAI_OK) {
        /* At least ffi_arg wide: libffi widens small integer results. */
        union { ffi_arg arg; int64_t i64; uint64_t u64; double d; float f; void *p; } rv;
        memset(&rv, 0, sizeof rv);
        ffi_call((ffi_cif *)&fn->cif, FFI_FN(fn->fn), &rv, pointers);
        r = nb_encode(fn, call, &a, &rv);
    }
    for (int i = 0; i < fn->count; i++) free(a.owned[i]);
    return r;
}
