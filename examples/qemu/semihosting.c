/* Arm semihosting: "bkpt 0xAB" with the operation in r0 and its argument in r1. */
#include "semihosting.h"

enum {
    SYS_WRITE0 = 0x04,
    SYS_CLOCK = 0x10,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static int32_t sh_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

void sh_puts(const char *s)
{
    (void)sh_call(SYS_WRITE0, s);
}

void sh_put_dec(uint32_t value)
{
    char buf[11];
    int i = (int)sizeof(buf) - 1;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0u);
    sh_puts(&buf[i]);
}

void sh_put_hex(uint32_t value)
{
    static const char digits[] = "0123456789abcdef";
    char buf[11];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 8; i++) {
        buf[2 + i] = digits[(value >> (28 - 4 * i)) & 0xFu];
    }
    buf[10] = '\0';
    sh_puts(buf);
}

int32_t sh_clock(void)
{
    return sh_call(SYS_CLOCK, 0);
}

void sh_exit(int status)
{
    /* 32-bit semihosting passes a pointer to {reason, subcode}; plain SYS_EXIT cannot carry a status. */
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    (void)sh_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
        /* Only reached without semihosting: stay here. */
    }
}
