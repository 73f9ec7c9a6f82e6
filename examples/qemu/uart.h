/* UART0 of the mps2 boards: a CMSDK APB UART at 0x40004000 (the first -serial of QEMU). */
#ifndef NXD_QEMU_UART_H
#define NXD_QEMU_UART_H

#include <stddef.h>
#include <stdint.h>

/* Enables transmitter and receiver. */
void uart0_init(void);
/* Writes up to len bytes without waiting for a full transmitter; returns the count written. */
size_t uart0_write(const uint8_t *data, size_t len);
/* Reads up to len bytes that have already arrived; returns the count (0 when nothing is there). */
size_t uart0_read(uint8_t *buf, size_t len);

#endif
