/*
 * raw_curl — the baseline of the provider latency benchmark: the same POST
 * /v1/chat/completions the openai plugin sends, made with plain libcurl on
 * one reused easy handle (one kept-alive connection), nothing parsed.
 *
 *   raw_curl <base_url> <model>
 *
 * Reads commands from stdin, one per line, so a driver can interleave its
 * rounds with Kai's on warm connections:
 *   plain N    N non-streaming requests; each sample is the whole exchange
 *   stream N   N streaming requests; each sample is the time to the first
 *              SSE chunk carrying non-empty "content" (time to first token)
 * and answers each with one line: {"samples_ns": [...]}.
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("clock_gettime");
        exit(1);
    }
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct exchange {
    int64_t started;
    int64_t first_token;
    int streaming;
};

/* Notes the first chunk with text; a content chunk starts with
 * "content":" followed by something other than the closing quote. */
static size_t on_body(char *data, size_t size, size_t count, void *context) {
    struct exchange *exchange = context;
    size_t length = size * count;
    if (exchange->streaming && exchange->first_token == 0) {
        static const char key[] = "\"content\":\"";
        size_t n = sizeof key - 1;
        for (size_t i = 0; i + n < length; i++) {
            if (memcmp(data + i, key, n) == 0 && data[i + n] != '"') {
                exchange->first_token = now_ns();
                break;
            }
        }
    }
    return length;
}

static void check(CURLcode code, const char *what) {
    if (code != CURLE_OK) {
        fprintf(stderr, "raw_curl: %s: %s\n", what, curl_easy_strerror(code));
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: raw_curl <base_url> <model>\n");
        return 64;
    }
    char url[1024], plain[512], stream[512];
    if (snprintf(url, sizeof url, "%s/chat/completions", argv[1]) >= (int)sizeof url) return 64;
    static const char messages[] = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    snprintf(plain, sizeof plain, "{\"model\":\"%s\",%s,\"stream\":false}", argv[2], messages);
    snprintf(stream, sizeof stream, "{\"model\":\"%s\",%s,\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
             argv[2], messages);

    check(curl_global_init(CURL_GLOBAL_DEFAULT), "curl_global_init");
    CURL *curl = curl_easy_init();
    if (curl == NULL) return 1;
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json, text/event-stream");
    struct exchange exchange = {0};
    check(curl_easy_setopt(curl, CURLOPT_URL, url), "CURLOPT_URL");
    check(curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers), "CURLOPT_HTTPHEADER");
    check(curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body), "CURLOPT_WRITEFUNCTION");
    check(curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange), "CURLOPT_WRITEDATA");
    check(curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L), "CURLOPT_TCP_NODELAY");

    char line[128];
    while (fgets(line, sizeof line, stdin) != NULL) {
        char mode[16];
        long count = 0;
        if (sscanf(line, "%15s %ld", mode, &count) != 2 || count < 1) {
            fprintf(stderr, "raw_curl: expected 'plain N' or 'stream N', got %s", line);
            return 64;
        }
        exchange.streaming = strcmp(mode, "stream") == 0;
        check(curl_easy_setopt(curl, CURLOPT_POSTFIELDS, exchange.streaming ? stream : plain), "CURLOPT_POSTFIELDS");
        printf("{\"samples_ns\": [");
        for (long i = 0; i < count; i++) {
            exchange.first_token = 0;
            exchange.started = now_ns();
            check(curl_easy_perform(curl), "curl_easy_perform");
            int64_t ended = exchange.streaming ? exchange.first_token : now_ns();
            if (ended == 0) {
                fprintf(stderr, "raw_curl: the stream carried no content\n");
                return 1;
            }
            printf("%s%lld", i ? ", " : "", (long long)(ended - exchange.started));
        }
        printf("]}\n");
        if (fflush(stdout) != 0) return 1;
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return 0;
}
