/* roms/demo/game.h — what the demo game's parts share. */
#ifndef DEMO_GAME_H
#define DEMO_GAME_H

#include <stdint.h>

#include "hardware.h"
#include "ram_layout.h"

/* The observable state lives at fixed addresses (ram_layout.h). */
#define STATE8(address) (*(uint8_t*) (address))
#define g_magic STATE8(RAM_MAGIC)
#define g_mode STATE8(RAM_MODE)
#define g_on_title STATE8(RAM_ON_TITLE)
#define g_text_open STATE8(RAM_TEXT_OPEN)
#define g_in_battle STATE8(RAM_IN_BATTLE)
#define g_map STATE8(RAM_MAP_ID)
#define g_x STATE8(RAM_PLAYER_X)
#define g_y STATE8(RAM_PLAYER_Y)
#define g_facing STATE8(RAM_FACING)
#define g_badges STATE8(RAM_BADGES)
#define g_money ((uint8_t*) RAM_MONEY)
#define g_party_count STATE8(RAM_PARTY_COUNT)
#define g_species ((uint8_t*) RAM_PARTY_SPECIES)
#define g_level ((uint8_t*) RAM_PARTY_LEVEL)
#define g_hp ((uint8_t*) RAM_PARTY_HP)
#define g_max_hp ((uint8_t*) RAM_PARTY_MAX_HP)
#define g_exp ((uint8_t*) RAM_PARTY_EXP)
#define g_steps (*(uint16_t*) RAM_STEPS)
#define g_hours STATE8(RAM_PLAY_HOURS)
#define g_minutes STATE8(RAM_PLAY_MINUTES)
#define g_seconds STATE8(RAM_PLAY_SECONDS)
#define g_frames STATE8(RAM_PLAY_FRAMES)
#define g_rng (*(uint16_t*) RAM_RNG)
#define g_enemy_species STATE8(RAM_ENEMY_SPECIES)
#define g_enemy_level STATE8(RAM_ENEMY_LEVEL)
#define g_enemy_hp STATE8(RAM_ENEMY_HP)
#define g_enemy_max_hp STATE8(RAM_ENEMY_MAX_HP)
#define g_battles_won STATE8(RAM_BATTLES_WON)
#define g_world_flags STATE8(RAM_WORLD_FLAGS)
#define g_text_id STATE8(RAM_TEXT_ID)
#define g_moving STATE8(RAM_MOVING)
#define g_maps_seen STATE8(RAM_MAPS_SEEN)

#define FACE_DOWN 0
#define FACE_UP 1
#define FACE_LEFT 2
#define FACE_RIGHT 3

#define MAP_WIDTH 10
#define MAP_HEIGHT 9
#define TEXT_COLUMNS 18

/* main.c */
extern volatile uint8_t vblank_count;
void wait_vblank(void);
uint8_t random_byte(void);

/* gfx.c */
void gfx_init(void);
void lcd_off(void);
void lcd_on(void);
void vram_put(uint8_t* address, uint8_t value);
void draw_text(uint8_t* map, uint8_t column, uint8_t row, const char* text);
void fill_map(uint8_t* map, uint8_t tile, uint8_t attribute);
void set_cell(uint8_t* map, uint8_t column, uint8_t row, uint8_t tile, uint8_t attribute);
void hide_sprites(uint8_t first);
void draw_person(uint8_t slot, uint8_t x, uint8_t y, uint8_t facing, uint8_t walking,
                 uint8_t palette);
void draw_blob(uint8_t slot, uint8_t x, uint8_t y, uint8_t palette);
void show_text_box(const char* line1, const char* line2);
void hide_text_box(void);
void format_number(char* out, uint16_t value, uint8_t width);

#define UI_PALETTE 6
#define TILE_BLANK 0

/* world.c */
void world_new_game(void);
void world_enter_map(void);
void world_frame(uint8_t held, uint8_t pressed);
void world_text_frame(uint8_t pressed);
void world_draw_sprites(void);
void add_money(uint16_t amount);
void heal_party(void);

/* battle.c */
void battle_start(void);
void battle_frame(uint8_t pressed);

#endif
