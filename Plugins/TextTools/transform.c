/*
 * transform.c — the text_transform tool. Case mapping is ASCII-only by
 * design (no locale, no tables that go stale): every byte >= 0x80 passes
 * through untouched, so the result stays valid UTF-8.
 */
#include "text_tools.h"

typedef enum { CH_SEP, CH_LOWER, CH_UPPER, CH_DIGIT, CH_OTHER } char_class;

/* One scalar of the input: where it is and what it is. */
typedef struct scalar {
    size_t off;
    uint32_t c;
    uint8_t len;
    uint8_t cls;
} scalar;

static char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c; }
static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static char_class classify(uint32_t c)
{
    if (c >= 'a' && c <= 'z') return CH_LOWER;
    if (c >= 'A' && c <= 'Z') return CH_UPPER;
    if (c >= '0' && c <= '9') return CH_DIGIT;
    if (c < 0x80 || text_is_space(c)) return CH_SEP;
    return CH_OTHER; /* non-ASCII letters and symbols stay inside words */
}

/* Splits the text into scalars; returns the count, or SIZE_MAX on OOM. */
static size_t decode_all(const char *text, size_t len, scalar **out)
{
    if (len > SIZE_MAX / sizeof(scalar)) return SIZE_MAX;
    scalar *s = malloc((len ? len : 1) * sizeof *s);
    if (!s) return SIZE_MAX;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k = kai_sdk_utf8_decode(text + i, len - i, &c);
        if (k == 0) { c = 0xFFFD; k = 1; } /* cannot happen: the SDK checked UTF-8 */
        s[n] = (scalar){i, c, (uint8_t)k, (uint8_t)classify(c)};
        n++;
        i += k;
    }
    *out = s;
    return n;
}

/* True when a new word starts at s[i] (which is not a separator):
 * after a separator, at lower/digit->Upper ("helloWorld"), and before the
 * last capital of an acronym followed by lowercase ("HTTPServer"). */
static bool word_starts(const scalar *s, size_t n, size_t i)
{
    if (i == 0 || s[i - 1].cls == CH_SEP) return true;
    if (s[i].cls != CH_UPPER) return false;
    if (s[i - 1].cls == CH_LOWER || s[i - 1].cls == CH_DIGIT) return true;
    return s[i - 1].cls == CH_UPPER && i + 1 < n && s[i + 1].cls == CH_LOWER;
}

/* snake_case, kebab_case (sep = '_' / '-') and camel_case (sep = 0). */
static size_t join_words(const char *text, const scalar *s, size_t n, char sep, char *dst)
{
    size_t len = 0, words = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].cls == CH_SEP) continue;
        const bool first = word_starts(s, n, i);
        if (first) {
            words++;
            if (sep && words > 1) dst[len++] = sep;
        }
        const char *src = text + s[i].off;
        for (size_t k = 0; k < s[i].len; k++) {
            const bool cap = !sep && first && words > 1 && k == 0;
            dst[len++] = cap ? ascii_upper(src[k]) : ascii_lower(src[k]);
        }
    }
    return len;
}

/* Title Case: a word is a run of letters, digits and inner apostrophes. */
static size_t title_case(const char *text, const scalar *s, size_t n, char *dst)
{
    size_t len = 0;
    bool in_word = false;
    for (size_t i = 0; i < n; i++) {
        const char *src = text + s[i].off;
        const bool apostrophe = s[i].c == '\'' && in_word && i + 1 < n && s[i + 1].cls != CH_SEP;
        for (size_t k = 0; k < s[i].len; k++) {
            dst[len++] = in_word ? ascii_lower(src[k]) : ascii_upper(src[k]);
        }
        in_word = s[i].cls != CH_SEP || apostrophe;
    }
    return len;
}

/* ASCII spellings of the Latin-1 letters U+00C0..U+00FF; NULL = not a letter. */
static const char *const latin1_fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
};

static size_t slugify(const scalar *s, size_t n, char *dst)
{
    size_t len = 0;
    bool gap = false;
    for (size_t i = 0; i < n; i++) {
        const uint32_t c = s[i].c;
        char ascii[2] = {(char)c, 0};
        const char *piece = NULL;
        if (s[i].cls == CH_LOWER || s[i].cls == CH_DIGIT) piece = ascii;
        else if (s[i].cls == CH_UPPER) { ascii[0] = ascii_lower((char)c); piece = ascii; }
        else if (c >= 0xC0 && c <= 0xFF) piece = latin1_fold[c - 0xC0];
        if (!piece) { gap = true; continue; }
        if (gap && len > 0) dst[len++] = '-';
        gap = false;
        /* Folds are never longer than the 2-byte UTF-8 they replace. */
        for (; *piece; piece++) dst[len++] = *piece;
    }
    return len;
}

static size_t trim(const char *text, const scalar *s, size_t n, char *dst)
{
    size_t first = 0, last = n;
    while (first < n && text_is_space(s[first].c)) first++;
    while (last > first && text_is_space(s[last - 1].c)) last--;
    if (first == last) return 0;
    const size_t from = s[first].off, to = s[last - 1].off + s[last - 1].len;
    memcpy(dst, text + from, to - from);
    return to - from;
}

static size_t reverse(const char *text, const scalar *s, size_t n, char *dst)
{
    size_t len = 0;
    for (size_t i = n; i-- > 0;) {
        memcpy(dst + len, text + s[i].off, s[i].len);
        len += s[i].len;
    }
    return len;
}

static const char *const modes[] = {
    "upper", "lower", "title", "snake_case", "kebab_case", "camel_case", "reverse", "trim", "slugify",
};

kai_result text_transform(const kai_call *call, const char *text, size_t len)
{
    const kai_output *out = call->output;
    char *mode = NULL;
    if (kai_sdk_get_string(call->input, "mode", &mode, NULL) != KAI_SDK_FOUND) {
        return kai_sdk_fail(out, KAI_ERR_INVALID_INPUT,
                            "missing string argument \"mode\"; expected one of upper, lower, title, "
                            "snake_case, kebab_case, camel_case, reverse, trim, slugify");
    }
    size_t m = 0;
    while (m < sizeof modes / sizeof modes[0] && strcmp(modes[m], mode) != 0) m++;
    if (m == sizeof modes / sizeof modes[0]) {
        kai_result r = kai_sdk_fail(out, KAI_ERR_INVALID_INPUT,
                                    "unknown mode \"%.32s\"; expected one of upper, lower, title, snake_case, "
                                    "kebab_case, camel_case, reverse, trim, slugify", mode);
        free(mode);
        return r;
    }
    free(mode);
    scalar *s = NULL;
    const size_t n = decode_all(text, len, &s);
    /* Every mode's result fits in 2 * len bytes (one separator per scalar at most). */
    char *dst = n == SIZE_MAX || len > SIZE_MAX / 2 - 1 ? NULL : malloc(2 * len + 1);
    if (!dst) {
        free(s);
        return kai_sdk_fail(out, KAI_ERR_INTERNAL, "out of memory transforming %zu bytes", len);
    }
    size_t rlen = 0;
    switch (m) {
    case 0: for (size_t i = 0; i < len; i++) dst[i] = ascii_upper(text[i]); rlen = len; break;
    case 1: for (size_t i = 0; i < len; i++) dst[i] = ascii_lower(text[i]); rlen = len; break;
    case 2: rlen = title_case(text, s, n, dst); break;
    case 3: rlen = join_words(text, s, n, '_', dst); break;
    case 4: rlen = join_words(text, s, n, '-', dst); break;
    case 5: rlen = join_words(text, s, n, 0, dst); break;
    case 6: rlen = reverse(text, s, n, dst); break;
    case 7: rlen = trim(text, s, n, dst); break;
    default: rlen = slugify(s, n, dst); break;
    }
    kai_result r = text_write_result(out, dst, rlen);
    free(dst);
    free(s);
    return r;
}
