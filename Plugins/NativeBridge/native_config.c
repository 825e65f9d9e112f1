/*
 * native_config.c — reads the bridge's config, opens the library, prepares
 * each function's libffi call interface. Every index, size and kind is
 * checked here, once, so a call never reads or writes outside what it
 * allocated whatever the config says.
 */
#include "native_bridge.h"

#include <dlfcn.h>

const char *const nb_kind_names[NB_KIND_COUNT] = {
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float", "double", "bool", "string", "bytes", "out", "doubles", "void",
};

static ffi_type *nb_ffi_type(nb_kind kind)
{
    switch (kind) {
    case NB_INT8: return &ffi_type_sint8;
    case NB_INT16: return &ffi_type_sint16;
    case NB_INT32: return &ffi_type_sint32;
    case NB_INT64: return &ffi_type_sint64;
    case NB_UINT8: return &ffi_type_uint8;
    case NB_UINT16: return &ffi_type_uint16;
    case NB_UINT32: return &ffi_type_uint32;
    case NB_UINT64: return &ffi_type_uint64;
    case NB_FLOAT: return &ffi_type_float;
    case NB_DOUBLE: return &ffi_type_double;
    case NB_BOOL: return &ffi_type_uint8; /* _Bool is one byte, 0 or 1, in the SysV and AAPCS64 ABIs */
    case NB_VOID: return &ffi_type_void;
    case NB_STRING: case NB_BYTES: case NB_OUT: case NB_DOUBLES: return &ffi_type_pointer;
    case NB_KIND_COUNT: break;
    }
    return NULL;
}

static int nb_kind_named(const char *name)
{
    for (int k = 0; k < NB_KIND_COUNT; k++)
        if (strcmp(nb_kind_names[k], name) == 0) return k;
    return -1;
}

/* An optional integer member; `fallback` when absent. False when present but
 * not an integer in [lo, hi]. */
static bool nb_get_index(kai_str json, const char *key, int64_t lo, int64_t hi, int64_t fallback, int64_t *out)
{
    kai_sdk_status st = kai_sdk_get_int64(json, key, out);
    if (st == KAI_SDK_MISSING) { *out = fallback; return true; }
    return st == KAI_SDK_FOUND && *out >= lo && *out <= hi;
}

static kai_result nb_read_param(kai_str json, int index, int count, nb_param *p, const kai_output *error, const char *fn)
{
    char *kind = NULL;
    int64_t ref = -1, size = 0;
    if (kai_sdk_get_string(json, "name", &p->name, NULL) != KAI_SDK_FOUND
        || kai_sdk_get_string(json, "kind", &kind, NULL) != KAI_SDK_FOUND)
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "function %s: parameter %d needs a name and a kind", fn, index + 1);
    if (kai_sdk_get_string(json, "ctype", &p->ctype, NULL) != KAI_SDK_FOUND) p->ctype = strdup(kind);
    int k = nb_kind_named(kind);
    free(kind);
    if (k < 0 || k == NB_VOID || !p->ctype)
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "function %s: parameter %s has an unknown kind", fn, p->name);
    p->kind = (nb_kind)k;
    const char *ref_key = p->kind == NB_BYTES || p->kind == NB_DOUBLES ? "lengthParam" : "fills";
    if (!nb_get_index(json, ref_key, -1, count - 1, -1, &ref) || !nb_get_index(json, "size", 1, NB_MAX_OUT_SIZE, 0, &size)
        || ref == index)
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "function %s: parameter %s has a bad %s or size", fn, p->name, ref_key);
    p->ref = (int)ref;
    p->size = (size_t)size;
    return KAI_OK;
}

/* Buffers and their length parameters must point at each other, the length
 * being an integer; an out buffer needs its size; nothing else refers. */
static bool nb_refs_consistent(const nb_function *f)
{
    for (int i = 0; i < f->count; i++) {
        const nb_param *p = &f->params[i];
        bool buffer = p->kind == NB_BYTES || p->kind == NB_DOUBLES;
        if (buffer && (p->ref < 0 || !nb_is_integer(f->params[p->ref].kind) || f->params[p->ref].ref != i)) return false;
        if (nb_is_integer(p->kind) && p->ref >= 0) {
            nb_kind target = f->params[p->ref].kind;
            if ((target != NB_BYTES && target != NB_DOUBLES) || f->params[p->ref].ref != i) return false;
        }
        if (!buffer && !nb_is_integer(p->kind) && p->ref >= 0) return false;
        if ((p->kind == NB_OUT) != (p->size > 0)) return false;
    }
    return true;
}

static kai_result nb_read_function(kai_str json, void *library, nb_function *f, const kai_output *error)
{
    char *symbol = NULL, *returns = NULL;
    kai_str params;
    if (kai_sdk_get_string(json, "name", &f->name, NULL) != KAI_SDK_FOUND)
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "a function has no name");
    if (kai_sdk_get_string(json, "symbol", &symbol, NULL) != KAI_SDK_FOUND
        || kai_sdk_get_string(json, "returns", &returns, NULL) != KAI_SDK_FOUND || !kai_sdk_find(json, "params", &params)) {
        free(symbol);
        free(returns);
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "function %s needs a symbol, returns and params", f->name);
    }
    int k = nb_kind_named(returns);
    free(returns);
    bool returnable = k >= 0 && k != NB_BYTES && k != NB_OUT && k != NB_DOUBLES;
    if (!returnable) {
        free(symbol);
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "function %s has an unknown return kind", f->name);
    }
    f->returns = (nb_kind)k;
    dlerror();
    f->fn = dlsym(library, symbol);
    const char *why = dlerror();
    if (why || !f->fn) {
        kai_result r = kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "function %s: symbol %s not found in the library: %s",
                                    f->name, symbol, why ? why : "it is NULL");
        free(symbol);
        return r;
    }
    free(symbol);
    /* Count first, so every index can be checked against the count. */
    size_t pos = 0;
    kai_str item;
    int r, count = 0;
    while ((r = kai_sdk_array_next(params, &pos, &item)) > 0) count++;
    if (r < 0 || count > NB_MAX_PARAMS)
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "function %s: params must be a list of at most %d", f->name, NB_MAX_PARAMS);
    pos = 0;
    for (int i = 0; i < count && kai_sdk_array_next(params, &pos, &item) > 0; i++) {
        f->count = i + 1; /* what nb_bridge_free must free */
        kai_result pr = nb_read_param(item, i, count, &f->params[i], error, f->name);
        if (pr != KAI_OK) return pr;
        f->types[i] = nb_ffi_type(f->params[i].kind);
    }
    if (!nb_refs_consistent(f))
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "function %s: its buffers and length parameters do not match", f->name);
    if (ffi_prep_cif(&f->cif, FFI_DEFAULT_ABI, (unsigned)f->count, nb_ffi_type(f->returns), f->types) != FFI_OK)
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "function %s: libffi cannot prepare this call", f->name);
    return KAI_OK;
}

kai_result nb_bridge_load(kai_str config, const kai_output *error, nb_bridge **out)
{
    char *library_name = NULL;
    kai_str functions;
    if (kai_sdk_get_string(config, "library", &library_name, NULL) != KAI_SDK_FOUND || !kai_sdk_find(config, "functions", &functions)) {
        free(library_name);
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "the native bridge's config needs library and functions");
    }
    /* RTLD_LOCAL: the library's symbols stay out of the global namespace;
     * never dlclose: a function may have left threads or handlers behind. */
    void *library = dlopen(library_name, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *why = dlerror();
        kai_result r = kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "cannot open library %s: %s", library_name, why ? why : "unknown error");
        free(library_name);
        return r;
    }
    free(library_name);
    size_t pos = 0;
    kai_str item;
    int r, count = 0;
    while ((r = kai_sdk_array_next(functions, &pos, &item)) > 0) count++;
    if (r < 0) return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "functions must be a list");
    nb_bridge *bridge = (nb_bridge *)calloc(1, sizeof *bridge);
    if (bridge) bridge->functions = (nb_function *)calloc(count > 0 ? (size_t)count : 1, sizeof(nb_function));
    if (!bridge || !bridge->functions) {
        free(bridge);
        return kai_sdk_fail(error, KAI_ERR_INTERNAL, "out of memory");
    }
    pos = 0;
    for (int i = 0; i < count && kai_sdk_array_next(functions, &pos, &item) > 0; i++) {
        bridge->count = i + 1;
        kai_result fr = nb_read_function(item, library, &bridge->functions[i], error);
        if (fr != KAI_OK) {
            nb_bridge_free(bridge);
            return fr;
        }
    }
    *out = bridge;
    return KAI_OK;
}

void nb_bridge_free(nb_bridge *bridge)
{
    if (!bridge) return;
    for (int i = 0; i < bridge->count; i++) {
        nb_function *f = &bridge->functions[i];
        for (int p = 0; p < f->count; p++) {
            free(f->params[p].name);
            free(f->params[p].ctype);
        }
        free(f->name);
    }
    free(bridge->functions);
    free(bridge);
}
