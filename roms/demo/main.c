#include <stdint.h>

volatile uint8_t vblank_count;

#define REG(addr) (*(volatile uint8_t*)(addr))

void main(void) {
    REG(0xFF40) = 0x91;
    REG(0xFF68) = 0x80;
    REG(0xFF69) = 0x1F;
    REG(0xFF69) = 0x00;
    REG(0xFFFF) = 0x01;
    __asm__("ei");
    for (;;) {
        __asm__("halt");
    }
}
