/*
 * fsync_before_close.c - makes DCMTK storescp durable, for a fair comparison with a receiver that fsyncs.
 *
 * Preloaded into storescp (LD_PRELOAD), it flushes every regular file that storescp opened for writing to the
 * device when storescp closes it (fsync of the file, then of the folder holding it, so that a new file's name is
 * durable too, as the Gateway's commit does). storescp closes an instance's file before it returns from its store
 * callback, and only then sends the C-STORE-RSP, so with this library storescp answers after the instance is on
 * disk: DCMTK's receive path, made durable the simplest way (one fsync per file, no group commit).
 *
 * Only a process named "storescp" is affected, so the library may sit in the environment of a whole benchmark.
 * With FSYNC_SHIM_REPORT=PATH, each storescp process that synced anything appends "<files> <folders>\n" to PATH at
 * exit; bench/gateway_throughput.sh checks from it that every received instance was synced.
 *
 * Build: gcc -O2 -shared -fPIC -o fsync_before_close.so fsync_before_close.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int (*real_close)(int);
static int (*real_fclose)(FILE *);
static int active;
static unsigned long files_synced, folders_synced;

__attribute__((constructor)) static void init(void)
{
    real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
    real_fclose = (int (*)(FILE *))dlsym(RTLD_NEXT, "fclose");
    active = strcmp(program_invocation_short_name, "storescp") == 0;
}

static void fail(const char *what, const char *path)
{
    /* A benchmark baseline that silently stopped syncing would be worthless: stop the process loudly. */
    fprintf(stderr, "fsync_before_close: %s %s: %s\n", what, path, strerror(errno));
    abort();
}

static void make_durable(int fd)
{
    if (!active || fd < 0)
        return;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
        return;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return;

    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        fail("readlink", link);
    path[n] = '\0';
    if (fsync(fd) != 0)
        fail("fsync", path);
    files_synced++;

    char *slash = strrchr(path, '/');
    if (slash == NULL)
        return;
    if (slash == path)
        slash[1] = '\0';
    else
        *slash = '\0';
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0 || fsync(dir) != 0)
        fail("fsync folder", path);
    folders_synced++;
    real_close(dir);
}

int close(int fd)
{
    make_durable(fd);
    return real_close(fd);
}

int fclose(FILE *stream)
{
    if (stream != NULL && active)
    {
        fflush(stream);
        make_durable(fileno(stream));
    }
    return real_fclose(stream);
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("FSYNC_SHIM_REPORT");
    if (!active || files_synced == 0 || path == NULL)
        return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    dprintf(fd, "%lu %lu\n", files_synced, folders_synced);
    real_close(fd);
}
