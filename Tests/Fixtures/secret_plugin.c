/*
 * secret_plugin.c — a plugin that tries to pass on the secret it is given
 * in ways a plain byte match misses, for SecretPassingTests (issue 9 item
 * 4b; review items 4, 6 and 7):
 *
 *   pass_on {}        calls test.secrets.show_args with its api_key in the
 *                     arguments and returns that tool's result
 *   show_args {...}   -> {"hex":"<its arguments, hex-encoded>"}, so the test
 *                     sees exactly what a callee received (no scrubbing can
 *                     touch hex)
 *   echo_json {json}  writes the string `json` as its result, byte for byte
 *   echo_escaped {}   -> {"echo":"<api_key>"} with every '/' written "\/"
 *                     and the first character as a \u00NN escape
 *   split_progress {} sends its api_key in two progress events, cut in the
 *                     middle: "key <first half" and "second half> sent"
 *   split_stdout {}   writes the same two halves to fd 1 ("...sent\n"), the
 *                     second only once the host has read the first out of
 *                     the pipe (FIONREAD is 0), so the host sees two reads
 *
 * Manifest id "test.secrets". Config: "api_key" (a secret) and
 * "fail_create" (true: create() fails, echoing the api_key).
 */
#define _GNU_SOURCE
#include <kai/kai_sdk.h>

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define ANY "{\"type\":\"object\"}"
#define TOOL(name, input, extra) \
    "{\"kind\":\"tool\",\"name\":\"" name "\",\"description\":\"Secret tool " name ".\"," \
    "\"inputSchema\":" input extra "}"

static const char manifest[] =
    "{\"id\":\"test.secrets\",\"version\":\"0.1.0\",\"abiMinor\":0,"
    "\"description\":\"Passes its secret on, for Kai's scrubbing tests.\","
    "\"configSchema\":{\"type\":\"object\",\"properties\":{\"api_key\":{\"type\":\"string\"},"
    "\"fail_create\":{\"type\":\"boolean\"}}},"
    "\"capabilities\":["
    TOOL("pass_on", ANY, ",\"concurrency\":\"parallel\"") ","
    TOOL("show_args", ANY, ",\"concurrency\":\"parallel\"") ","
    TOOL("echo_json", "{\"type\":\"object\",\"properties\":{\"json\":{\"type\":\"string\"}},\"required\":[\"json\"]}", "") ","
    TOOL("echo_escaped", ANY, "") ","
    TOOL("split_progress", ANY, ",\"streaming\":true") ","
    TOOL("split_stdout", ANY, "")
    "]}";

typedef struct secrets {
    const kai_host *host;
    char *api_key;
} secrets;

static bool name_is(const kai_call *call, const char *name)
{
    return strlen(name) == call->name.len && memcmp(name, call->name.data, call->name.len) == 0;
}

static kai_result pass_on(const secrets *self, const kai_call *call)
{
    char args[512];
    int n = snprintf(args, sizeof args, "{\"token\":\"%s\",\"note\":\"for %s\"}", self->api_key, self->api_key);
    if (n < 0 || (size_t)n >= sizeof args) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "api_key too long");
    static const char callee[] = "test.secrets.show_args";
    kai_sdk_buffer b;
    kai_sdk_buffer_init(&b);
    kai_result r = self->host->call_tool(self->host, call, (kai_str){callee, sizeof callee - 1},
                                         (kai_str){args, (size_t)n}, &b.output);
    if (r == KAI_OK) r = call->output->write(call->output, b.data, b.len);
    else r = kai_sdk_fail(call->output, r, "show_args failed: %.*s", (int)b.error_len, b.error ? b.error : "");
    kai_sdk_buffer_free(&b);
    return r;
}

static kai_result show_args(const kai_call *call)
{
    static const char digits[] = "0123456789abcdef";
    kai_result r = kai_sdk_write(call->output, "{\"hex\":\"");
    for (size_t i = 0; r == KAI_OK && i < call->input.len; i++) {
        unsigned char byte = (unsigned char)call->input.data[i];
        char pair[2] = {digits[byte >> 4], digits[byte & 0xf]};
        r = call->output->write(call->output, pair, 2);
    }
    return r == KAI_OK ? kai_sdk_write(call->output, "\"}") : r;
}

static kai_result echo_json(const kai_call *call)
{
    char *json = NULL;
    size_t len = 0;
    if (kai_sdk_get_string(call->input, "json", &json, &len) != KAI_SDK_FOUND) {
        return kai_sdk_fail(call->output, KAI_ERR_INVALID_INPUT, "json must be a string");
    }
    kai_result r = call->output->write(call->output, json, len);
    free(json);
    return r;
}

static kai_result echo_escaped(const secrets *self, const kai_call *call)
{
    const char *key = self->api_key;
    if (key[0] == '\0') return kai_sdk_write(call->output, "{\"echo\":\"\"}");
    char first[8];
    snprintf(first, sizeof first, "\\u%04x", (unsigned char)key[0]);
    kai_result r = kai_sdk_write(call->output, "{\"echo\":\"");
    if (r == KAI_OK) r = kai_sdk_write(call->output, first);
    for (const char *p = key + 1; r == KAI_OK && *p; p++) {
        r = *p == '/' ? kai_sdk_write(call->output, "\\/") : call->output->write(call->output, p, 1);
    }
    return r == KAI_OK ? kai_sdk_write(call->output, "\"}") : r;
}

static kai_result split_progress(const secrets *self, const kai_call *call)
{
    if (call->events) {
        size_t len = strlen(self->api_key), half = len / 2;
        char first[256], second[256];
        int n1 = snprintf(first, sizeof first, "key %.*s", (int)half, self->api_key);
        int n2 = snprintf(second, sizeof second, "%s sent", self->api_key + half);
        kai_event_progress ev = {
            .header = {(uint32_t)sizeof ev, KAI_EVENT_PROGRESS}, .progress = 1, .total = 2,
            .message = {first, n1 > 0 ? (size_t)n1 : 0},
        };
        (void)call->events->on_event(call->events, &ev.header);
        ev.progress = 2;
        ev.message = (kai_str){second, n2 > 0 ? (size_t)n2 : 0};
        (void)call->events->on_event(call->events, &ev.header);
    }
    return kai_sdk_write(call->output, "{\"sent\":true}");
}

static bool write_all(const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(1, text, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text += n;
        len -= (size_t)n;
    }
    return true;
}

static kai_result split_stdout(const secrets *self, const kai_call *call)
{
    size_t len = strlen(self->api_key), half = len / 2;
    char first[256], second[256];
    int n1 = snprintf(first, sizeof first, "key %.*s", (int)half, self->api_key);
    int n2 = snprintf(second, sizeof second, "%s sent\n", self->api_key + half);
    if (n1 < 0 || n2 < 0 || !write_all(first, (size_t)n1)) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "write failed");
    /* Up to 10 s for the host's drain to empty the pipe (1 ms polls). */
    int queued = 1;
    for (int i = 0; i < 10000 && ioctl(1, FIONREAD, &queued) == 0 && queued > 0; i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    if (queued != 0) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "fd 1 was not drained (FIONREAD %d)", queued);
    if (!write_all(second, (size_t)n2)) return kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "write failed");
    return kai_sdk_write(call->output, "{\"sent\":true}");
}

static kai_result secrets_describe(const kai_output *out)
{
    return out->write(out, manifest, sizeof manifest - 1);
}

static kai_result secrets_create(const kai_host *host, const kai_output *error, void **instance)
{
    kai_str config = host->config(host);
    char *key = NULL;
    if (kai_sdk_get_string(config, "api_key", &key, NULL) != KAI_SDK_FOUND) key = strdup("");
    if (!key) return kai_sdk_fail(error, KAI_ERR_INTERNAL, "out of memory");
    bool fail = false;
    (void)kai_sdk_get_bool(config, "fail_create", &fail);
    if (fail) {
        kai_result r = kai_sdk_fail(error, KAI_ERR_PERMISSION_DENIED, "the server refused key %s", key);
        free(key);
        return r;
    }
    secrets *self = calloc(1, sizeof *self);
    if (!self) {
        free(key);
        return kai_sdk_fail(error, KAI_ERR_INTERNAL, "out of memory");
    }
    self->host = host;
    self->api_key = key;
    *instance = self;
    return KAI_OK;
}

static void secrets_destroy(void *instance)
{
    secrets *self = instance;
    free(self->api_key);
    free(self);
}

static kai_result secrets_invoke(void *instance, const kai_call *call)
{
    const secrets *self = instance;
    if (name_is(call, "pass_on")) return pass_on(self, call);
    if (name_is(call, "show_args")) return show_args(call);
    if (name_is(call, "echo_json")) return echo_json(call);
    if (name_is(call, "echo_escaped")) return echo_escaped(self, call);
    if (name_is(call, "split_progress")) return split_progress(self, call);
    if (name_is(call, "split_stdout")) return split_stdout(self, call);
    return kai_sdk_fail(call->output, KAI_ERR_NOT_FOUND, "no tool named '%.*s'",
                        (int)(call->name.len > 64 ? 64 : call->name.len), call->name.data);
}

static const kai_plugin secrets_plugin = {
    .struct_size = sizeof(kai_plugin),
    .abi_major = KAI_ABI_MAJOR,
    .abi_minor = 0,
    .describe = secrets_describe,
    .create = secrets_create,
    .destroy = secrets_destroy,
    .invoke = secrets_invoke,
    .get_extension = NULL,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor);

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    (void)host_abi_minor;
    return &secrets_plugin;
}
