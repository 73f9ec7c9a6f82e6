/* Reset and vector table for the QEMU mps2-an385 (Cortex-M3) and mps2-an386 (Cortex-M4F) boards.
 * Reset copies .data, clears .bss, enables the FPU when the build uses it, runs main() and ends
 * QEMU through semihosting with main's return value as the exit status. */
#include <stdint.h>

#include "board.h"
#include "semihosting.h"

extern uint32_t __data_start__, __data_end__, __data_load__;
extern uint32_t __bss_start__, __bss_end__;
extern uint32_t __stack_top__;
extern uint32_t __stack_limit__;

#define STACK_FILL 0xA5A5A5A5u

int main(void);

void Reset_Handler(void) __attribute__((noreturn));
void Fault_Handler(void) __attribute__((noreturn));
void SysTick_Handler(void);
static void Unused_Handler(void) __attribute__((noreturn));

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define CORE_CLOCK_HZ 25000000u /* the mps2 FPGA images run the core at 25 MHz */

static volatile uint32_t tick_count;

typedef void (*vector_t)(void);

/* Cortex-M vector table: initial SP, then the 15 system exceptions, then 32 board interrupts. */
__attribute__((section(".isr_vector"), used)) static const vector_t vector_table[16 + 32] = {
    (vector_t)(uintptr_t)&__stack_top__,
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0,
    0,
    0,
    0,
    Unused_Handler, /* SVCall */
    Unused_Handler, /* DebugMonitor */
    0,
    Unused_Handler, /* PendSV */
    SysTick_Handler,
    /* External interrupts are never enabled by this firmware: zero entries. */
};

void Reset_Handler(void)
{
    uint32_t *src = &__data_load__;
    for (uint32_t *dst = &__data_start__; dst < &__data_end__;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &__bss_start__; dst < &__bss_end__;) {
        *dst++ = 0u;
    }
    /* Paint the unused stack so board_stack_used() can find the high-water mark. */
    {
        uint32_t sp;
        __asm__ volatile("mov %0, sp" : "=r"(sp));
        for (uint32_t *p = &__stack_limit__; (uintptr_t)p < sp - 64u; p++) {
            *p = STACK_FILL;
        }
    }
#if defined(__ARM_FP)
    /* Full access to CP10 and CP11 before the first floating-point instruction. */
    SCB_CPACR |= (0xFu << 20);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    sh_exit(main());
}

void Fault_Handler(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    sh_puts("FATAL: fault exception ");
    sh_put_dec(ipsr & 0x1FFu);
    sh_puts(" (CFSR ");
    sh_put_hex(*(volatile uint32_t *)0xE000ED28u);
    sh_puts(")\n");
    sh_exit(98);
}

static void Unused_Handler(void)
{
    sh_puts("FATAL: unexpected exception\n");
    sh_exit(97);
}

void SysTick_Handler(void)
{
    tick_count++;
}

void board_tick_init(void)
{
    SYST_RVR = CORE_CLOCK_HZ / BOARD_TICKS_PER_SECOND - 1u;
    SYST_CVR = 0u;
    SYST_CSR = 0x7u; /* processor clock, interrupt, enable */
}

uint32_t board_ticks(void)
{
    return tick_count;
}

uint32_t board_stack_used(void)
{
    const uint32_t *p = &__stack_limit__;
    while (p < &__stack_top__ && *p == STACK_FILL) {
        p++;
    }
    return (uint32_t)((uintptr_t)&__stack_top__ - (uintptr_t)p);
}

const char *board_name(void)
{
#if defined(NXD_QEMU_BOARD_NAME)
    return NXD_QEMU_BOARD_NAME;
#elif defined(__ARM_FP)
    return "mps2-an386";
#else
    return "mps2-an385";
#endif
}
