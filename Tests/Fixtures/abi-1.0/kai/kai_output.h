/*
 * kai_output.h — the one way bytes leave a plugin (and come back from host
 * services): a sink that COPIES what it is given.
 *
 * The single ownership rule of the Kai ABI: input is borrowed for the duration
 * of a call; output is pushed into a kai_output, which copies it before
 * returning. Nothing that needs freeing ever crosses the boundary, in either
 * direction, so a plugin written in any language, with any allocator, can
 * neither leak nor double-free host memory.
 *
 * Who calls a kai_output: the plugin calls the host's (in describe, create
 * and invoke); the host calls a plugin-owned one it was handed (call_tool,
 * provider_complete) only on the thread that called that service, and only
 * before the service returns — so a plugin's own sink needs no lock.
 */
#ifndef KAI_OUTPUT_H
#define KAI_OUTPUT_H

#include "kai_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kai_output kai_output;

struct kai_output {
    /** sizeof(kai_output) as compiled by whoever filled this struct in. */
    uint32_t struct_size;
    uint32_t reserved0;
    /** Opaque to the receiver of the struct; only the sink's owner reads it. */
    void *ctx;

    /**
     * Appends `len` bytes of the JSON result. May be called several times per
     * call; the pieces are concatenated. The whole must be one JSON value
     * (UTF-8, RFC 8259) once the call returns KAI_OK.
     *
     * Ownership: `data` is borrowed; the sink copies it before returning.
     * Returns:   KAI_OK, or KAI_ERR_INVALID_INPUT when the total would exceed
     *            the host's output limit (the bytes are then dropped; stop
     *            producing output and return that code).
     * Threads:   [call-thread] (for describe/create: the thread running them)
     */
    kai_result (*write)(const kai_output *self, const char *data, size_t len);

    /**
     * Sets the error details of a failing call: one JSON object, at least
     * {"message": "..."}; more fields are kept and shown (e.g. "field",
     * "hint"). Replaces any earlier details. Call it before returning a code
     * other than KAI_OK; the host ignores details of a successful call.
     *
     * Ownership: `json` is borrowed; the sink copies it.
     * Returns:   KAI_OK, or KAI_ERR_INVALID_INPUT if `json` is larger than
     *            64 KiB (the details are then truncated to a message).
     * Threads:   [call-thread]
     */
    kai_result (*set_error)(const kai_output *self, const char *json, size_t len);
};

#ifdef __cplusplus
}
#endif
#endif /* KAI_OUTPUT_H */
