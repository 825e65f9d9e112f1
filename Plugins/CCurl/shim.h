/*
 * shim.h — libcurl for Swift. curl_easy_setopt and curl_easy_getinfo are
 * variadic, which Swift cannot call; these wrappers fix one argument type
 * each. Everything else in curl.h (multi, slist, strerror) Swift calls as is.
 */
#ifndef KAI_CCURL_SHIM_H
#define KAI_CCURL_SHIM_H

/* Opaque handle types (struct pointers, not void *), so Swift sees
 * OpaquePointer; the wrappers pass values through unchecked on purpose. */
#define CURL_STRICTER 1
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/** A write or header callback, as libcurl calls it. */
typedef size_t (*kai_curl_write_fn)(char *data, size_t size, size_t count, void *context);

static inline CURLcode kai_curl_set_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode kai_curl_set_pointer(CURL *easy, CURLoption option, const void *value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode kai_curl_set_write(CURL *easy, CURLoption option, kai_curl_write_fn function) {
    return curl_easy_setopt(easy, option, function);
}

/** The last response's HTTP status, or 0 when none was received yet. */
static inline long kai_curl_response_code(CURL *easy) {
    long code = 0;
    if (curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) return 0;
    return code;
}

/** Seconds the last response's Retry-After header asks to wait, or 0. */
static inline long kai_curl_retry_after(CURL *easy) {
    curl_off_t seconds = 0;
    if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &seconds) != CURLE_OK || seconds < 0) return 0;
    return (long)seconds;
}

#endif
