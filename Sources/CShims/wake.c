#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "CShims.h"

int cshim_eventfd(void) {
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return fd >= 0 ? fd : -errno;
}

int cshim_eventfd_signal(int fd) {
    uint64_t one = 1;
    return write(fd, &one, sizeof one) == sizeof one ? 0 : -errno;
}

int cshim_eventfd_drain(int fd) {
    uint64_t n;
    return read(fd, &n, sizeof n) == sizeof n || errno == EAGAIN ? 0 : -errno;
}
