/*
 * kai_events.h — streaming: LLM text deltas, tool-call deltas, usage,
 * progress, and exactly one terminal event per stream.
 *
 * Every event starts with a kai_event header {struct_size, type}. A receiver
 * that does not know `type` skips the event; a receiver reads at most
 * min(struct_size, sizeof(its struct)) bytes, so event structs may grow at the
 * end in later minors.
 *
 * Stream rules for STREAMS — a provider asked to stream emitting to the host,
 * and the host emitting to a plugin that called kai_host.provider_stream:
 *   1. any number of non-terminal events (TEXT_DELTA, TOOL_CALL_DELTA,
 *      USAGE, PROGRESS), in order;
 *   2. then EXACTLY ONE terminal event: DONE or ERROR — also when the
 *      receiver asked to stop; nothing after it;
 *   3. every pointer inside an event is borrowed for the duration of the
 *      on_event callback only: copy what you keep.
 *
 * A tool or agent given kai_call.events sends only PROGRESS events (and may
 * send USAGE); it sends no terminal event — its return code and output are
 * the result. From minor 2 an agent may also send TEXT_DELTA and STEP
 * (kai_agent.h); the host drops those from plugins of older minors. STOP from such a sink means "the caller wants this call to end
 * early": treat it like is_cancelled() turning true.
 */
#ifndef KAI_EVENTS_H
#define KAI_EVENTS_H

#include "kai_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t kai_event_type;
#define KAI_EVENT_TEXT_DELTA      1
#define KAI_EVENT_TOOL_CALL_DELTA 2
#define KAI_EVENT_USAGE           3
#define KAI_EVENT_PROGRESS        4
#define KAI_EVENT_DONE            5  /* terminal */
#define KAI_EVENT_ERROR           6  /* terminal */

/** Header shared by all events. `struct_size` is the size of the whole event. */
typedef struct kai_event {
    uint32_t struct_size;
    kai_event_type type;
} kai_event;

/** A piece of generated text. */
typedef struct kai_event_text_delta {
    kai_event header;      /* type = KAI_EVENT_TEXT_DELTA */
    kai_str text;          /* UTF-8 fragment of whole Unicode scalars (never a split sequence) */
} kai_event_text_delta;

/**
 * A fragment of a tool call the model is making (OpenAI-style accumulation):
 * fragments with the same `index` belong to one call; `id` and `name` arrive
 * in the first fragment of an index (empty later); `arguments` fragments
 * concatenate to a JSON object text (empty overall means {}).
 */
typedef struct kai_event_tool_call_delta {
    kai_event header;      /* type = KAI_EVENT_TOOL_CALL_DELTA */
    uint32_t index;
    uint32_t reserved0;
    kai_str id;
    kai_str name;
    kai_str arguments;
} kai_event_tool_call_delta;

/** Token usage and cost so far; the last USAGE event of a stream wins. */
typedef struct kai_event_usage {
    kai_event header;      /* type = KAI_EVENT_USAGE */
    uint64_t input_tokens;
    uint64_t output_tokens;
    double cost_usd;       /* < 0 when unknown */
} kai_event_usage;

/** Progress of long work (tools and agents). total <= 0 means unknown. */
typedef struct kai_event_progress {
    kai_event header;      /* type = KAI_EVENT_PROGRESS */
    double progress;
    double total;
    kai_str message;       /* may be empty */
} kai_event_progress;

/**
 * Terminal success. `result` is the complete JSON result (for a provider: the
 * full response message, as if not streamed), or empty when the receiver
 * accumulated it from deltas. `finish_reason` e.g. "stop", "tool_calls",
 * "length", "stopped" (the receiver asked to stop).
 */
typedef struct kai_event_done {
    kai_event header;      /* type = KAI_EVENT_DONE */
    kai_str finish_reason;
    kai_str result;
} kai_event_done;

/** Terminal failure: a result code other than KAI_OK and JSON error details. */
typedef struct kai_event_error {
    kai_event header;      /* type = KAI_EVENT_ERROR */
    kai_result code;
    uint32_t reserved0;
    kai_str details;       /* JSON object with at least "message" */
} kai_event_error;

/** Values returned by kai_event_sink.on_event. */
#define KAI_EVENT_CONTINUE 0
#define KAI_EVENT_STOP     1

typedef struct kai_event_sink kai_event_sink;

struct kai_event_sink {
    uint32_t struct_size;
    uint32_t reserved0;
    void *ctx;             /* opaque to the emitter */

    /**
     * Receives one event.
     *
     * Ownership: `event` and everything it points to are borrowed for this
     *            callback only.
     * Returns:   KAI_EVENT_CONTINUE to keep streaming, KAI_EVENT_STOP to ask
     *            the emitter to stop early (backpressure or cancellation).
     *            After STOP the emitter sends no more deltas and then exactly
     *            one terminal event (DONE with finish_reason "stopped", or
     *            ERROR). The return value of the terminal event is ignored.
     * Threads:   [callback] — called on the emitter's thread, one event at a
     *            time, never concurrently for one stream.
     */
    int32_t (*on_event)(const kai_event_sink *self, const kai_event *event);
};

#ifdef __cplusplus
}
#endif
#endif /* KAI_EVENTS_H */
