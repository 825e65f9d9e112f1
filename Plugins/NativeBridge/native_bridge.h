/*
 * native_bridge.h — what the native bridge's files share (not part of the SDK).
 *
 * The bridge is one plugin file that serves many plugin ids: the host makes
 * each id's manifest from the operator's native_tools entry and hands the
 * bridge, as its config, the functions already parsed and normalized
 * (plugin-sdk/schema/native-bridge-config.schema.json). The bridge still
 * checks everything it needs to stay memory-safe: every index, size and
 * kind in the config, and every argument's type and range at each call.
 */
#ifndef KAI_NATIVE_BRIDGE_H
#define KAI_NATIVE_BRIDGE_H

#include <kai/kai_sdk.h> /* first: it sets _POSIX_C_SOURCE for strict C11 */

#include <ffi.h>
#include <kai/kai_plugin.h>

/* The C types a parameter or result can have, after the host normalized
 * them (unsigned long -> UINT64 on LP64). */
typedef enum nb_kind {
    NB_INT8, NB_INT16, NB_INT32, NB_INT64,
    NB_UINT8, NB_UINT16, NB_UINT32, NB_UINT64,
    NB_FLOAT, NB_DOUBLE, NB_BOOL,
    NB_STRING,  /* const char *: a JSON string, NUL-terminated, no NUL inside */
    NB_BYTES,   /* const unsigned char buf[len]: a JSON string's UTF-8 bytes */
    NB_OUT,     /* char out[size]: a zeroed buffer, returned as a string */
    NB_DOUBLES, /* const double xs[n]: a JSON array of numbers */
    NB_VOID,    /* results only */
    NB_KIND_COUNT
} nb_kind;

/* Largest output buffer the bridge allocates for one parameter. */
#define NB_MAX_OUT_SIZE (1u << 20)
/* Most parameters one function may have. */
#define NB_MAX_PARAMS 32

typedef struct nb_param {
    char *name;   /* the JSON argument's name */
    char *ctype;  /* the C type as the operator wrote it, for messages */
    nb_kind kind;
    /* NB_BYTES, NB_DOUBLES: index of the integer parameter the bridge fills
     * with the length; an integer parameter: index of the buffer it measures,
     * or -1 when the caller gives it. */
    int ref;
    size_t size;  /* NB_OUT: the buffer's size in bytes */
} nb_param;

typedef struct nb_function {
    char *name;   /* the tool name */
    void *fn;     /* from dlsym; the library is never closed */
    nb_kind returns;
    int count;
    nb_param params[NB_MAX_PARAMS];
    ffi_type *types[NB_MAX_PARAMS];
    ffi_cif cif;
} nb_function;

typedef struct nb_bridge {
    const kai_host *host;
    int count;
    nb_function *functions;
} nb_bridge;

/* Kind names as the config writes them ("int8" ... "doubles", "void"). */
extern const char *const nb_kind_names[NB_KIND_COUNT];

static inline bool nb_is_integer(nb_kind kind) { return kind <= NB_UINT64; }

/*
 * Reads the config, opens the library (RTLD_NOW | RTLD_LOCAL, never closed),
 * looks up every symbol and prepares every call interface.
 * Ownership: on KAI_OK *bridge is malloc'd and freed by nb_bridge_free.
 * Returns:   KAI_OK; KAI_ERR_INVALID_INPUT with the reason set on `error`.
 */
kai_result nb_bridge_load(kai_str config, const kai_output *error, nb_bridge **bridge);
void nb_bridge_free(nb_bridge *bridge);

/*
 * Calls `fn` with the arguments in call->input and writes
 * {"result": <return value>, <out buffer name>: "<text>", ...}.
 * Returns:   KAI_OK; KAI_ERR_INVALID_INPUT (an argument the function cannot
 *            take: wrong type, out of range) with the reason; or the output's
 *            error. Thread rule: any thread; the function's own rules apply.
 */
kai_result nb_call(const nb_function *fn, const kai_call *call);

#endif
