/* Attack 24: SysV shared memory, semaphores, message queues and an flock'd
 * file under fixed keys, held for a second, as two sandboxes do at once.
 * Creates each with IPC_EXCL (fails with EEXIST if another sandbox's object
 * is visible), writes this run's marker (argv[last]) into the segment, waits,
 * and reads it back. Exit 0 when nothing was shared. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#define KEY 0x4b414901

static int check(const char *what, int rc) {
    printf("%s=%s\n", what, rc >= 0 ? "created" : strerrorname_np(errno));
    return rc < 0;
}

int main(int argc, char **argv) {
    const char *marker = argv[argc - 1];
    int failures = 0;
    int shm = shmget(KEY, 4096, IPC_CREAT | IPC_EXCL | 0666);
    failures += check("shm", shm);
    failures += check("sem", semget(KEY, 1, IPC_CREAT | IPC_EXCL | 0666));
    failures += check("msg", msgget(KEY, IPC_CREAT | IPC_EXCL | 0666));
    int lock = open("/tmp/kai-attack.lock", O_CREAT | O_RDWR, 0666);
    int locked = flock(lock, LOCK_EX | LOCK_NB);
    printf("flock=%s\n", locked == 0 ? "held" : strerrorname_np(errno));
    failures += locked != 0;
    if (shm >= 0) {
        char *memory = shmat(shm, NULL, 0);
        strcpy(memory, marker);
        sleep(1);
        printf("shm_content=%s\n", memory);
        failures += strcmp(memory, marker) != 0;
    }
    fflush(stdout);
    return failures ? 1 : 0;
}
