// termios2 lives in <asm/termbits.h>, which conflicts with <termios.h>: this file
// includes only the kernel's definitions.
#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <errno.h>
#include <sys/ioctl.h>

#include "CShims.h"

int cshim_serial_configure(int fd, unsigned int baud) {
    struct termios2 t;
    if (ioctl(fd, TCGETS2, &t) != 0) return -errno;
    // Raw: no input processing, no output processing, no echo or signals, 8 data bits, no parity, 1 stop bit.
    t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY | INPCK);
    t.c_oflag &= ~OPOST;
    t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS | CBAUD);
    t.c_cflag |= CS8 | CREAD | CLOCAL | BOTHER;
    t.c_ispeed = baud;
    t.c_ospeed = baud;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (ioctl(fd, TCSETS2, &t) != 0) return -errno;
    return 0;
}
