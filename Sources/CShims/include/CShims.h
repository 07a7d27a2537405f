// C helpers for what Swift cannot reach directly (DESIGN.md §2, CShims):
// termios2 custom baud rates, the V4L2 ioctl numbers (function-like macros) and
// libv4l2's variadic calls, pseudo-terminals, malloc.h. Each function returns 0 or -errno unless noted.
#ifndef PRESENCED_CSHIMS_H
#define PRESENCED_CSHIMS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/videodev2.h>
// glibc's mallopt and its parameters (M_MMAP_THRESHOLD), which Swift's Glibc module leaves out.
#include <malloc.h>

// Serial (serial.c): raw 8N1, no flow control, any baud rate (termios2 + BOTHER:
// 256000 is not a POSIX Bxxx constant). VMIN 0 / VTIME 0: reads never block, poll() waits.
int cshim_serial_configure(int fd, unsigned int baud);

// A pseudo-terminal pair (pty.c), for serial tests: the master fd, or -errno; the slave's path in `slave_path`.
int cshim_pty_open(char *slave_path, size_t length);

// V4L2 through libv4l2 (v4l2.c): open and ioctl are variadic in libv4l2.h.
int cshim_v4l2_open(const char *path);           // fd, or -errno
int cshim_v4l2_close(int fd);
int cshim_v4l2_ioctl(int fd, unsigned long request, void *arg);
void *cshim_v4l2_mmap(int fd, size_t length, int64_t offset);   // NULL on failure (errno set)
int cshim_v4l2_munmap(void *start, size_t length);

extern const unsigned long cshim_VIDIOC_QUERYCAP;
extern const unsigned long cshim_VIDIOC_ENUM_FMT;
extern const unsigned long cshim_VIDIOC_S_FMT;
extern const unsigned long cshim_VIDIOC_G_FMT;
extern const unsigned long cshim_VIDIOC_S_PARM;
extern const unsigned long cshim_VIDIOC_REQBUFS;
extern const unsigned long cshim_VIDIOC_QUERYBUF;
extern const unsigned long cshim_VIDIOC_QBUF;
extern const unsigned long cshim_VIDIOC_DQBUF;
extern const unsigned long cshim_VIDIOC_STREAMON;
extern const unsigned long cshim_VIDIOC_STREAMOFF;

#endif
