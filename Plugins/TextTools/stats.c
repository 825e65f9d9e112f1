/*
 * stats.c — the text_stats tool: counts over one pass of the text's scalars.
 */
#include "text_tools.h"

typedef struct text_counts {
    uint64_t characters, words, lines, sentences, longest_line;
} text_counts;

static bool is_terminator(uint32_t c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x2026 /* … */;
}

/* Closing quotes and brackets may follow a sentence's terminator: 'He said "Hi." Then'. */
static bool is_closer(uint32_t c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x2019 || c == 0x201D;
}

static text_counts count(const char *text, size_t len)
{
    text_counts n = {0, 0, 0, 0, 0};
    uint64_t line_chars = 0;
    bool in_word = false, line_open = false;
    /* Sentence state: `pending` = the last non-space scalar ended a run of
     * terminators; `content` = words seen since the last sentence end. */
    bool pending = false, content = false;
    size_t i = 0;
    while (i < len) {
        uint32_t c;
        size_t k = kai_sdk_utf8_decode(text + i, len - i, &c);
        if (k == 0) { c = 0xFFFD; k = 1; } /* cannot happen: the SDK checked UTF-8 */
        i += k;
        n.characters++;
        if (c == '\n' || c == '\r') {
            if (c == '\r' && i < len && text[i] == '\n') { i++; n.characters++; }
            n.lines++;
            if (line_chars > n.longest_line) n.longest_line = line_chars;
            line_chars = 0;
            line_open = false;
        } else {
            line_chars++;
            line_open = true;
        }
        if (text_is_space(c)) {
            in_word = false;
            if (pending) { n.sentences++; pending = false; content = false; }
            continue;
        }
        if (!in_word) n.words++;
        in_word = true;
        if (is_terminator(c)) {
            pending = content;
        } else if (pending && is_closer(c)) {
            /* still the end of the sentence */
        } else {
            pending = false;
            content = true;
        }
    }
    if (line_open) n.lines++;
    if (line_chars > n.longest_line) n.longest_line = line_chars;
    if (pending || content) n.sentences++;
    return n;
}

kai_result text_stats(const kai_call *call, const char *text, size_t len)
{
    text_counts n = count(text, len);
    return kai_sdk_writef(call->output,
                          "{\"bytes\":%zu,\"characters\":%llu,\"words\":%llu,\"lines\":%llu,"
                          "\"sentences\":%llu,\"longest_line\":%llu}",
                          len, (unsigned long long)n.characters, (unsigned long long)n.words,
                          (unsigned long long)n.lines, (unsigned long long)n.sentences,
                          (unsigned long long)n.longest_line);
}
