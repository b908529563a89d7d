/* roms/demo/world.c — the overworld: four one-screen maps of 10x9 cells (16x16 pixels each),
 * walking, doors and map edges, people to talk to, badges and coins to find, tall grass. */
#include "game.h"

/* What a map cell is. */
enum {
    CELL_GROUND, CELL_GRASS, CELL_TREE, CELL_PATH, CELL_ROOF, CELL_WALL, CELL_DOOR, CELL_FLOOR,
    CELL_INNER_WALL, CELL_MAT, CELL_TABLE, CELL_STAR, CELL_COIN, CELL_KINDS
};

struct cell_look {
    uint8_t top_left, top_right, bottom_left, bottom_right;
    uint8_t palette;
    uint8_t mirrored; /* right column = left column flipped */
    uint8_t solid;
};

static const struct cell_look looks[CELL_KINDS] = {
    {1, 1, 1, 1, 0, 0, 0},     /* ground */
    {2, 2, 2, 2, 1, 0, 0},     /* tall grass */
    {3, 3, 4, 4, 2, 1, 1},     /* tree */
    {5, 5, 5, 5, 3, 0, 0},     /* path */
    {6, 6, 6, 6, 4, 0, 1},     /* roof */
    {7, 7, 7, 7, 4, 0, 1},     /* wall */
    {8, 8, 9, 9, 4, 1, 0},     /* door */
    {10, 10, 10, 10, 5, 0, 0}, /* floor */
    {11, 11, 11, 11, 5, 0, 1}, /* inner wall */
    {12, 12, 12, 12, 5, 1, 0}, /* exit mat */
    {13, 13, 13, 13, 5, 1, 1}, /* table */
    {14, 14, 15, 15, 7, 1, 0}, /* badge star */
    {16, 16, 17, 17, 7, 1, 0}, /* coin */
};

static const char* const maps[MAP_COUNT][MAP_HEIGHT] = {
    {/* town */
     "TTTTTTTTTT", "T.RRRR...T", "T.WWDW...T", "T...=....T", "T...=====.", "T.$...=...",
     "T.....=.*T", "T........T", "TTTTTTTTTT"},
    {/* route */
     "TTTT..TTTT", "T$,,,,,,,T", "T,,,...,,T", "T,,..=..,T", "....====.T", "..==,,,..T",
     "T,,,,,,,*T", "T,,,,,,,,T", "TTTTTTTTTT"},
    {/* house */
     "XXXXXXXXXX", "XFFFFFFFFX", "XFBBFFF*FX", "XFFFFFFFFX", "XFFFFFFFFX", "XFFFFFFFFX",
     "XFFFFFFFFX", "XFFFFFFFFX", "XXXXMXXXXX"},
    {/* grove */
     "TTTTTTTTTT", "T*,,T,,$,T", "T,,,T,,,,T", "T,,,,,,T,T", "T,TT,,,T,T", "T,,,,,,,,T",
     "T,,T,,TT,T", "T,,,,,,,,T", "TTTT..TTTT"},
};

/* Which badge bit (stars) or coin flag (coins) a cell holds, by map. */
static const uint8_t star_badge[MAP_COUNT] = {0, 1, 3, 2};
static const uint8_t coin_flag[MAP_COUNT] = {0, 1, 0xFF, 2};

/* Where walking off an edge leads: map, or 0xFF for none. Order: down, up, left, right. */
static const uint8_t neighbours[MAP_COUNT][4] = {
    {0xFF, 0xFF, 0xFF, MAP_ROUTE},
    {0xFF, MAP_GROVE, MAP_TOWN, 0xFF},
    {0xFF, 0xFF, 0xFF, 0xFF},
    {MAP_ROUTE, 0xFF, 0xFF, 0xFF},
};

struct person {
    uint8_t map, x, y, palette, talk;
};
enum { TALK_ELDER, TALK_LEADER, TALK_MOM, TALK_HIKER, TALK_SAGE };
#define PEOPLE 5
static const struct person people[PEOPLE] = {
    {MAP_TOWN, 7, 3, 1, TALK_ELDER},  {MAP_TOWN, 1, 6, 3, TALK_LEADER},
    {MAP_HOUSE, 2, 5, 2, TALK_MOM},   {MAP_ROUTE, 6, 2, 1, TALK_HIKER},
    {MAP_GROVE, 5, 5, 3, TALK_SAGE},
};

static const uint8_t leader_levels[4] = {6, 8, 10, 12};

/* Walking: 8 frames a cell, 2 pixels a frame. */
#define STEP_FRAMES 8
static uint8_t step_frame;
static int8_t step_dx, step_dy;

/* The text box: up to two pages of two lines. */
static char text_lines[4][TEXT_COLUMNS + 1];
static uint8_t text_pages, text_page;

static uint8_t cell_at(uint8_t x, uint8_t y) {
    switch (maps[g_map][y][x]) {
        case ',': return CELL_GRASS;
        case 'T': return CELL_TREE;
        case '=': return CELL_PATH;
        case 'R': return CELL_ROOF;
        case 'W': return CELL_WALL;
        case 'D': return CELL_DOOR;
        case 'F': return CELL_FLOOR;
        case 'X': return CELL_INNER_WALL;
        case 'M': return CELL_MAT;
        case 'B': return CELL_TABLE;
        case '*': return (g_badges & (1 << star_badge[g_map])) ? (g_map == MAP_HOUSE ? CELL_FLOOR : CELL_GROUND) : CELL_STAR;
        case '$':
            if (!(g_world_flags & (1 << coin_flag[g_map]))) return CELL_COIN;
            return g_map == MAP_TOWN ? CELL_GROUND : CELL_GRASS;
        default: return CELL_GROUND;
    }
}

static void draw_cell(uint8_t x, uint8_t y) {
    const struct cell_look* look = &looks[cell_at(x, y)];
    const uint8_t flip = look->mirrored ? 0x20 : 0;
    const uint8_t column = (uint8_t) (x * 2), row = (uint8_t) (y * 2);
    set_cell(VRAM_BG_MAP, column, row, look->top_left, look->palette);
    set_cell(VRAM_BG_MAP, (uint8_t) (column + 1), row, look->top_right, (uint8_t) (look->palette | flip));
    set_cell(VRAM_BG_MAP, column, (uint8_t) (row + 1), look->bottom_left, look->palette);
    set_cell(VRAM_BG_MAP, (uint8_t) (column + 1), (uint8_t) (row + 1), look->bottom_right,
             (uint8_t) (look->palette | flip));
}

static uint8_t person_at(uint8_t x, uint8_t y) {
    for (uint8_t i = 0; i < PEOPLE; ++i) {
        if (people[i].map == g_map && people[i].x == x && people[i].y == y) return i;
    }
    return 0xFF;
}

void world_draw_sprites(void) {
    uint8_t px = (uint8_t) (g_x * 16), py = (uint8_t) (g_y * 16);
    uint8_t walking = 0;
    if (g_moving) {
        const uint8_t moved = (uint8_t) (step_frame * 2);
        px = (uint8_t) (px - step_dx * 16 + step_dx * moved);
        py = (uint8_t) (py - step_dy * 16 + step_dy * moved);
        walking = (uint8_t) ((step_frame >> 2) & 1);
    }
    draw_person(0, px, py, g_facing, walking, 0);
    uint8_t slot = 1;
    for (uint8_t i = 0; i < PEOPLE; ++i) {
        if (people[i].map != g_map) continue;
        draw_person(slot++, (uint8_t) (people[i].x * 16), (uint8_t) (people[i].y * 16), FACE_DOWN, 0,
                    people[i].palette);
    }
    hide_sprites((uint8_t) (slot * 4));
}

void world_enter_map(void) {
    lcd_off();
    for (uint8_t y = 0; y < MAP_HEIGHT; ++y) {
        for (uint8_t x = 0; x < MAP_WIDTH; ++x) draw_cell(x, y);
    }
    world_draw_sprites();
    lcd_on();
    g_maps_seen |= (uint8_t) (1 << g_map);
}

void heal_party(void) {
    for (uint8_t i = 0; i < g_party_count; ++i) g_hp[i] = g_max_hp[i];
}

/* Adds to the 3-byte BCD money, stopping at 999999. */
void add_money(uint16_t amount) {
    uint8_t carry = 0;
    for (int8_t i = 2; i >= 0; --i) {
        const uint8_t add = (uint8_t) (amount % 100);
        amount /= 100;
        uint8_t low = (uint8_t) ((g_money[i] & 0x0F) + add % 10 + carry);
        carry = 0;
        if (low > 9) {
            low -= 10;
            carry = 1;
        }
        uint8_t high = (uint8_t) ((g_money[i] >> 4) + add / 10 + carry);
        carry = 0;
        if (high > 9) {
            high -= 10;
            carry = 1;
        }
        g_money[i] = (uint8_t) (high << 4 | low);
    }
    if (carry) g_money[0] = g_money[1] = g_money[2] = 0x99;
}

static void copy_line(uint8_t line, const char* text) {
    uint8_t i = 0;
    while (text[i] && i < TEXT_COLUMNS) {
        text_lines[line][i] = text[i];
        ++i;
    }
    text_lines[line][i] = 0;
}

static void open_text(uint8_t id, const char* a, const char* b, const char* c, const char* d) {
    copy_line(0, a);
    copy_line(1, b);
    copy_line(2, c ? c : "");
    copy_line(3, d ? d : "");
    text_pages = c ? 2 : 1;
    text_page = 0;
    g_text_id = id;
    g_text_open = 1;
    g_mode = MODE_TEXT;
    show_text_box(text_lines[0], text_lines[1]);
}

/* Writes "LV" and a level into a line at `at`. */
static void put_level(char* line, uint8_t at, uint8_t level) {
    char number[4];
    format_number(number, level, 2);
    line[at] = number[0];
    line[at + 1] = number[1];
}

static void talk_to_leader(void) {
    uint8_t next = 4;
    while (next < 8 && (g_badges & (1 << next))) ++next;
    if (next == 8) {
        open_text(TALK_LEADER, "YOU HOLD ALL MY", "BADGES. WELL DONE!", 0, 0);
        return;
    }
    const uint8_t needed = leader_levels[next - 4];
    if (g_level[0] >= needed) {
        g_badges |= (uint8_t) (1 << next);
        open_text(TALK_LEADER, "WHAT A STRONG MON!", "TAKE THIS BADGE.", 0, 0);
    } else {
        static char line[TEXT_COLUMNS + 1];
        const char* text = "BRING A LV    MON";
        for (uint8_t i = 0; i <= TEXT_COLUMNS; ++i) line[i] = text[i];
        put_level(line, 11, needed);
        open_text(TALK_LEADER, "I AM THE LEADER.", line, "AND EARN A BADGE.", "");
    }
}

static void talk(uint8_t who) {
    switch (people[who].talk) {
        case TALK_ELDER:
            open_text(TALK_ELDER, "WELCOME TO DEMO", "TOWN, TRAVELLER!", "TALL GRASS LIES", "TO THE EAST.");
            break;
        case TALK_LEADER: talk_to_leader(); break;
        case TALK_MOM:
            heal_party();
            open_text(TALK_MOM, "REST A WHILE, DEAR.", "YOUR TEAM IS WELL.", 0, 0);
            break;
        case TALK_HIKER:
            open_text(TALK_HIKER, "WILD MONS HIDE IN", "THE TALL GRASS.", "THE GROVE IS NORTH.", "");
            break;
        default:
            open_text(TALK_SAGE, "BADGES SHINE IN", "EVERY CORNER.", 0, 0);
            break;
    }
}

void world_text_frame(uint8_t pressed) {
    if (!(pressed & (JOY_A | JOY_B))) return;
    if (++text_page < text_pages) {
        show_text_box(text_lines[text_page * 2], text_lines[text_page * 2 + 1]);
        return;
    }
    hide_text_box();
    g_text_open = 0;
    g_text_id = 0xFF;
    g_mode = MODE_OVERWORLD;
}

static void warp(uint8_t map, uint8_t x, uint8_t y, uint8_t facing) {
    g_map = map;
    g_x = x;
    g_y = y;
    g_facing = facing;
    world_enter_map();
}

/* What happens on arriving at a cell. */
static void arrive(void) {
    ++g_steps;
    const uint8_t cell = cell_at(g_x, g_y);
    if (cell == CELL_DOOR) {
        warp(MAP_HOUSE, 4, 7, FACE_UP);
    } else if (cell == CELL_MAT) {
        warp(MAP_TOWN, 4, 3, FACE_DOWN);
    } else if (cell == CELL_STAR) {
        g_badges |= (uint8_t) (1 << star_badge[g_map]);
        draw_cell(g_x, g_y);
        open_text(0x10, "YOU FOUND A BADGE!", "IT SHINES BRIGHTLY.", 0, 0);
    } else if (cell == CELL_COIN) {
        g_world_flags |= (uint8_t) (1 << coin_flag[g_map]);
        add_money(100);
        draw_cell(g_x, g_y);
        open_text(0x11, "YOU FOUND $100!", "", 0, 0);
    } else if (cell == CELL_GRASS && random_byte() < 48) {
        battle_start();
    }
}

static void try_walk(uint8_t facing) {
    static const int8_t dx[4] = {0, 0, -1, 1};
    static const int8_t dy[4] = {1, -1, 0, 0};
    g_facing = facing;
    const int8_t nx = (int8_t) (g_x + dx[facing]);
    const int8_t ny = (int8_t) (g_y + dy[facing]);
    if (nx < 0 || ny < 0 || nx >= MAP_WIDTH || ny >= MAP_HEIGHT) {
        const uint8_t next = neighbours[g_map][facing];
        if (next == 0xFF) return;
        /* Come in at the opposite edge, same row or column. */
        const uint8_t x = nx < 0 ? MAP_WIDTH - 1 : nx >= MAP_WIDTH ? 0 : (uint8_t) nx;
        const uint8_t y = ny < 0 ? MAP_HEIGHT - 1 : ny >= MAP_HEIGHT ? 0 : (uint8_t) ny;
        ++g_steps;
        warp(next, x, y, facing);
        return;
    }
    if (looks[cell_at((uint8_t) nx, (uint8_t) ny)].solid) return;
    if (person_at((uint8_t) nx, (uint8_t) ny) != 0xFF) return;
    g_x = (uint8_t) nx;
    g_y = (uint8_t) ny;
    step_dx = dx[facing];
    step_dy = dy[facing];
    step_frame = 0;
    g_moving = 1;
}

void world_frame(uint8_t held, uint8_t pressed) {
    if (g_moving) {
        if (++step_frame == STEP_FRAMES) {
            g_moving = 0;
            arrive();
        }
        return;
    }
    if (pressed & JOY_A) {
        static const int8_t dx[4] = {0, 0, -1, 1};
        static const int8_t dy[4] = {1, -1, 0, 0};
        const uint8_t who = person_at((uint8_t) (g_x + dx[g_facing]), (uint8_t) (g_y + dy[g_facing]));
        if (who != 0xFF) talk(who);
        return;
    }
    if (held & JOY_DOWN) try_walk(FACE_DOWN);
    else if (held & JOY_UP) try_walk(FACE_UP);
    else if (held & JOY_LEFT) try_walk(FACE_LEFT);
    else if (held & JOY_RIGHT) try_walk(FACE_RIGHT);
}

void world_new_game(void) {
    g_map = MAP_TOWN;
    g_x = 4;
    g_y = 3;
    g_facing = FACE_DOWN;
    g_badges = 0;
    g_money[0] = 0x00;
    g_money[1] = 0x01;
    g_money[2] = 0x00; /* $100 */
    g_party_count = 1;
    g_species[0] = 1;
    g_level[0] = 5;
    g_max_hp[0] = 25;
    g_hp[0] = 25;
    g_exp[0] = 0;
    g_steps = 0;
    g_hours = g_minutes = g_seconds = g_frames = 0;
    g_battles_won = 0;
    g_world_flags = 0;
    g_text_id = 0xFF;
    g_maps_seen = 0;
    g_moving = 0;
    g_mode = MODE_OVERWORLD;
    g_on_title = 0;
    world_enter_map();
}
