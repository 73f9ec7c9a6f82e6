/* Bridge smoke test: sends a hand-built MQTT 3.1.1 CONNECT over UART0 (connected by QEMU's
 * -serial tcp:127.0.0.1:PORT to a broker on the host), checks the CONNACK, sends DISCONNECT.
 * Does not use the library: it proves the board, the UART and the bridge on their own.
 * Exit status 0 on success; 1..9 name the failing step. */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "semihosting.h"
#include "uart.h"

#define TIMEOUT_TICKS (5u * BOARD_TICKS_PER_SECOND)

static int fail(int code, const char *what)
{
    sh_puts("smoke: FAIL ");
    sh_puts(what);
    sh_puts("\n");
    return code;
}

static int send_all(const uint8_t *data, size_t len)
{
    uint32_t start = board_ticks();
    size_t done = 0;
    while (done < len) {
        done += uart0_write(data + done, len - done);
        if (board_ticks() - start > TIMEOUT_TICKS) {
            return -1;
        }
    }
    return 0;
}

int main(void)
{
    static const char client_id[] = "nxd-qemu-smoke";
    uint8_t connect[64];
    size_t id_len = sizeof(client_id) - 1u;
    size_t n = 0;

    board_tick_init();
    uart0_init();
    sh_puts("smoke: board ");
    sh_puts(board_name());
    sh_puts("\n");

#if defined(__ARM_FP)
    {
        /* The reset code enabled the FPU: a hard-float operation must not fault. */
        volatile float a = 1.5f;
        volatile float b = a * 2.0f;
        if (b != 3.0f) {
            return fail(9, "FPU arithmetic");
        }
    }
#endif

    connect[n++] = 0x10;                      /* CONNECT */
    connect[n++] = (uint8_t)(10u + 2u + id_len); /* remaining length (< 128) */
    connect[n++] = 0x00;
    connect[n++] = 0x04;
    memcpy(&connect[n], "MQTT", 4);
    n += 4;
    connect[n++] = 0x04; /* protocol level 3.1.1 */
    connect[n++] = 0x02; /* clean session */
    connect[n++] = 0x00;
    connect[n++] = 60; /* keep-alive 60 s */
    connect[n++] = 0x00;
    connect[n++] = (uint8_t)id_len;
    memcpy(&connect[n], client_id, id_len);
    n += id_len;

    if (send_all(connect, n) != 0) {
        return fail(1, "sending CONNECT");
    }

    uint8_t connack[4];
    size_t got = 0;
    uint32_t start = board_ticks();
    while (got < sizeof(connack)) {
        got += uart0_read(&connack[got], sizeof(connack) - got);
        if (board_ticks() - start > TIMEOUT_TICKS) {
            return fail(2, "no CONNACK within 5 s");
        }
    }
    if (connack[0] != 0x20 || connack[1] != 0x02) {
        return fail(3, "not a CONNACK");
    }
    if (connack[3] != 0x00) {
        return fail(4, "CONNACK refused");
    }
    sh_puts("smoke: CONNACK accepted after ");
    sh_put_dec(board_ticks() - start);
    sh_puts(" ticks\n");

    /* The SysTick must be running: two ticks (20 ms) have to pass within one second of host time. */
    {
        int32_t cs0 = sh_clock();
        uint32_t t0 = board_ticks();
        while (board_ticks() - t0 < 2u) {
            if (sh_clock() - cs0 > 100) {
                return fail(6, "SysTick does not advance");
            }
        }
    }

    static const uint8_t disconnect[2] = {0xE0, 0x00};
    if (send_all(disconnect, sizeof(disconnect)) != 0) {
        return fail(5, "sending DISCONNECT");
    }
    sh_puts("smoke: PASS\n");
    return 0;
}
