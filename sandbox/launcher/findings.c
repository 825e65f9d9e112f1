/* findings.c — facts about the machine, kept once: a run's report and
 * `kai-sandbox --probe` (kai doctor) read the same ones. */
#define _GNU_SOURCE
#include "kai_sandbox.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ks_findings_set(ks_findings *f, const char *id, bool ok, bool required, const char *fix, const char *detail_fmt, ...)
{
    ks_finding *slot = NULL;
    for (int i = 0; i < f->count; i++)
        if (strcmp(f->items[i].id, id) == 0) slot = &f->items[i];
    if (!slot) {
        if (f->count >= KS_MAX_FINDINGS) return;
        slot = &f->items[f->count++];
    }
    slot->id = id;
    slot->ok = ok;
    slot->required = required;
    snprintf(slot->fix, sizeof slot->fix, "%s", ok || !fix ? "" : fix);
    va_list ap;
    va_start(ap, detail_fmt);
    vsnprintf(slot->detail, sizeof slot->detail, detail_fmt, ap);
    va_end(ap);
}

const ks_finding *ks_findings_get(const ks_findings *f, const char *id)
{
    for (int i = 0; i < f->count; i++)
        if (strcmp(f->items[i].id, id) == 0) return &f->items[i];
    return NULL;
}
