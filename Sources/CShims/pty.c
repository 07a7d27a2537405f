// A pseudo-terminal pair: the tests play a radar on the master side while the
// code under test opens the slave as its serial port. posix_openpt needs
// _XOPEN_SOURCE (here through _GNU_SOURCE), which Swift's Glibc module does not define.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "CShims.h"

int cshim_pty_open(char *slave_path, size_t length) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return -errno;
    const char *name;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0 || (name = ptsname(fd)) == NULL || strlen(name) >= length) {
        int e = errno ? errno : ENAMETOOLONG;
        close(fd);
        return -e;
    }
    strcpy(slave_path, name);
    return fd;
}
