/* CMSDK APB UART driver (polling). Registers: DATA +0x00, STATE +0x04 (bit 0 TX full, bit 1
 * RX full), CTRL +0x08 (bit 0 TX enable, bit 1 RX enable), INTSTATUS +0x0C, BAUDDIV +0x10. */
#include "uart.h"

#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10u))

#define STATE_TX_FULL 0x1u
#define STATE_RX_FULL 0x2u
#define CTRL_TX_EN 0x1u
#define CTRL_RX_EN 0x2u

void uart0_init(void)
{
    UART_BAUDDIV = 16u; /* the smallest valid divider; QEMU does not pace the bytes anyway */
    UART_CTRL = CTRL_TX_EN | CTRL_RX_EN;
    /* A read of DATA right after enabling the receiver makes QEMU offer the first received byte at
     * once (otherwise it arrives only after a long delay). */
    (void)UART_DATA;
}

size_t uart0_write(const uint8_t *data, size_t len)
{
    size_t n = 0;
    while (n < len && (UART_STATE & STATE_TX_FULL) == 0u) {
        UART_DATA = data[n];
        n++;
    }
    return n;
}

size_t uart0_read(uint8_t *buf, size_t len)
{
    size_t n = 0;
    while (n < len && (UART_STATE & STATE_RX_FULL) != 0u) {
        buf[n] = (uint8_t)UART_DATA;
        n++;
    }
    return n;
}
