/* roms/demo/main.c — the demo game's frame loop: title screen, then the overworld, text boxes
 * and battles. One pass of the loop per frame, paced by the vertical blank. */
#include "game.h"

volatile uint8_t vblank_count;

void wait_vblank(void) {
    const uint8_t seen = vblank_count;
    while (vblank_count == seen) {
        __asm__("halt");
    }
}

/* 16-bit xorshift: the game's only randomness, advanced only here. */
uint8_t random_byte(void) {
    uint16_t x = g_rng;
    x ^= x << 7;
    x ^= x >> 9;
    x ^= x << 8;
    g_rng = x;
    return (uint8_t) x;
}

static uint8_t read_joypad(void) {
    REG_P1 = 0x10; /* select A, B, SELECT, START */
    uint8_t buttons = REG_P1;
    buttons = REG_P1;
    REG_P1 = 0x20; /* select the directions */
    uint8_t directions = REG_P1;
    directions = REG_P1;
    REG_P1 = 0x30;
    return (uint8_t) ((~buttons & 0x0F) | ((~directions & 0x0F) << 4));
}

static void tick_play_time(void) {
    if (++g_frames < 60) return;
    g_frames = 0;
    if (++g_seconds < 60) return;
    g_seconds = 0;
    if (++g_minutes < 60) return;
    g_minutes = 0;
    if (g_hours < 255) ++g_hours;
}

static void show_title(void) {
    lcd_off();
    fill_map(VRAM_BG_MAP, TILE_BLANK, UI_PALETTE);
    draw_text(VRAM_BG_MAP, 5, 3, "CRYSTAL-RL");
    draw_text(VRAM_BG_MAP, 5, 5, "DEMO  QUEST");
    draw_text(VRAM_BG_MAP, 2, 11, "8 BADGES TO FIND");
    draw_text(VRAM_BG_MAP, 4, 14, "PRESS START");
    hide_sprites(0);
    draw_person(0, 48, 60, FACE_DOWN, 0, 0);
    draw_blob(1, 96, 60, 5);
    lcd_on();
    g_mode = MODE_TITLE;
    g_on_title = 1;
}

void main(void) {
    g_magic = 0; /* crt0 cleared the rest of WRAM */
    g_rng = 0xACE1;
    while (REG_LY < 144) {
    } /* the screen may only be switched off during the vertical blank */
    REG_LCDC = 0;
    gfx_init();
    REG_IF = 0;
    REG_IE = 0x01; /* vertical blank */
    __asm__("ei");
    show_title();
    g_magic = STATE_MAGIC;
    g_text_id = 0xFF;

    uint8_t last = 0;
    for (;;) {
        wait_vblank();
        if (g_mode == MODE_OVERWORLD || g_mode == MODE_TEXT) world_draw_sprites();
        const uint8_t held = read_joypad();
        const uint8_t pressed = (uint8_t) (held & ~last);
        last = held;
        switch (g_mode) {
            case MODE_TITLE:
                random_byte();
                if (pressed & JOY_START) world_new_game();
                break;
            case MODE_OVERWORLD:
                tick_play_time();
                world_frame(held, pressed);
                break;
            case MODE_TEXT:
                tick_play_time();
                world_text_frame(pressed);
                break;
            default:
                tick_play_time();
                battle_frame(pressed);
                break;
        }
    }
}
