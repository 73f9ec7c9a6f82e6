/* Minimal Cortex-M4F start-up for the link-only firmware of c_tests/netx/firmware (never run:
 * the tests only link and analyse it). Vector table, reset handler that copies .data, clears
 * .bss, enables the FPU (the library is built hard-float) and calls main. */
#include <stdint.h>

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
int main(void);
void fw_reset_handler(void);

static void fw_default_handler(void)
{
    for (;;) {
    }
}

typedef void (*fw_vector_t)(void);

/* Initial SP, reset, NMI, HardFault, MemManage, BusFault, UsageFault, 4 reserved, SVC,
 * DebugMon, reserved, PendSV, SysTick. */
__attribute__((section(".isr_vector"), used)) const fw_vector_t fw_vectors[16] = {
    (fw_vector_t)(uintptr_t)&_estack, fw_reset_handler, fw_default_handler, fw_default_handler,
    fw_default_handler, fw_default_handler, fw_default_handler, 0, 0, 0, 0,
    fw_default_handler, fw_default_handler, 0, fw_default_handler, fw_default_handler,
};

void fw_reset_handler(void)
{
    const uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &_sbss; dst < &_ebss;) {
        *dst++ = 0;
    }
    /* CPACR: full access to CP10 and CP11 (FPU). */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm volatile("dsb\n\tisb" ::: "memory");
    (void)main();
    for (;;) {
    }
}
