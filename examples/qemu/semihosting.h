/* Arm semihosting calls used by the QEMU firmware (QEMU: -semihosting-config enable=on,target=native). */
#ifndef NXD_QEMU_SEMIHOSTING_H
#define NXD_QEMU_SEMIHOSTING_H

#include <stdint.h>

/* Prints a NUL-terminated string on the host (QEMU 7.2 writes it to its stderr). */
void sh_puts(const char *s);
/* Prints an unsigned number in decimal / hexadecimal (0x-prefixed). */
void sh_put_dec(uint32_t value);
void sh_put_hex(uint32_t value);
/* Centiseconds since the program started (SYS_CLOCK); -1 when the host cannot tell. */
int32_t sh_clock(void);
/* Ends the QEMU process with this exit status (SYS_EXIT_EXTENDED). Never returns. */
void sh_exit(int status) __attribute__((noreturn));

#endif
