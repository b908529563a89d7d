/* roms/demo/hardware.h — Game Boy Color registers the demo game uses. */
#ifndef DEMO_HARDWARE_H
#define DEMO_HARDWARE_H

#include <stdint.h>

#define REG8(address) (*(volatile uint8_t*) (address))

#define REG_P1 REG8(0xFF00)
#define REG_IF REG8(0xFF0F)
#define REG_LCDC REG8(0xFF40)
#define REG_STAT REG8(0xFF41)
#define REG_SCY REG8(0xFF42)
#define REG_SCX REG8(0xFF43)
#define REG_LY REG8(0xFF44)
#define REG_WY REG8(0xFF4A)
#define REG_WX REG8(0xFF4B)
#define REG_VBK REG8(0xFF4F)
#define REG_BCPS REG8(0xFF68)
#define REG_BCPD REG8(0xFF69)
#define REG_OCPS REG8(0xFF6A)
#define REG_OCPD REG8(0xFF6B)
#define REG_IE REG8(0xFFFF)

#define LCDC_ON 0x80
#define LCDC_WINDOW_MAP_9C00 0x40
#define LCDC_WINDOW_ON 0x20
#define LCDC_TILES_8000 0x10
#define LCDC_SPRITES_ON 0x02
#define LCDC_BG_ON 0x01
#define LCDC_NORMAL (LCDC_ON | LCDC_WINDOW_MAP_9C00 | LCDC_TILES_8000 | LCDC_SPRITES_ON | LCDC_BG_ON)

#define VRAM_TILES ((uint8_t*) 0x8000)
#define VRAM_BG_MAP ((uint8_t*) 0x9800)
#define VRAM_WINDOW_MAP ((uint8_t*) 0x9C00)
#define OAM ((uint8_t*) 0xFE00)

#define JOY_A 0x01
#define JOY_B 0x02
#define JOY_SELECT 0x04
#define JOY_START 0x08
#define JOY_RIGHT 0x10
#define JOY_LEFT 0x20
#define JOY_UP 0x40
#define JOY_DOWN 0x80

#endif
