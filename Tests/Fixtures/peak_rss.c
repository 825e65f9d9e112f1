/* peak_rss.c — preloaded (LD_PRELOAD) into the kai under test: at exit it
 * writes the process's own peak resident set size in KB
 * (getrusage(RUSAGE_SELF).ru_maxrss) to the file named by
 * KAI_TEST_PEAK_RSS_FILE. RUSAGE_SELF, because the launcher's memory (which
 * holds the program's output too) is not kai's: RUSAGE_CHILDREN, wait4 and
 * /usr/bin/time -v all fold a waited-for child's peak into the parent's. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

__attribute__((destructor)) static void write_peak_rss(void)
{
    const char *path = getenv("KAI_TEST_PEAK_RSS_FILE");
    if (!path) return;
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) return;
    FILE *file = fopen(path, "w");
    if (!file) return;
    fprintf(file, "%ld\n", usage.ru_maxrss);
    fclose(file);
}
