/* Board support for the QEMU mps2-an385 / mps2-an386 firmware: tick clock and board name. */
#ifndef NXD_QEMU_BOARD_H
#define NXD_QEMU_BOARD_H

#include <stdint.h>

/* SysTick rate; the MQTT library's NX_IP_PERIODIC_RATE must be the same. */
#define BOARD_TICKS_PER_SECOND 100u

/* Starts the SysTick at BOARD_TICKS_PER_SECOND. */
void board_tick_init(void);
/* Ticks since board_tick_init (wraps around). */
uint32_t board_ticks(void);
/* Deepest stack use so far in bytes (the stack is painted at reset). */
uint32_t board_stack_used(void);
/* "mps2-an385" or "mps2-an386", from the build. */
const char *board_name(void);

#endif
