/* Attack 27: exit(137), SIGKILL to self, _exit(255): three outcomes a
 * runner that folds signals into exit codes cannot tell apart. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "";
    if (!strcmp(how, "exit137")) exit(137);
    if (!strcmp(how, "sigkill")) raise(SIGKILL);
    if (!strcmp(how, "_exit255")) _exit(255);
    if (!strcmp(how, "sigterm")) raise(SIGTERM);
    return 0;
}
