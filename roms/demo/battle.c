/* roms/demo/battle.c — wild encounters: a menu of FIGHT, HEAL, RUN and CATCH. Winning earns
 * experience (levels) and money; losing sends the player home to rest. */
#include "game.h"

static const char* const species_names[5] = {"?", "SPARKY", "PIDGE", "RATTO", "BUZZ"};

enum { CHOICE_FIGHT, CHOICE_HEAL, CHOICE_RUN, CHOICE_CATCH };
enum { PHASE_MENU, PHASE_MESSAGE };
enum { AFTER_MENU, AFTER_END, AFTER_FAINTED };

static uint8_t choice, phase, after;

static void put_line(uint8_t row, const char* text) {
    for (uint8_t column = 0; column < 20; ++column) {
        set_cell(VRAM_BG_MAP, column, row, TILE_BLANK, UI_PALETTE);
    }
    draw_text(VRAM_BG_MAP, 1, row, text);
}

/* "NAME   LV nn" and "HP nn/nn" for one side. */
static void draw_side(uint8_t row, uint8_t species, uint8_t level, uint8_t hp, uint8_t max_hp) {
    char line[20];
    const char* name = species_names[species < 5 ? species : 0];
    uint8_t i = 0;
    while (name[i]) {
        line[i] = name[i];
        ++i;
    }
    while (i < 9) line[i++] = ' ';
    line[i++] = 'L';
    line[i++] = 'V';
    format_number(line + i, level, 3);
    put_line(row, line);
    line[0] = 'H';
    line[1] = 'P';
    format_number(line + 2, hp, 4);
    line[6] = '/';
    format_number(line + 7, max_hp, 3);
    put_line((uint8_t) (row + 1), line);
}

static void draw_status(void) {
    draw_side(1, g_enemy_species, g_enemy_level, g_enemy_hp, g_enemy_max_hp);
    draw_side(9, g_species[0], g_level[0], g_hp[0], g_max_hp[0]);
}

static void draw_menu(void) {
    static const char* const labels[4] = {"FIGHT", "HEAL", "RUN", "CATCH"};
    for (uint8_t i = 0; i < 4; ++i) {
        const uint8_t column = (uint8_t) ((i & 1) ? 11 : 2), row = (uint8_t) (14 + (i >> 1) * 2);
        set_cell(VRAM_BG_MAP, (uint8_t) (column - 1), row, (uint8_t) (choice == i ? 128 + ('>' - ' ') : 0),
                 UI_PALETTE);
        draw_text(VRAM_BG_MAP, column, row, labels[i]);
    }
}

static void message(const char* text, uint8_t then) {
    put_line(14, text);
    put_line(16, "");
    phase = PHASE_MESSAGE;
    after = then;
}

void battle_start(void) {
    g_in_battle = 1;
    g_mode = MODE_BATTLE;
    g_enemy_species = (uint8_t) (2 + random_byte() % 3);
    g_enemy_level = (uint8_t) (2 + random_byte() % 3 + (g_map == MAP_GROVE ? 4 : 0));
    g_enemy_max_hp = (uint8_t) (8 + g_enemy_level * 2);
    g_enemy_hp = g_enemy_max_hp;
    choice = CHOICE_FIGHT;
    lcd_off();
    fill_map(VRAM_BG_MAP, TILE_BLANK, UI_PALETTE);
    hide_sprites(0);
    draw_blob(0, 120, 24, 4);
    draw_blob(1, 120, 72, 5);
    draw_status();
    lcd_on();
    message("A WILD MON APPEARS!", AFTER_MENU);
}

static void gain_experience(void) {
    g_exp[0] = (uint8_t) (g_exp[0] + g_enemy_level * 4);
    while (g_exp[0] >= g_level[0] * 2 && g_level[0] < 99) {
        g_exp[0] = (uint8_t) (g_exp[0] - g_level[0] * 2);
        ++g_level[0];
        g_max_hp[0] = (uint8_t) (g_max_hp[0] + 3);
        g_hp[0] = (uint8_t) (g_hp[0] + 3);
    }
    add_money((uint16_t) g_enemy_level * 10);
    ++g_battles_won;
}

/* The enemy's turn; returns 1 if our monster fainted. */
static uint8_t enemy_attacks(void) {
    const uint8_t damage = (uint8_t) (1 + g_enemy_level / 2 + random_byte() % 2);
    g_hp[0] = g_hp[0] > damage ? (uint8_t) (g_hp[0] - damage) : 0;
    return g_hp[0] == 0;
}

static void choose(void) {
    if (choice == CHOICE_FIGHT) {
        const uint8_t damage = (uint8_t) (3 + g_level[0] / 2 + random_byte() % 3);
        g_enemy_hp = g_enemy_hp > damage ? (uint8_t) (g_enemy_hp - damage) : 0;
        if (g_enemy_hp == 0) {
            gain_experience();
            draw_status();
            message("YOU WON THE FIGHT!", AFTER_END);
            return;
        }
        const uint8_t fainted = enemy_attacks();
        draw_status();
        message(fainted ? "YOUR MON FAINTED!" : "A HIT! IT HITS BACK.", fainted ? AFTER_FAINTED : AFTER_MENU);
    } else if (choice == CHOICE_HEAL) {
        g_hp[0] = (uint8_t) (g_hp[0] + 10 > g_max_hp[0] ? g_max_hp[0] : g_hp[0] + 10);
        const uint8_t fainted = enemy_attacks();
        draw_status();
        message(fainted ? "YOUR MON FAINTED!" : "YOUR MON RESTED.", fainted ? AFTER_FAINTED : AFTER_MENU);
    } else if (choice == CHOICE_RUN) {
        if (random_byte() & 3) {
            message("YOU GOT AWAY.", AFTER_END);
        } else {
            const uint8_t fainted = enemy_attacks();
            draw_status();
            message("COULD NOT ESCAPE!", fainted ? AFTER_FAINTED : AFTER_MENU);
        }
    } else {
        const uint8_t weak = g_enemy_hp * 2 <= g_enemy_max_hp;
        if (g_party_count < PARTY_MAX && weak && (random_byte() & 1)) {
            const uint8_t slot = g_party_count++;
            g_species[slot] = g_enemy_species;
            g_level[slot] = g_enemy_level;
            g_max_hp[slot] = g_enemy_max_hp;
            g_hp[slot] = g_enemy_hp;
            g_exp[slot] = 0;
            message("GOTCHA! IT JOINED.", AFTER_END);
        } else {
            const uint8_t fainted = enemy_attacks();
            draw_status();
            message(weak ? "IT BROKE FREE!" : "TOO STRONG TO CATCH", fainted ? AFTER_FAINTED : AFTER_MENU);
        }
    }
}

static void end_battle(void) {
    g_in_battle = 0;
    g_mode = MODE_OVERWORLD;
    world_enter_map();
}

void battle_frame(uint8_t pressed) {
    if (phase == PHASE_MESSAGE) {
        if (!(pressed & (JOY_A | JOY_B))) return;
        if (after == AFTER_END) {
            end_battle();
        } else if (after == AFTER_FAINTED) {
            heal_party();
            g_map = MAP_HOUSE;
            g_x = 4;
            g_y = 6;
            g_facing = FACE_DOWN;
            end_battle();
        } else {
            phase = PHASE_MENU;
            put_line(14, "");
            put_line(16, "");
            draw_menu();
        }
        return;
    }
    const uint8_t old = choice;
    if (pressed & JOY_RIGHT) choice |= 1;
    if (pressed & JOY_LEFT) choice &= 2;
    if (pressed & JOY_DOWN) choice |= 2;
    if (pressed & JOY_UP) choice &= 1;
    if (choice != old) draw_menu();
    if (pressed & JOY_A) choose();
}
