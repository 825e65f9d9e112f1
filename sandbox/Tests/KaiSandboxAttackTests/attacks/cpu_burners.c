/* Attack 29: burn CPU on 8 threads ("threads") or 8 processes ("procs"). */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static void *burn(void *unused) {
    (void)unused;
    for (volatile unsigned long i = 0;; i++) {}
    return NULL;
}

int main(int argc, char **argv) {
    int processes = argc > 1 && !strcmp(argv[1], "procs");
    for (int i = 0; i < 7; i++) {
        if (processes) {
            if (fork() == 0) burn(NULL);
        } else {
            pthread_t thread;
            pthread_create(&thread, NULL, burn, NULL);
        }
    }
    burn(NULL);
}
