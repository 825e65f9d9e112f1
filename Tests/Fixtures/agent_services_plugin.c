/*
 * agent_services_plugin.c — an ABI 1.2 agent for the host core's agent
 * tests, written as a third party would: plain C against the SDK headers.
 *
 * Manifest id AGENT_ID (default "test.agents"), abiMinor AGENT_MINOR
 * (default 2; the tests also build it as a minor-1 plugin). Capabilities:
 *   services  agent. First sends TEXT_DELTA "thinking", a STEP
 *             {"type":"note","message":"step one"}, a STEP whose JSON is an
 *             array, a STEP that is not JSON, and a PROGRESS. Then by task:
 *     "all":  asks every host service once and answers an agent output
 *             (status "done") whose "result" holds what each returned:
 *               {"ext": bool, "session": S,
 *                "call_tool": R + {"progress": N}, "find_agents": R,
 *                "call_agent": R, "complete": R, "host_call_tool": R,
 *                "stream": {"code", "deltas": TEXT, "terminal": "done" |
 *                           "error" | "none", "terminals": N, "finish": F,
 *                           "result": JSON or null, "error": JSON or null}}
 *             with R = {"code": N, "out": what was written (JSON) or null,
 *             "error": the error details (JSON) or null}. The calls:
 *               call_tool("c1", "echo", {"x":1}, a sink counting PROGRESS)
 *               find_agents({"capability":"code"})
 *               call_agent("helper", {"task":"sub"})
 *               provider_complete("", {"messages":[...hi]})
 *               provider_stream("local", {"messages":[...hi]}, a sink)
 *               kai_host.call_tool("test.agents.echo", {"y":2})
 *     "bad-output": answers {"status":"finished","message":"x"}, off the
 *             agent-output schema.
 *     "bad-step": answers a step of type "dance", off agent-step.schema.json.
 *     anything else: answers {"status":"done","message":TASK}.
 *   echo      tool {}: sends two PROGRESS events, answers an MCP result
 *             with the text "echo".
 *   probe     tool {}: {"deadline": host->deadline, "cancelled": bool}.
 *   locked    tool {}: {} — serial, as the agent is, so a call of it nested
 *             under the agent would wait on the agent's own lock.
 * The agent is serial (the default); echo and probe are parallel.
 */
#define _GNU_SOURCE
#include <kai/kai_sdk.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef AGENT_ID
#define AGENT_ID "test.agents"
#endif
#ifndef AGENT_MINOR
#define AGENT_MINOR 2
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

static const char manifest[] =
    "{\"id\":\"" AGENT_ID "\",\"version\":\"0.1.0\",\"abiMinor\":" STR(AGENT_MINOR) ","
    "\"description\":\"An agent for Kai's host tests.\","
    "\"capabilities\":["
    "{\"kind\":\"agent\",\"name\":\"services\",\"description\":\"Asks every host service.\",\"tags\":[\"test\"]},"
    "{\"kind\":\"tool\",\"name\":\"echo\",\"description\":\"Echoes.\",\"inputSchema\":{\"type\":\"object\"},"
    "\"concurrency\":\"parallel\"},"
    "{\"kind\":\"tool\",\"name\":\"probe\",\"description\":\"Its deadline.\",\"inputSchema\":{\"type\":\"object\"},"
    "\"concurrency\":\"parallel\"},"
    "{\"kind\":\"tool\",\"name\":\"locked\",\"description\":\"Serial, like the agent.\",\"inputSchema\":{\"type\":\"object\"}}"
    "]}";

/* A growable text; on allocation failure it stays marked failed. */
typedef struct text {
    kai_sdk_buffer b;
    bool failed;
} text;

static void append(text *t, const char *s, size_t len)
{
    if (t->b.output.write(&t->b.output, s, len) != KAI_OK) t->failed = true;
}

static void appends(text *t, const char *s) { append(t, s, strlen(s)); }

/* A JSON value's bytes, or null when there are none. */
static void append_json(text *t, const char *s, size_t len)
{
    if (s && len) append(t, s, len);
    else appends(t, "null");
}

static void append_string(text *t, const char *s, size_t len)
{
    if (kai_sdk_write_json_string(&t->b.output, s ? s : "", s ? len : 0) != KAI_OK) t->failed = true;
}

static void append_int(text *t, long long n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", n);
    append(t, digits, (size_t)len);
}

/* R = {"code", "out", "error"} of one service call. */
static void append_result(text *t, kai_result code, const kai_sdk_buffer *out)
{
    appends(t, "{\"code\":");
    append_int(t, code);
    appends(t, ",\"out\":");
    append_json(t, out->data, out->len);
    appends(t, ",\"error\":");
    append_json(t, out->error, out->error_len);
    appends(t, "}");
}

static bool name_is(const kai_call *call, const char *name)
{
    return strlen(name) == call->name.len && memcmp(name, call->name.data, call->name.len) == 0;
}

static kai_str str(const char *s) { return (kai_str){s, strlen(s)}; }

static int emit(const kai_call *call, const kai_event *event)
{
    return call->events ? call->events->on_event(call->events, event) : KAI_EVENT_CONTINUE;
}

static void send_step(const kai_call *call, const char *json)
{
    kai_event_step e = {{sizeof e, KAI_EVENT_STEP}, str(json)};
    emit(call, &e.header);
}

static void send_events(const kai_call *call)
{
    kai_event_text_delta delta = {{sizeof delta, KAI_EVENT_TEXT_DELTA}, str("thinking")};
    emit(call, &delta.header);
    send_step(call, "{\"type\":\"note\",\"message\":\"step one\"}");
    send_step(call, "[1]");
    send_step(call, "not json");
    kai_event_progress progress = {{sizeof progress, KAI_EVENT_PROGRESS}, 1, 2, str("half")};
    emit(call, &progress.header);
}

/* Counts the PROGRESS events a tool called through call_tool sends. */
static int count_progress(const kai_event_sink *sink, const kai_event *event)
{
    if (event->type == KAI_EVENT_PROGRESS) ++*(int *)sink->ctx;
    return KAI_EVENT_CONTINUE;
}

/* What a provider stream sent to its sink. */
typedef struct stream_seen {
    text deltas;
    int terminals;
    const char *terminal;
    text finish, result, error;
} stream_seen;

static int see_stream(const kai_event_sink *sink, const kai_event *event)
{
    stream_seen *seen = sink->ctx;
    if (event->type == KAI_EVENT_TEXT_DELTA) {
        const kai_event_text_delta *e = (const kai_event_text_delta *)event;
        append(&seen->deltas, e->text.data, e->text.len);
    } else if (event->type == KAI_EVENT_DONE) {
        const kai_event_done *e = (const kai_event_done *)event;
        seen->terminals++;
        seen->terminal = "done";
        append(&seen->finish, e->finish_reason.data, e->finish_reason.len);
        append(&seen->result, e->result.data, e->result.len);
    } else if (event->type == KAI_EVENT_ERROR) {
        const kai_event_error *e = (const kai_event_error *)event;
        seen->terminals++;
        seen->terminal = "error";
        append(&seen->error, e->details.data, e->details.len);
    }
    return KAI_EVENT_CONTINUE;
}

static void text_init(text *t)
{
    kai_sdk_buffer_init(&t->b);
    t->failed = false;
}

static void append_stream(text *t, const kai_host *host, const kai_call *call)
{
    static const char request[] = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    stream_seen seen = {.terminal = "none"};
    text_init(&seen.deltas);
    text_init(&seen.finish);
    text_init(&seen.result);
    text_init(&seen.error);
    kai_event_sink sink = {sizeof sink, 0, &seen, see_stream};
    kai_result code = host->provider_stream(host, call, str("local"), str(request), &sink);
    appends(t, "{\"code\":");
    append_int(t, code);
    appends(t, ",\"deltas\":");
    append_string(t, seen.deltas.b.data, seen.deltas.b.len);
    appends(t, ",\"terminal\":\"");
    appends(t, seen.terminal);
    appends(t, "\",\"terminals\":");
    append_int(t, seen.terminals);
    appends(t, ",\"finish\":");
    append_string(t, seen.finish.b.data, seen.finish.b.len);
    appends(t, ",\"result\":");
    append_json(t, seen.result.b.data, seen.result.b.len);
    appends(t, ",\"error\":");
    append_json(t, seen.error.b.data, seen.error.b.len);
    appends(t, "}");
    kai_sdk_buffer_free(&seen.deltas.b);
    kai_sdk_buffer_free(&seen.finish.b);
    kai_sdk_buffer_free(&seen.result.b);
    kai_sdk_buffer_free(&seen.error.b);
}

/* Every kai.host.agent/1 service, then the 1.1 services, into `t`. */
static void append_services(text *t, const kai_host *host, const kai_call *call)
{
    const kai_host_agent_v1 *agent = host->get_extension(host, KAI_HOST_AGENT_ID);
    appends(t, "{\"ext\":");
    appends(t, agent ? "true" : "false");
    if (agent) {
        kai_str session = agent->session_id(host, call);
        appends(t, ",\"session\":");
        append_string(t, session.data, session.len);

        kai_sdk_buffer out;
        int progress = 0;
        kai_event_sink sink = {sizeof sink, 0, &progress, count_progress};
        kai_sdk_buffer_init(&out);
        kai_result code = agent->call_tool(host, call, str("c1"), str("echo"), str("{\"x\":1}"), &sink, &out.output);
        appends(t, ",\"call_tool\":");
        append_result(t, code, &out);
        appends(t, ",\"progress\":");
        append_int(t, progress);
        kai_sdk_buffer_free(&out);

        code = agent->find_agents(host, call, str("{\"capability\":\"code\"}"), &out.output);
        appends(t, ",\"find_agents\":");
        append_result(t, code, &out);
        kai_sdk_buffer_free(&out);

        code = agent->call_agent(host, call, str("helper"), str("{\"task\":\"sub\"}"), &out.output);
        appends(t, ",\"call_agent\":");
        append_result(t, code, &out);
        kai_sdk_buffer_free(&out);
    }
    kai_sdk_buffer out;
    kai_sdk_buffer_init(&out);
    kai_result code = host->provider_complete(
        host, call, str(""), str("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), &out.output);
    appends(t, ",\"complete\":");
    append_result(t, code, &out);
    kai_sdk_buffer_free(&out);

    appends(t, ",\"stream\":");
    append_stream(t, host, call);

    code = host->call_tool(host, call, str(AGENT_ID ".echo"), str("{\"y\":2}"), &out.output);
    appends(t, ",\"host_call_tool\":");
    append_result(t, code, &out);
    kai_sdk_buffer_free(&out);
    appends(t, "}");
}

static kai_result services(const kai_host *host, const kai_call *call)
{
    send_events(call);
    char *task = NULL;
    size_t task_len = 0;
    if (kai_sdk_get_string(call->input, "task", &task, &task_len) != KAI_SDK_FOUND)
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "no task");
    kai_result r;
    if (strcmp(task, "all") == 0) {
        text t;
        text_init(&t);
        appends(&t, "{\"status\":\"done\",\"message\":\"asked every service\",\"result\":");
        append_services(&t, host, call);
        appends(&t, "}");
        r = t.failed ? kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "out of memory")
                     : call->output->write(call->output, t.b.data, t.b.len);
        kai_sdk_buffer_free(&t.b);
    } else if (strcmp(task, "bad-output") == 0) {
        r = kai_sdk_write(call->output, "{\"status\":\"finished\",\"message\":\"x\"}");
    } else if (strcmp(task, "bad-step") == 0) {
        r = kai_sdk_write(call->output, "{\"status\":\"done\",\"message\":\"x\",\"steps\":[{\"type\":\"dance\"}]}");
    } else {
        text t;
        text_init(&t);
        appends(&t, "{\"status\":\"done\",\"message\":");
        append_string(&t, task, task_len);
        appends(&t, "}");
        r = t.failed ? kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "out of memory")
                     : call->output->write(call->output, t.b.data, t.b.len);
        kai_sdk_buffer_free(&t.b);
    }
    free(task);
    return r;
}

static kai_result echo(const kai_call *call)
{
    for (int i = 1; i <= 2; i++) {
        kai_event_progress e = {{sizeof e, KAI_EVENT_PROGRESS}, i, 2, str("echoing")};
        emit(call, &e.header);
    }
    return kai_sdk_write(call->output, "{\"content\":[{\"type\":\"text\",\"text\":\"echo\"}]}");
}

static kai_result describe(const kai_output *out) { return kai_sdk_write(out, manifest); }

static kai_result create(const kai_host *host, const kai_output *error, void **instance)
{
    (void)error;
    *instance = (void *)host;
    return KAI_OK;
}

static void destroy(void *instance) { (void)instance; }

static kai_result invoke(void *instance, const kai_call *call)
{
    const kai_host *host = instance;
    if (name_is(call, "services")) return services(host, call);
    if (name_is(call, "echo")) return echo(call);
    if (name_is(call, "locked")) return kai_sdk_write(call->output, "{}");
    if (name_is(call, "probe"))
        return kai_sdk_writef(call->output, "{\"deadline\":%" PRId64 ",\"cancelled\":%s}", host->deadline(host, call),
                              host->is_cancelled(host, call) ? "true" : "false");
    return kai_sdk_fail(call->output, KAI_ERR_NOT_FOUND, "no capability %.*s", (int)call->name.len, call->name.data);
}

static const kai_plugin plugin = {
    .struct_size = sizeof(kai_plugin), .abi_major = KAI_ABI_MAJOR, .abi_minor = AGENT_MINOR,
    .describe = describe, .create = create, .destroy = destroy, .invoke = invoke,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    return host_abi_minor >= AGENT_MINOR ? &plugin : NULL;
}
