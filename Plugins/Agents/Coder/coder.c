/*
 * coder.c — the bundled `coder` agent (plugin dev.kai.coder, ABI 1.2).
 *
 * Written in plain C11 against the SDK headers alone, to prove that an agent
 * needs nothing but <kai/kai_plugin.h> (the contract) and <kai/kai_sdk.h>
 * (header-only JSON reading and writing). A third party builds it with
 *
 *     cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden \
 *        -I plugin-sdk/include -o libcoder.so coder.c
 *
 * What it does, for an input {task, tests, entry_point?, limits.max_attempts}:
 * for attempt 1..N it asks the run's provider for a complete Python solution
 * in one ```python block (later attempts see every earlier answer and the
 * sandbox's verdict on it), runs that code with the tests through the
 * sandbox_run tool (kai_host_agent_v1.call_tool: the approval policy applies
 * and the user watches the call), and reports each attempt as a STEP event.
 * It stops when the tests pass (status "done") or after N attempts (status
 * "gave_up", saying so and showing the last failure). It keeps no state
 * between calls: a resumed or continued run starts its attempts again.
 */
#include <kai/kai_sdk.h> /* first: it sets _POSIX_C_SOURCE for strict C11 */

#include <kai/kai_plugin.h>

#define CODER_DEFAULT_ATTEMPTS 3
/* How much of the sandbox's answer goes back to the model per attempt:
 * enough for a traceback, not a megabyte of output in every request. */
#define CODER_FEEDBACK_MAX 4000

static const char coder_manifest[] =
    "{\"id\":\"dev.kai.coder\",\"name\":\"Kai coder\",\"version\":\"1.0.0\",\"abiMinor\":2,"
    "\"description\":\"A coding agent in plain C: writes Python for a task with tests, runs it in Kai's sandbox "
    "and feeds the verdict back to the model until the tests pass or the attempts run out.\","
    "\"configSchema\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{}},"
    "\"capabilities\":[{\"kind\":\"agent\",\"name\":\"coder\",\"title\":\"Coder\","
    "\"description\":\"Writes a Python solution for a task that comes with tests, runs it with the tests in "
    "Kai's sandbox (the sandbox_run tool), shows the model the sandbox's verdict and output, and stops when the "
    "tests pass or after limits.max_attempts attempts (default 3), saying honestly which.\","
    "\"concurrency\":\"parallel\",\"streaming\":true,\"tags\":[\"code\",\"coding\"]}]}";

static const char coder_system_prompt[] =
    "You are a careful Python programmer. Write a complete, self-contained Python solution for the task. "
    "Answer with exactly one ```python code block holding the whole solution (imports included) and "
    "nothing that runs the tests: Kai runs them itself, after your code.";

/* The host's services, kept from create() for every invoke(). */
typedef struct coder_instance {
    const kai_host *host;
} coder_instance;

/* The input, decoded. Strings are malloc'd and NUL-terminated; NULL when absent. */
typedef struct coder_input {
    char *task, *tests, *entry_point, *provider, *system;
    int64_t max_attempts;
} coder_input;

/* One attempt: the code the model gave and what the sandbox said of it. */
typedef struct coder_attempt {
    char *code;
    char *feedback;
} coder_attempt;

/* Everything one invoke() works with. */
typedef struct coder_run {
    const kai_host *host;
    const kai_host_agent_v1 *agent;
    const kai_call *call;
    coder_input in;
    char *tests_arg;            /* the tests, plus check(ENTRY_POINT) when given */
    coder_attempt *attempts;    /* one per attempt made so far */
    int64_t count;
    kai_sdk_buffer steps;       /* the attempt steps, comma-separated JSON objects */
    int64_t input_tokens, output_tokens;
    double cost_usd;
    bool cost_known;
    bool refused;               /* sandbox_run was denied: no attempt can be tested */
} coder_run;

/* Appends to a buffer; any failure there is running out of memory. */
#define CODER_TRY(expr) do { if ((expr) != KAI_OK) return KAI_ERR_INTERNAL; } while (0)

static kai_result coder_append(kai_sdk_buffer *b, const char *s, size_t len)
{
    return b->output.write(&b->output, s, len);
}

static kai_result coder_append_string(kai_sdk_buffer *b, const char *s)
{
    return kai_sdk_write_json_string(&b->output, s, strlen(s));
}

static char *coder_strdup(const char *s, size_t len)
{
    char *copy = (char *)malloc(len + 1);
    if (!copy) return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

static char *coder_strdup_z(const char *s)
{
    return coder_strdup(s, strlen(s));
}

/* ---------------------------------------------------------------------- */
/* Input                                                                  */
/* ---------------------------------------------------------------------- */

static void coder_input_free(coder_input *in)
{
    free(in->task);
    free(in->tests);
    free(in->entry_point);
    free(in->provider);
    free(in->system);
    memset(in, 0, sizeof *in);
}

/* An optional string member: NULL when absent; false when present but not a
 * string, or out of memory. */
static bool coder_optional_string(kai_str json, const char *key, char **out)
{
    kai_sdk_status st = kai_sdk_get_string(json, key, out, NULL);
    return st == KAI_SDK_FOUND || st == KAI_SDK_MISSING;
}

/* The coder's own first prompt, as a session's history keeps it, back to
 * the task it was made from (see coder_write_task). */
static void coder_unwrap_task(char *text)
{
    static const char prefix[] = "Task:\n";
    const size_t skip = sizeof prefix - 1;
    if (strncmp(text, prefix, skip) != 0) return;
    /* The marker is searched only after the prefix: found inside it (a first
     * message of just "Task:\n\nYour code must pass these tests"), the length
     * below would wrap. Without the marker this is not the coder's prompt. */
    char *end = strstr(text + skip, "\n\nYour code must pass these tests");
    if (!end) return;
    size_t len = (size_t)(end - (text + skip));
    memmove(text, text + skip, len);
    text[len] = '\0';
}

/* A resumed or continued session gives "messages" instead of "task": the
 * coder's own conversation so far (the host keeps the last model request's
 * messages) and, for --continue, the user's follow-up last. The task is the
 * first user message (unwrapped), plus that follow-up when there is one:
 * a last user message that is not the coder's own "Attempt N failed" report. */
static kai_result coder_task_from_messages(kai_str input, char **task)
{
    kai_str messages, item;
    if (!kai_sdk_find(input, "messages", &messages)) return KAI_OK;
    char *first = NULL, *last = NULL;
    size_t pos = 0;
    int more;
    while ((more = kai_sdk_array_next(messages, &pos, &item)) > 0) {
        char *role = NULL, *content = NULL;
        if (kai_sdk_get_string(item, "role", &role, NULL) == KAI_SDK_FOUND && strcmp(role, "user") == 0
            && kai_sdk_get_string(item, "content", &content, NULL) == KAI_SDK_FOUND) {
            if (!first) first = content;
            else { free(last); last = content; }
            content = NULL;
        }
        free(role);
        free(content);
    }
    kai_result r = more < 0 ? KAI_ERR_INVALID_INPUT : KAI_OK;
    if (r == KAI_OK && first) {
        coder_unwrap_task(first);
        kai_sdk_buffer joined;
        kai_sdk_buffer_init(&joined);
        bool follow_up = last && last[0] && strncmp(last, "Attempt ", 8) != 0;
        if (kai_sdk_write(&joined.output, first) != KAI_OK
            || (follow_up && kai_sdk_writef(&joined.output, "\n\n%s", last) != KAI_OK))
            r = KAI_ERR_INTERNAL;
        free(*task);
        *task = r == KAI_OK ? joined.data : NULL; /* the buffer's NUL-terminated bytes, now the task's */
        if (r != KAI_OK) kai_sdk_buffer_free(&joined);
    }
    free(first);
    free(last);
    return r;
}

/* A task typed at `kai run` may carry its own tests: a line starting with
 * "Tests:" followed by a fenced block (the model sees them in the task too). */
static kai_result coder_tests_from_task(coder_input *in)
{
    const char *task = in->task, *mark = NULL;
    for (const char *p = task; (p = strstr(p, "Tests:")) != NULL; p += 6)
        if (p == task || p[-1] == '\n') mark = p;
    if (!mark) return KAI_OK;
    const char *fence = strstr(mark, "```");
    const char *body = fence ? strchr(fence + 3, '\n') : NULL;
    if (!body) return KAI_OK;
    body++;
    const char *close = strstr(body, "```");
    size_t len = close ? (size_t)(close - body) : strlen(body);
    free(in->tests);
    in->tests = coder_strdup(body, len);
    return in->tests ? KAI_OK : KAI_ERR_INTERNAL;
}

static kai_result coder_read_input(const kai_call *call, coder_input *in)
{
    const kai_output *out = call->output;
    kai_str input = call->input, limits;
    memset(in, 0, sizeof *in);
    in->max_attempts = CODER_DEFAULT_ATTEMPTS;
    if (!coder_optional_string(input, "task", &in->task) || !coder_optional_string(input, "tests", &in->tests)
        || !coder_optional_string(input, "entry_point", &in->entry_point)
        || !coder_optional_string(input, "provider", &in->provider)
        || !coder_optional_string(input, "system", &in->system))
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "the coder's input is not an agent input (agent-input.schema.json)");
    if (!in->task && coder_task_from_messages(input, &in->task) != KAI_OK)
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "the coder's input has malformed \"messages\"");
    if (!in->task || !in->task[0])
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "the coder needs a task: give \"task\" (or \"messages\" ending in a user message)");
    if ((!in->tests || !in->tests[0]) && coder_tests_from_task(in) != KAI_OK)
        return kai_sdk_fail(out, KAI_ERR_INTERNAL, "out of memory");
    if (!in->tests || !in->tests[0])
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT,
                            "the coder needs tests to know when the code is right: give \"tests\" in its input (Python run "
                            "after the code, e.g. asserts), or end the task with a line \"Tests:\" and a ```python block");
    if (kai_sdk_find(input, "limits", &limits)) {
        kai_sdk_status st = kai_sdk_get_int64(limits, "max_attempts", &in->max_attempts);
        if ((st != KAI_SDK_FOUND && st != KAI_SDK_MISSING) || in->max_attempts < 1)
            return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT, "limits.max_attempts must be a whole number of at least 1");
    }
    return KAI_OK;
}

/* ---------------------------------------------------------------------- */
/* Asking the model                                                       */
/* ---------------------------------------------------------------------- */

static kai_result coder_write_message(kai_sdk_buffer *b, const char *role, const char *content)
{
    CODER_TRY(kai_sdk_writef(&b->output, ",{\"role\":\"%s\",\"content\":", role));
    CODER_TRY(coder_append_string(b, content));
    return coder_append(b, "}", 1);
}

/* The first user message: the task and the tests the code must pass. */
static kai_result coder_write_task(coder_run *run, kai_sdk_buffer *b)
{
    kai_sdk_buffer text;
    kai_sdk_buffer_init(&text);
    kai_result r = KAI_OK;
    if (kai_sdk_writef(&text.output, "Task:\n%s\n\nYour code must pass these tests, which Kai runs after it:\n```python\n%s\n```\n",
                       run->in.task, run->tests_arg) != KAI_OK
        || kai_sdk_write(&text.output, "Answer with the complete solution in one ```python block.") != KAI_OK
        || coder_write_message(b, "user", text.data) != KAI_OK)
        r = KAI_ERR_INTERNAL;
    kai_sdk_buffer_free(&text);
    return r;
}

/* Earlier attempts as turns: the model's code, then the sandbox's verdict. */
static kai_result coder_write_attempt(const coder_attempt *a, int64_t number, kai_sdk_buffer *b)
{
    kai_sdk_buffer text;
    kai_sdk_buffer_init(&text);
    kai_result r = KAI_OK;
    if (kai_sdk_writef(&text.output, "```python\n%s\n```", a->code ? a->code : "") != KAI_OK
        || coder_write_message(b, "assistant", text.data) != KAI_OK)
        r = KAI_ERR_INTERNAL;
    kai_sdk_buffer_free(&text);
    if (r != KAI_OK) return r;
    if (kai_sdk_writef(&text.output, "Attempt %lld failed. The sandbox ran your code with the tests:\n%s\n\n"
                       "Fix the code and answer with the complete corrected solution in one ```python block.",
                       (long long)number, a->feedback) != KAI_OK
        || coder_write_message(b, "user", text.data) != KAI_OK)
        r = KAI_ERR_INTERNAL;
    kai_sdk_buffer_free(&text);
    return r;
}

/* The chat request for the next attempt (chat-request.schema.json). */
static kai_result coder_request(coder_run *run, kai_sdk_buffer *b)
{
    CODER_TRY(kai_sdk_write(&b->output, "{\"messages\":[{\"role\":\"system\",\"content\":"));
    kai_sdk_buffer system;
    kai_sdk_buffer_init(&system);
    bool ok = (!run->in.system || kai_sdk_writef(&system.output, "%s\n\n", run->in.system) == KAI_OK)
        && kai_sdk_write(&system.output, coder_system_prompt) == KAI_OK
        && coder_append_string(b, system.data) == KAI_OK;
    kai_sdk_buffer_free(&system);
    if (!ok) return KAI_ERR_INTERNAL;
    CODER_TRY(coder_append(b, "}", 1));
    CODER_TRY(coder_write_task(run, b));
    for (int64_t i = 0; i < run->count; i++) CODER_TRY(coder_write_attempt(&run->attempts[i], i + 1, b));
    return coder_append(b, "]}", 2);
}

/* Adds a chat response's usage to the run's. */
static void coder_add_usage(coder_run *run, kai_str response)
{
    kai_str usage;
    int64_t tokens;
    double cost;
    if (!kai_sdk_find(response, "usage", &usage)) return;
    if (kai_sdk_get_int64(usage, "input_tokens", &tokens) == KAI_SDK_FOUND) run->input_tokens += tokens;
    if (kai_sdk_get_int64(usage, "output_tokens", &tokens) == KAI_SDK_FOUND) run->output_tokens += tokens;
    if (kai_sdk_get_double(usage, "cost_usd", &cost) == KAI_SDK_FOUND) {
        run->cost_usd += cost;
        run->cost_known = true;
    }
}

/* Passes a failed service's code and details on as this call's failure:
 * a budget refusal, a cancellation or a pending approval ends the run, and
 * the host reads them from here. */
static kai_result coder_pass_on(const coder_run *run, kai_result code, const kai_sdk_buffer *failed, const char *what)
{
    if (failed->error && failed->error_len > 0) {
        (void)run->call->output->set_error(run->call->output, failed->error, failed->error_len);
        return code;
    }
    return kai_sdk_fail(run->call->output, code, "%s failed with code %d", what, (int)code);
}

/* Asks the provider; on success *answer is the assistant's text (malloc'd). */
static kai_result coder_ask(coder_run *run, char **answer)
{
    kai_sdk_buffer request, response;
    kai_sdk_buffer_init(&request);
    kai_sdk_buffer_init(&response);
    kai_result r = coder_request(run, &request);
    if (r != KAI_OK) {
        kai_sdk_buffer_free(&request);
        return kai_sdk_fail(run->call->output, r, "out of memory while writing the request");
    }
    const char *provider = run->in.provider ? run->in.provider : "";
    r = run->host->provider_complete(run->host, run->call, (kai_str){provider, strlen(provider)},
                                     (kai_str){request.data, request.len}, &response.output);
    kai_sdk_buffer_free(&request);
    if (r != KAI_OK) {
        r = coder_pass_on(run, r, &response, "the provider call");
        kai_sdk_buffer_free(&response);
        return r;
    }
    kai_str text = {response.data, response.len}, message;
    coder_add_usage(run, text);
    kai_sdk_status st = KAI_SDK_MISSING;
    if (kai_sdk_find(text, "message", &message)) st = kai_sdk_get_string(message, "content", answer, NULL);
    kai_sdk_buffer_free(&response);
    if (st == KAI_SDK_NO_MEMORY) return kai_sdk_fail(run->call->output, KAI_ERR_INTERNAL, "out of memory");
    /* null content (tool calls only) or none at all: an empty answer. */
    if (st != KAI_SDK_FOUND && !(*answer = coder_strdup("", 0)))
        return kai_sdk_fail(run->call->output, KAI_ERR_INTERNAL, "out of memory");
    return KAI_OK;
}

/* ---------------------------------------------------------------------- */
/* The code in an answer                                                  */
/* ---------------------------------------------------------------------- */

/* The first fenced block (```python, ```py or a bare ```), else the whole
 * answer when it has no fence at all (small models often forget it); an
 * empty string when there is nothing. Returns NULL only out of memory. */
static char *coder_extract_code(const char *answer)
{
    const char *open = strstr(answer, "```");
    if (!open) return coder_strdup(answer, strlen(answer));
    const char *body = strchr(open + 3, '\n');
    if (!body) return coder_strdup("", 0);
    body++;
    const char *close = strstr(body, "```");
    size_t len = close ? (size_t)(close - body) : strlen(body);
    while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r' || body[len - 1] == ' ')) len--;
    return coder_strdup(body, len);
}

/* ---------------------------------------------------------------------- */
/* Running the tests                                                      */
/* ---------------------------------------------------------------------- */

/* The text of an MCP tool result's first content item, cut to the feedback
 * limit on a UTF-8 boundary. Returns NULL only out of memory. */
static char *coder_result_text(kai_str result)
{
    kai_str content, item;
    char *text = NULL;
    size_t len = 0, pos = 0;
    if (kai_sdk_find(result, "content", &content) && kai_sdk_array_next(content, &pos, &item) > 0)
        (void)kai_sdk_get_string(item, "text", &text, &len);
    if (!text) return coder_strdup_z("(the sandbox gave no output)");
    if (len > CODER_FEEDBACK_MAX) {
        len = CODER_FEEDBACK_MAX;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80) len--;
        text[len] = '\0';
    }
    return text;
}

/* Whether the tests passed: MCP's isError (absent means false), checked
 * against sandbox_run's own verdict when the result has one. */
static bool coder_passed(kai_str result)
{
    bool is_error = false;
    kai_str structured;
    char *verdict = NULL;
    kai_sdk_status st = kai_sdk_get_bool(result, "isError", &is_error);
    if (st != KAI_SDK_FOUND && st != KAI_SDK_MISSING) return false;
    if (is_error) return false;
    if (!kai_sdk_find(result, "structuredContent", &structured)
        || kai_sdk_get_string(structured, "verdict", &verdict, NULL) != KAI_SDK_FOUND)
        return true;
    bool ok = strcmp(verdict, "ok") == 0;
    free(verdict);
    return ok;
}

/* The sandbox_run arguments: {"language":"python","code":...,"tests":...}. */
static kai_result coder_tool_args(const coder_run *run, const char *code, kai_sdk_buffer *b)
{
    CODER_TRY(kai_sdk_write(&b->output, "{\"language\":\"python\",\"code\":"));
    CODER_TRY(coder_append_string(b, code[0] ? code : "pass"));
    CODER_TRY(kai_sdk_write(&b->output, ",\"tests\":"));
    CODER_TRY(coder_append_string(b, run->tests_arg));
    return coder_append(b, "}", 1);
}

/* Whether failure details say the approval policy (or a person) refused
 * the call: {"approval": "denied"}. A pending approval is not a refusal. */
static bool coder_denied(kai_result r, const kai_sdk_buffer *result)
{
    char *approval = NULL;
    if (r != KAI_ERR_PERMISSION_DENIED || !result->error) return false;
    (void)kai_sdk_get_string((kai_str){result->error, result->error_len}, "approval", &approval, NULL);
    bool denied = approval && strcmp(approval, "denied") == 0;
    free(approval);
    return denied;
}

/* The tool failed as a call (not as code). A refusal ends the attempts
 * (nothing could be tested) with *feedback saying why; anything else ends
 * the call: no such tool, a pending approval or a cancellation (passed on
 * unchanged, so the host pauses or stops the run). */
static kai_result coder_tool_failed(coder_run *run, kai_result r, const kai_sdk_buffer *result, char **feedback)
{
    if (r == KAI_ERR_NOT_FOUND)
        return kai_sdk_fail(run->call->output, KAI_ERR_NOT_FOUND,
                            "the coder needs the sandbox_run tool (plugin dev.kai.sandbox), which this run does not offer: "
                            "enable the plugin, do not deny the tool in the approvals policy, and name it when the run lists "
                            "its tools (--tool sandbox_run)");
    if (!coder_denied(r, result)) return coder_pass_on(run, r, result, "the sandbox_run call");
    char *message = NULL;
    (void)kai_sdk_get_string((kai_str){result->error, result->error_len}, "message", &message, NULL);
    kai_sdk_buffer text;
    kai_sdk_buffer_init(&text);
    bool ok = kai_sdk_writef(&text.output, "the sandbox_run call was refused: %s", message ? message : "denied") == KAI_OK;
    free(message);
    *feedback = ok ? text.data : NULL;
    if (!ok) kai_sdk_buffer_free(&text);
    if (!*feedback) return kai_sdk_fail(run->call->output, KAI_ERR_INTERNAL, "out of memory");
    run->refused = true;
    return KAI_OK;
}

/* Runs `code` with the tests. On KAI_OK, *passed says whether they passed
 * and *feedback (malloc'd) is the sandbox's verdict and output. Any other
 * code ends the run (pending approval, cancelled, no sandbox). */
static kai_result coder_test(coder_run *run, const char *code, bool *passed, char **feedback)
{
    kai_sdk_buffer args, result;
    kai_sdk_buffer_init(&args);
    kai_sdk_buffer_init(&result);
    if (coder_tool_args(run, code, &args) != KAI_OK) {
        kai_sdk_buffer_free(&args);
        return kai_sdk_fail(run->call->output, KAI_ERR_INTERNAL, "out of memory");
    }
    static const char tool[] = "sandbox_run";
    kai_result r = run->agent->call_tool(run->host, run->call, (kai_str){"", 0}, (kai_str){tool, sizeof tool - 1},
                                         (kai_str){args.data, args.len}, NULL, &result.output);
    kai_sdk_buffer_free(&args);
    if (r != KAI_OK) {
        *passed = false;
        r = coder_tool_failed(run, r, &result, feedback);
        kai_sdk_buffer_free(&result);
        return r;
    }
    kai_str text = {result.data, result.len};
    *passed = coder_passed(text);
    *feedback = coder_result_text(text);
    kai_sdk_buffer_free(&result);
    return *feedback ? KAI_OK : kai_sdk_fail(run->call->output, KAI_ERR_INTERNAL, "out of memory");
}

/* ---------------------------------------------------------------------- */
/* Steps and the output                                                   */
/* ---------------------------------------------------------------------- */

/* The first line of the sandbox's verdict, for the step's message. */
static size_t coder_first_line(const char *text)
{
    const char *nl = strchr(text, '\n');
    return nl ? (size_t)(nl - text) : strlen(text);
}

/* Records the attempt step and sends it to the watcher. KAI_ERR_CANCELLED
 * when the watcher answers STOP. */
static kai_result coder_step(coder_run *run, int64_t number, bool passed, const char *feedback)
{
    kai_sdk_buffer step;
    kai_sdk_buffer_init(&step);
    bool ok = kai_sdk_writef(&step.output, "{\"type\":\"attempt\",\"attempt\":%lld,\"ok\":%s,\"message\":",
                             (long long)number, passed ? "true" : "false") == KAI_OK;
    /* The watcher names the attempt itself ("attempt 2 failed: ..."). */
    char line[256];
    if (passed) snprintf(line, sizeof line, "the tests pass");
    else snprintf(line, sizeof line, "%.*s", (int)coder_first_line(feedback), feedback);
    ok = ok && coder_append_string(&step, line) == KAI_OK && coder_append(&step, "}", 1) == KAI_OK
        && (run->steps.len == 0 || coder_append(&run->steps, ",", 1) == KAI_OK)
        && coder_append(&run->steps, step.data, step.len) == KAI_OK;
    int32_t reply = KAI_EVENT_CONTINUE;
    if (ok && run->call->events) {
        kai_event_step event = {{(uint32_t)sizeof(kai_event_step), KAI_EVENT_STEP}, {step.data, step.len}};
        reply = run->call->events->on_event(run->call->events, &event.header);
    }
    kai_sdk_buffer_free(&step);
    if (!ok) return kai_sdk_fail(run->call->output, KAI_ERR_INTERNAL, "out of memory");
    if (reply == KAI_EVENT_STOP) return kai_sdk_fail(run->call->output, KAI_ERR_CANCELLED, "the run was stopped");
    return KAI_OK;
}

/* The length of `text` without its trailing newlines and spaces. */
static size_t coder_trimmed(const char *text)
{
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ')) len--;
    return len;
}

/* The final message: what happened, honestly, and the last code. */
static kai_result coder_message(const coder_run *run, bool passed, kai_sdk_buffer *b)
{
    const coder_attempt *last = &run->attempts[run->count - 1];
    if (passed)
        CODER_TRY(kai_sdk_writef(&b->output, "The tests passed in the sandbox on attempt %lld.\n\n", (long long)run->count));
    else if (run->refused)
        CODER_TRY(kai_sdk_writef(&b->output, "The code could not be tested: %s.\n\n", last->feedback));
    else
        CODER_TRY(kai_sdk_writef(&b->output, "The tests still fail after %lld attempt%s. The sandbox's verdict on the last one:\n%.*s\n\n",
                                 (long long)run->count, run->count == 1 ? "" : "s", (int)coder_trimmed(last->feedback), last->feedback));
    return kai_sdk_writef(&b->output, "%s:\n```python\n%s\n```", passed ? "The code" : "The last code", last->code);
}

/* Writes the agent output (agent-output.schema.json). */
static kai_result coder_output(const coder_run *run, bool passed)
{
    kai_sdk_buffer b, message;
    kai_sdk_buffer_init(&b);
    kai_sdk_buffer_init(&message);
    const char *code = run->attempts[run->count - 1].code;
    bool ok = coder_message(run, passed, &message) == KAI_OK
        && kai_sdk_writef(&b.output, "{\"status\":\"%s\",\"message\":", passed ? KAI_AGENT_DONE : KAI_AGENT_GAVE_UP) == KAI_OK
        && coder_append_string(&b, message.data) == KAI_OK
        && kai_sdk_write(&b.output, ",\"steps\":[") == KAI_OK
        && coder_append(&b, run->steps.data ? run->steps.data : "", run->steps.len) == KAI_OK
        && kai_sdk_writef(&b.output, "],\"usage\":{\"input_tokens\":%lld,\"output_tokens\":%lld,\"cost_usd\":",
                          (long long)run->input_tokens, (long long)run->output_tokens) == KAI_OK
        && (run->cost_known ? kai_sdk_writef(&b.output, "%.17g", run->cost_usd) : kai_sdk_write(&b.output, "null")) == KAI_OK
        && kai_sdk_write(&b.output, "},\"result\":{\"code\":") == KAI_OK
        && coder_append_string(&b, code) == KAI_OK
        && kai_sdk_writef(&b.output, ",\"passed\":%s,\"attempts\":%lld}}", passed ? "true" : "false", (long long)run->count) == KAI_OK;
    kai_sdk_buffer_free(&message);
    kai_result r = ok ? run->call->output->write(run->call->output, b.data, b.len)
                      : kai_sdk_fail(run->call->output, KAI_ERR_INTERNAL, "out of memory while writing the output");
    kai_sdk_buffer_free(&b);
    return r;
}

/* ---------------------------------------------------------------------- */
/* The loop                                                               */
/* ---------------------------------------------------------------------- */

/* One attempt: ask, extract, test, report. *passed says how it went. */
static kai_result coder_attempt_once(coder_run *run, bool *passed)
{
    kai_result r = kai_sdk_should_stop(run->host, run->call);
    if (r != KAI_OK) return kai_sdk_fail(run->call->output, r, "the run was stopped before attempt %lld", (long long)run->count + 1);
    char *answer = NULL;
    if ((r = coder_ask(run, &answer)) != KAI_OK) return r;
    coder_attempt *a = &run->attempts[run->count];
    a->code = coder_extract_code(answer);
    free(answer);
    if (!a->code) return kai_sdk_fail(run->call->output, KAI_ERR_INTERNAL, "out of memory");
    run->count++;
    *passed = false;
    if (!a->code[0]) {
        a->feedback = coder_strdup_z("failed: the answer had no code (expected one ```python block)");
        if (!a->feedback) return kai_sdk_fail(run->call->output, KAI_ERR_INTERNAL, "out of memory");
    } else if ((r = coder_test(run, a->code, passed, &a->feedback)) != KAI_OK) {
        return r;
    }
    return coder_step(run, run->count, *passed, a->feedback);
}

static kai_result coder_loop(coder_run *run)
{
    if ((uint64_t)run->in.max_attempts > SIZE_MAX / sizeof(coder_attempt))
        return kai_sdk_fail(run->call->output, KAI_ERR_INVALID_INPUT, "limits.max_attempts is too large");
    run->attempts = (coder_attempt *)calloc((size_t)run->in.max_attempts, sizeof(coder_attempt));
    if (!run->attempts) return kai_sdk_fail(run->call->output, KAI_ERR_INTERNAL, "out of memory");
    bool passed = false;
    while (!passed && !run->refused && run->count < run->in.max_attempts) {
        kai_result r = coder_attempt_once(run, &passed);
        if (r != KAI_OK) return r;
    }
    return coder_output(run, passed);
}

/* The tests as run: with check(ENTRY_POINT) after them when there is an
 * entry point (HumanEval's tests define check() without calling it). */
static char *coder_tests_arg(const coder_input *in)
{
    size_t tests = strlen(in->tests), entry = in->entry_point ? strlen(in->entry_point) : 0;
    size_t len = tests + (entry ? entry + 9 : 0);
    char *s = (char *)malloc(len + 1);
    if (!s) return NULL;
    memcpy(s, in->tests, tests);
    if (entry) snprintf(s + tests, len - tests + 1, "\ncheck(%s)\n", in->entry_point);
    s[len] = '\0';
    return s;
}

static void coder_run_free(coder_run *run)
{
    for (int64_t i = 0; i < run->count; i++) {
        free(run->attempts[i].code);
        free(run->attempts[i].feedback);
    }
    free(run->attempts);
    free(run->tests_arg);
    kai_sdk_buffer_free(&run->steps);
    coder_input_free(&run->in);
}

/* ---------------------------------------------------------------------- */
/* The plugin                                                             */
/* ---------------------------------------------------------------------- */

static kai_result coder_describe(const kai_output *out)
{
    return out->write(out, coder_manifest, sizeof coder_manifest - 1);
}

static kai_result coder_create(const kai_host *host, const kai_output *error, void **instance)
{
    coder_instance *self = (coder_instance *)malloc(sizeof *self);
    if (!self) return kai_sdk_fail(error, KAI_ERR_INTERNAL, "out of memory");
    self->host = host;
    *instance = self;
    return KAI_OK;
}

static void coder_destroy(void *instance)
{
    free(instance);
}

/* The agent services, or NULL when the host offers none (not in a run). */
static const kai_host_agent_v1 *coder_agent_services(const kai_host *host)
{
    const kai_host_agent_v1 *agent = (const kai_host_agent_v1 *)host->get_extension(host, KAI_HOST_AGENT_ID);
    if (!agent || agent->struct_size < offsetof(kai_host_agent_v1, call_tool) + sizeof agent->call_tool) return NULL;
    return agent;
}

static kai_result coder_invoke(void *instance, const kai_call *call)
{
    const kai_host *host = ((const coder_instance *)instance)->host;
    if (call->kind != KAI_KIND_AGENT || call->name.len != 5 || memcmp(call->name.data, "coder", 5) != 0)
        return kai_sdk_fail(call->output, KAI_ERR_NOT_FOUND, "this plugin provides only the agent \"coder\"");
    coder_run run;
    memset(&run, 0, sizeof run);
    kai_sdk_buffer_init(&run.steps);
    run.host = host;
    run.call = call;
    if (!(run.agent = coder_agent_services(host)))
        return kai_sdk_fail(call->output, KAI_ERR_UNSUPPORTED,
                            "the coder runs only as the agent of a run, which gives it the sandbox: use kai run --agent coder");
    kai_result r = coder_read_input(call, &run.in);
    if (r == KAI_OK && !(run.tests_arg = coder_tests_arg(&run.in)))
        r = kai_sdk_fail(call->output, KAI_ERR_INTERNAL, "out of memory");
    if (r == KAI_OK) r = coder_loop(&run);
    coder_run_free(&run);
    return r;
}

static const kai_plugin coder_plugin = {
    .struct_size = sizeof(kai_plugin),
    .abi_major = KAI_ABI_MAJOR,
    .abi_minor = 2,
    .describe = coder_describe,
    .create = coder_create,
    .destroy = coder_destroy,
    .invoke = coder_invoke,
    .get_extension = NULL,
};

/* Minor 2 or nothing: without kai.host.agent/1 the coder cannot run tests. */
KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t host_abi_minor)
{
    return host_abi_minor >= 2 ? &coder_plugin : NULL;
}
