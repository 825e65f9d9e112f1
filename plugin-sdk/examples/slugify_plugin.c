/*
 * slugify_plugin.c — a complete Kai plugin in one file: one tool, `slugify`,
 * that turns "Hello, World!" into "hello-world".
 *
 * Build it exactly as a third party would, against the SDK headers alone:
 *
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden \
 *      -I plugin-sdk/include -o libslugify.so plugin-sdk/examples/slugify_plugin.c
 *
 * The result depends on libc only and exports one symbol,
 * kai_plugin_entry_v1 (check with `nm -D --defined-only libslugify.so`).
 */

/* First include: kai_sdk.h turns on POSIX clocks before any system header,
 * then includes <kai/kai_plugin.h>, the contract itself. */
#include <kai/kai_sdk.h>

/* 1. The manifest: who we are and what we offer. Static text, so describe()
 *    is trivially the same on every call (the host caches it). The host
 *    validates arguments against inputSchema before invoke() ever runs, and
 *    fills configSchema defaults in before create(). */
static const char manifest[] =
    "{\"id\":\"com.example.slugify\",\"version\":\"1.0.0\",\"abiMinor\":0,"
    "\"description\":\"Turns titles into URL slugs.\","
    "\"configSchema\":{\"type\":\"object\",\"properties\":{"
    "\"max_length\":{\"type\":\"integer\",\"minimum\":1,\"default\":80}}},"
    "\"capabilities\":[{\"kind\":\"tool\",\"name\":\"slugify\","
    "\"description\":\"Lowercases ASCII letters and digits and joins them with the separator; "
    "everything else (punctuation, spaces, non-ASCII) separates words.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{"
    "\"text\":{\"type\":\"string\"},"
    "\"separator\":{\"type\":\"string\",\"enum\":[\"-\",\"_\",\".\"],\"default\":\"-\"}},"
    "\"required\":[\"text\"],\"additionalProperties\":false},"
    "\"outputSchema\":{\"type\":\"object\",\"properties\":{\"slug\":{\"type\":\"string\"}},"
    "\"required\":[\"slug\"]},"
    "\"annotations\":{\"readOnlyHint\":true,\"destructiveHint\":false,"
    "\"idempotentHint\":true,\"openWorldHint\":false},"
    "\"concurrency\":\"parallel\",\"tags\":[\"text\",\"writing\"]}]}";

/* 2. Per-instance state: what create() learned from the host. */
typedef struct slugify_instance {
    const kai_host *host; /* valid until destroy() returns */
    size_t max_length;
} slugify_instance;

/* [load-thread] Writes the manifest. Must not call host services. */
static kai_result slugify_describe(const kai_output *out)
{
    return out->write(out, manifest, sizeof manifest - 1);
}

/* [load-thread] Reads the operator's config and allocates the instance. A
 * bad config fails here, naming the key, so no call ever sees it. */
static kai_result slugify_create(const kai_host *host, const kai_output *error, void **instance)
{
    int64_t max_length = 80;
    kai_sdk_status st = kai_sdk_get_int64(host->config(host), "max_length", &max_length);
    if ((st != KAI_SDK_FOUND && st != KAI_SDK_MISSING) || max_length < 1) {
        return kai_sdk_fail(error, KAI_ERR_INVALID_INPUT, "config key max_length must be an integer >= 1");
    }
    slugify_instance *self = malloc(sizeof *self);
    if (!self) return kai_sdk_fail(error, KAI_ERR_INTERNAL, "out of memory");
    self->host = host;
    self->max_length = (uint64_t)max_length > SIZE_MAX ? SIZE_MAX : (size_t)max_length;
    /* Never printf: stdout may be the host's protocol channel. Log instead. */
    kai_sdk_log(host, KAI_LOG_DEBUG, "slugify ready, max_length=%zu", self->max_length);
    *instance = self;
    return KAI_OK;
}

/* [load-thread] Frees what create() allocated. No invoke() is running. */
static void slugify_destroy(void *instance)
{
    free(instance);
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* [instance] Runs one call. The manifest says "parallel", so this may run on
 * several threads at once: it touches only its own locals and the read-only
 * instance. Input is BORROWED until we return; output is COPIED by the sink. */
static kai_result slugify_invoke(void *instance, const kai_call *call)
{
    const slugify_instance *self = instance;
    const kai_output *out = call->output;
    if (call->kind != KAI_KIND_TOOL || call->name.len != 7 || memcmp(call->name.data, "slugify", 7) != 0) {
        return kai_sdk_fail(out, KAI_ERR_NOT_FOUND, "this plugin has one tool, slugify");
    }

    char *text = NULL, *sep = NULL;
    size_t len = 0;
    if (kai_sdk_get_string(call->input, "text", &text, &len) != KAI_SDK_FOUND) {
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "\"text\" must be a string");
    }
    kai_sdk_status st = kai_sdk_get_string(call->input, "separator", &sep, NULL);
    if (st == KAI_SDK_MISSING) {
        sep = NULL; /* the schema default, "-" */
    } else if (st != KAI_SDK_FOUND || strlen(sep) != 1 || strchr("-_.", sep[0]) == NULL) {
        free(text);
        free(sep);
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "\"separator\" must be one of \"-\", \"_\", \".\"");
    }
    const char separator = sep ? sep[0] : '-';
    free(sep);

    /* The slug is never longer than the text, nor than max_length. */
    char *slug = malloc(len + 1);
    if (!slug) {
        free(text);
        return kai_sdk_fail(out, KAI_ERR_INTERNAL, "out of memory");
    }
    size_t n = 0;
    bool gap = false;
    kai_result r = KAI_OK;
    for (size_t i = 0; i < len && n < self->max_length; i++) {
        /* Long work polls the deadline and cancellation now and then and
         * gives up promptly; the host cannot interrupt native code. */
        if (i % 65536 == 65535 && (r = kai_sdk_should_stop(self->host, call)) != KAI_OK) break;
        const char c = text[i];
        if (!is_alnum(c)) {
            gap = true;
            continue;
        }
        if (gap && n > 0) {
            if (n + 1 >= self->max_length) break; /* never end on a separator */
            slug[n++] = separator;
        }
        gap = false;
        slug[n++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    free(text);

    if (r != KAI_OK) {
        r = kai_sdk_fail(out, r, r == KAI_ERR_CANCELLED ? "cancelled" : "gave up at the deadline");
    } else {
        /* Strings always go out through the JSON escaper: output must be
         * one valid JSON value whatever the input was. */
        r = kai_sdk_write(out, "{\"slug\":");
        if (r == KAI_OK) r = kai_sdk_write_json_string(out, slug, n);
        if (r == KAI_OK) r = kai_sdk_write(out, "}");
    }
    free(slug);
    return r;
}

/* 3. The descriptor: a static const, valid for the life of the process. */
static const kai_plugin slugify_plugin = {
    .struct_size = sizeof(kai_plugin),
    .abi_major = KAI_ABI_MAJOR,
    .abi_minor = 0, /* we use nothing newer than 1.0, so any 1.x host loads us */
    .describe = slugify_describe,
    .create = slugify_create,
    .destroy = slugify_destroy,
    .invoke = slugify_invoke,
    .get_extension = NULL, /* no optional features */
};

/* 4. The one exported symbol. It does no work: it only returns the table. */
KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    (void)host_abi_minor;
    return &slugify_plugin;
}
