#include <errno.h>
#include <fcntl.h>
#include <libv4l2.h>
#include <sys/mman.h>

#include "CShims.h"

const unsigned long cshim_VIDIOC_QUERYCAP = VIDIOC_QUERYCAP;
const unsigned long cshim_VIDIOC_ENUM_FMT = VIDIOC_ENUM_FMT;
const unsigned long cshim_VIDIOC_S_FMT = VIDIOC_S_FMT;
const unsigned long cshim_VIDIOC_G_FMT = VIDIOC_G_FMT;
const unsigned long cshim_VIDIOC_S_PARM = VIDIOC_S_PARM;
const unsigned long cshim_VIDIOC_REQBUFS = VIDIOC_REQBUFS;
const unsigned long cshim_VIDIOC_QUERYBUF = VIDIOC_QUERYBUF;
const unsigned long cshim_VIDIOC_QBUF = VIDIOC_QBUF;
const unsigned long cshim_VIDIOC_DQBUF = VIDIOC_DQBUF;
const unsigned long cshim_VIDIOC_STREAMON = VIDIOC_STREAMON;
const unsigned long cshim_VIDIOC_STREAMOFF = VIDIOC_STREAMOFF;

int cshim_v4l2_open(const char *path) {
    int fd = v4l2_open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int cshim_v4l2_close(int fd) {
    return v4l2_close(fd) == 0 ? 0 : -errno;
}

int cshim_v4l2_ioctl(int fd, unsigned long request, void *arg) {
    int r;
    do {
        r = v4l2_ioctl(fd, request, arg);
    } while (r == -1 && errno == EINTR);
    return r == -1 ? -errno : r;
}

void *cshim_v4l2_mmap(int fd, size_t length, int64_t offset) {
    void *p = v4l2_mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
    return p == MAP_FAILED ? NULL : p;
}

int cshim_v4l2_munmap(void *start, size_t length) {
    return v4l2_munmap(start, length) == 0 ? 0 : -errno;
}
