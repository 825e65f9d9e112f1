/*
 * retry_provider.c — an ABI 1.1 provider whose failures carry the details
 * JSON's router hints ("retry_after_s", "http_status"; kai_provider.h), for
 * the router's Retry-After tests and KaiCore's parsing of the hints. Plain C
 * against the SDK headers, as a third party would write it.
 *
 * Manifest id "test.retry"; one provider, "busy". The request's model picks
 * what it does:
 *   ok           answers "ok from busy".
 *   flaky-N      fails UNAVAILABLE with {"retry_after_s": N, "http_status":
 *                429} on this process's 1st, 3rd, 5th... call and answers on
 *                the others: a server whose Retry-After is honest.
 *   always-N     always fails like flaky-N (http_status 503).
 *   bad-hints    fails UNAVAILABLE with hints that are not non-negative
 *                integers ("retry_after_s": "7", "http_status": -1).
 *   refuse       fails INVALID_INPUT (a 400: the caller's own error).
 *   not-json     answers KAI_OK with output that is not JSON (a contract
 *                violation only the host's check sees).
 */
#include <kai/kai_sdk.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char manifest[] =
    "{\"id\":\"test.retry\",\"version\":\"0.1.0\",\"abiMinor\":1,"
    "\"description\":\"A provider whose errors carry Retry-After hints.\","
    "\"capabilities\":["
    "{\"kind\":\"provider\",\"name\":\"busy\",\"description\":\"Fails as its model says.\",\"models\":[\"ok\"]}"
    "]}";

static atomic_int flaky_calls;

static kai_result describe(const kai_output *out) { return kai_sdk_write(out, manifest); }

static kai_result create(const kai_host *host, const kai_output *error, void **instance)
{
    (void)error;
    *instance = (void *)host;
    return KAI_OK;
}

static void destroy(void *instance) { (void)instance; }

/* The details JSON as is: kai_sdk_fail would wrap the text in "message". */
static kai_result fail_with(const kai_call *call, kai_result code, const char *details)
{
    if (call->output->set_error) call->output->set_error(call->output, details, strlen(details));
    return code;
}

static kai_result answer(const kai_call *call, const char *model)
{
    kai_result r = kai_sdk_write(call->output, "{\"message\":{\"role\":\"assistant\",\"content\":\"ok from busy\"},"
                                               "\"finish_reason\":\"stop\",\"model\":");
    if (r == KAI_OK) r = kai_sdk_write_json_string(call->output, model, strlen(model));
    if (r == KAI_OK) r = kai_sdk_write(call->output, "}");
    return r;
}

static kai_result busy(const kai_call *call)
{
    char *model = NULL;
    size_t len = 0;
    if (kai_sdk_get_string(call->input, "model", &model, &len) != KAI_SDK_FOUND) model = strdup("ok");
    char details[256];
    kai_result r;
    int seconds = 0;
    if (sscanf(model, "flaky-%d", &seconds) == 1) {
        if (atomic_fetch_add(&flaky_calls, 1) % 2 == 0) {
            snprintf(details, sizeof details,
                     "{\"message\":\"busy is limiting requests: HTTP 429; wait %d s (its Retry-After)\","
                     "\"retry_after_s\":%d,\"http_status\":429}", seconds, seconds);
            r = fail_with(call, KAI_ERR_UNAVAILABLE, details);
        } else {
            r = answer(call, model);
        }
    } else if (sscanf(model, "always-%d", &seconds) == 1) {
        snprintf(details, sizeof details,
                 "{\"message\":\"busy failed: HTTP 503; it asks to retry after %d s (Retry-After)\","
                 "\"retry_after_s\":%d,\"http_status\":503}", seconds, seconds);
        r = fail_with(call, KAI_ERR_UNAVAILABLE, details);
    } else if (strcmp(model, "bad-hints") == 0) {
        r = fail_with(call, KAI_ERR_UNAVAILABLE, "{\"message\":\"busy failed\",\"retry_after_s\":\"7\",\"http_status\":-1}");
    } else if (strcmp(model, "not-json") == 0) {
        r = kai_sdk_write(call->output, "{\"message\": {\"role\": \"assistant\", \"content\": \"cut");
    } else if (strcmp(model, "refuse") == 0) {
        r = fail_with(call, KAI_ERR_INVALID_INPUT, "{\"message\":\"busy rejected the request: HTTP 400\",\"http_status\":400}");
    } else {
        r = answer(call, model);
    }
    free(model);
    return r;
}

static kai_result invoke(void *instance, const kai_call *call)
{
    (void)instance;
    return busy(call);
}

static const kai_plugin plugin = {
    .struct_size = sizeof(kai_plugin), .abi_major = KAI_ABI_MAJOR, .abi_minor = 1,
    .describe = describe, .create = create, .destroy = destroy, .invoke = invoke,
};

KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    return host_abi_minor >= 1 ? &plugin : NULL;
}
