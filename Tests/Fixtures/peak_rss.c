/* peak_rss.c — preloaded (LD_PRELOAD) into the kai under test: at exit it
 * writes the process's own peak resident set size in KB to the file named by
 * KAI_TEST_PEAK_RSS_FILE.
 *
 * VmHWM from /proc/self/status, the high-water mark of this process's own
 * address space. Not getrusage: RUSAGE_SELF's ru_maxrss keeps the peak of
 * the image that called execve (Linux carries it over in exec_mmap), so a
 * kai spawned by a 160 MB test process reported 160 MB; and RUSAGE_CHILDREN,
 * wait4 and /usr/bin/time -v fold in the launcher, which holds the program's
 * output itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((destructor)) static void write_peak_rss(void)
{
    const char *path = getenv("KAI_TEST_PEAK_RSS_FILE");
    if (!path) return;
    FILE *status = fopen("/proc/self/status", "r");
    if (!status) return;
    char line[256];
    long peak = -1;
    while (fgets(line, sizeof line, status))
        if (strncmp(line, "VmHWM:", 6) == 0) peak = strtol(line + 6, NULL, 10);
    fclose(status);
    if (peak < 0) return;
    FILE *file = fopen(path, "w");
    if (!file) return;
    fprintf(file, "%ld\n", peak);
    fclose(file);
}
