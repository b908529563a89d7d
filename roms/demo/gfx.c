/* roms/demo/gfx.c — tiles, font, palettes and drawing. The art is written as text ('0'-'3' or
 * '.', one character a pixel) and turned into the Game Boy's 2-bit planes once at start-up. */
#include "game.h"

#define RGB(r, g, b) ((uint16_t) ((r) | ((g) << 5) | ((b) << 10)))

static const uint16_t bg_palettes[32] = {
    RGB(20, 28, 12), RGB(14, 22, 8),  RGB(8, 16, 6),   RGB(2, 6, 2),    /* 0 ground */
    RGB(14, 24, 8),  RGB(8, 18, 4),   RGB(4, 12, 2),   RGB(1, 5, 1),    /* 1 tall grass */
    RGB(20, 28, 12), RGB(6, 16, 4),   RGB(3, 9, 2),    RGB(10, 6, 2),   /* 2 tree */
    RGB(28, 26, 18), RGB(24, 21, 13), RGB(18, 15, 9),  RGB(8, 6, 3),    /* 3 path */
    RGB(30, 30, 28), RGB(26, 8, 6),   RGB(14, 8, 4),   RGB(4, 2, 2),    /* 4 house */
    RGB(28, 22, 14), RGB(22, 16, 9),  RGB(14, 9, 5),   RGB(5, 3, 2),    /* 5 interior */
    RGB(31, 31, 31), RGB(20, 20, 20), RGB(10, 10, 10), RGB(0, 0, 0),    /* 6 text */
    RGB(20, 28, 12), RGB(31, 28, 4),  RGB(28, 18, 2),  RGB(6, 4, 0),    /* 7 items */
};

static const uint16_t sprite_palettes[32] = {
    0, RGB(31, 24, 18), RGB(28, 4, 4),   RGB(3, 3, 6),  /* 0 player: red cap */
    0, RGB(31, 24, 18), RGB(6, 10, 28),  RGB(3, 3, 6),  /* 1 blue */
    0, RGB(31, 24, 18), RGB(6, 22, 8),   RGB(3, 3, 6),  /* 2 green */
    0, RGB(31, 24, 18), RGB(20, 8, 24),  RGB(3, 3, 6),  /* 3 purple */
    0, RGB(31, 31, 20), RGB(26, 14, 4),  RGB(6, 3, 0),  /* 4 wild monster */
    0, RGB(20, 28, 31), RGB(6, 14, 28),  RGB(2, 3, 10), /* 5 own monster */
    0, 0, 0, 0,
    0, 0, 0, 0,
};

/* Background tiles, 8 rows of 8 pixels each. Their numbers are the TILE_ constants in world.c. */
static const char* const bg_art[] = {
    /* 0 blank */
    "........", "........", "........", "........", "........", "........", "........", "........",
    /* 1 ground */
    "........", "........", "..1.....", "........", "........", "......1.", "........", "........",
    /* 2 tall grass */
    "........", ".2...2..", "121.121.", "12121212", "........", "2...2...", "21.121.1", "21212121",
    /* 3 tree, top left (mirrored on the right) */
    "....1111", "..112211", ".1122221", ".1222222", "12222221", "12221222", "12222222", "11222222",
    /* 4 tree, bottom left */
    "11222221", ".1122211", "..111111", ".....133", "......33", "......33", ".....333", "........",
    /* 5 path */
    "........", "...1....", "........", ".......1", ".1......", "........", "....1...", "........",
    /* 6 roof */
    "11111111", "22222222", "11111111", "11111111", "22222222", "11111111", "11111111", "33333333",
    /* 7 wall */
    "........", ".222222.", ".2....2.", ".2....2.", ".222222.", "........", "........", "33333333",
    /* 8 door, top left */
    "........", ".2222222", ".2333333", ".2322222", ".2322222", ".2322222", ".2322222", ".2322222",
    /* 9 door, bottom left */
    ".2322222", ".2322222", ".2322232", ".2322222", ".2322222", ".2322222", ".2322222", "33333333",
    /* 10 floor */
    "22222222", ".....1..", ".....1..", ".....1..", "22222222", ".1......", ".1......", ".1......",
    /* 11 inner wall */
    "33333333", "22222222", "21212121", "12121212", "22222222", "21212121", "12121212", "33333333",
    /* 12 exit mat */
    "33333333", "32222222", "32111111", "32122222", "32122222", "32111111", "32222222", "33333333",
    /* 13 table, left */
    "33333333", "32222222", "32111111", "32111111", "32222222", "33333333", ".3......", ".3......",
    /* 14 star, top left */
    ".......3", "......31", "......31", ".....311", "33333111", "31111111", ".3111111", "..311111",
    /* 15 star, bottom left */
    "...31111", "...31111", "..311111", "..311113", ".311133.", ".31133..", ".333....", "........",
    /* 16 coin, top left */
    "........", ".....333", "...33111", "..311222", "..312211", ".3122111", ".3121111", ".3121111",
    /* 17 coin, bottom left */
    ".3121111", ".3121111", ".3122111", "..312211", "..311222", "...33111", ".....333", "........",
    /* 18 box edge */
    "........", "........", "........", "33333333", "........", "........", "........", "........",
};
#define BG_TILE_COUNT (sizeof bg_art / sizeof bg_art[0] / 8)

/* People and monsters: 16 rows of 16 pixels, cut into four 8x8 tiles. */
static const char* const person_down[16] = {
    "....33333333....", "...3222222223...", "..322222222223..", "..333333333333..",
    "..311111111113..", "..313111111313..", "..311111111113..", "...3111331113...",
    "....31111113....", "...3322222233...", "..312222222213..", "..312222222213..",
    "...3322222233...", "....33333333....", "....3113.3113...", "....333..333....",
};
static const char* const person_up[16] = {
    "....33333333....", "...3222222223...", "..322222222223..", "..333333333333..",
    "..333333333333..", "..333333333333..", "...3333333333...", "....31111113....",
    "...3322222233...", "..312222222213..", "..312222222213..", "...3322222233...",
    "....33333333....", "....3113.3113...", "....3113.3113...", "....333..333....",
};
static const char* const person_left[16] = {
    ".....3333333....", "....322222223...", "...32222222223..", "..33333333333...",
    "..3111113333....", "..3131113333....", "..3111111333....", "...31111113.....",
    "....3222223.....", "...312222223....", "...312222223....", "....3222223.....",
    "....3333333.....", ".....31113......", ".....31113......", ".....33333......",
};
/* The lower halves of the walking poses. */
static const char* const step_down[8] = {
    "....31111113....", "...3322222233...", "..312222222213..", "..312222222213..",
    "...3322222233...", "....33333333....", "....3113..333...", "....333.........",
};
static const char* const step_up[8] = {
    "...3322222233...", "..312222222213..", "..312222222213..", "...3322222233...",
    "....33333333....", "....3113.3113...", "....3113..333...", "....333.........",
};
static const char* const step_left[8] = {
    "....3222223.....", "...312222223....", "...312222223....", "....3222223.....",
    "....3333333.....", "....3113.313....", "....3113..3.....", "....333.........",
};
static const char* const blob[16] = {
    "................", "......3333......", "....33222233....", "...3222222223...",
    "..322222222223..", "..321122221123..", "..321322221323..", "..322222222223..",
    ".32222222222223.", ".32222333322223.", ".32222222222223.", ".32111111111123.",
    ".32111111111123.", "..321111111123..", "...3333333333...", "................",
};

/* Sprite tile numbers: each pose is four tiles TL, TR, BL, BR. */
#define SPRITE_TILES 64
#define POSE_DOWN (SPRITE_TILES + 0)
#define POSE_UP (SPRITE_TILES + 4)
#define POSE_LEFT (SPRITE_TILES + 8)
#define STEP_DOWN (SPRITE_TILES + 12) /* two tiles: BL, BR */
#define STEP_UP (SPRITE_TILES + 14)
#define STEP_LEFT (SPRITE_TILES + 16)
#define POSE_BLOB (SPRITE_TILES + 18)

/* 5x7 font for ' ' to 'Z', one byte a row, bit 4 the leftmost pixel. */
#define FONT_FIRST ' '
#define FONT_TILES 128
static const uint8_t font[59][7] = {
    {0, 0, 0, 0, 0, 0, 0},                          /* space */
    {0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04},     /* ! */
    {0x0A, 0x0A, 0, 0, 0, 0, 0},                    /* " */
    {0x0A, 0x1F, 0x0A, 0x0A, 0x1F, 0x0A, 0},        /* # */
    {0x04, 0x0F, 0x14, 0x0E, 0x05, 0x1E, 0x04},     /* $ */
    {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03},     /* % */
    {0x0C, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0D},     /* & */
    {0x0C, 0x04, 0x08, 0, 0, 0, 0},                 /* ' */
    {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02},     /* ( */
    {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08},     /* ) */
    {0, 0x04, 0x15, 0x0E, 0x15, 0x04, 0},           /* * */
    {0, 0x04, 0x04, 0x1F, 0x04, 0x04, 0},           /* + */
    {0, 0, 0, 0, 0x0C, 0x04, 0x08},                 /* , */
    {0, 0, 0, 0x1F, 0, 0, 0},                       /* - */
    {0, 0, 0, 0, 0, 0x0C, 0x0C},                    /* . */
    {0, 0x01, 0x02, 0x04, 0x08, 0x10, 0},           /* / */
    {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E},     /* 0 */
    {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},     /* 1 */
    {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F},     /* 2 */
    {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},     /* 3 */
    {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02},     /* 4 */
    {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},     /* 5 */
    {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E},     /* 6 */
    {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},     /* 7 */
    {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E},     /* 8 */
    {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C},     /* 9 */
    {0, 0x0C, 0x0C, 0, 0x0C, 0x0C, 0},              /* : */
    {0, 0x0C, 0x0C, 0, 0x0C, 0x04, 0x08},           /* ; */
    {0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02},     /* < */
    {0, 0, 0x1F, 0, 0x1F, 0, 0},                    /* = */
    {0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08},     /* > */
    {0x0E, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04},     /* ? */
    {0x0E, 0x11, 0x01, 0x0D, 0x15, 0x15, 0x0E},     /* @ */
    {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11},     /* A */
    {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E},     /* B */
    {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E},     /* C */
    {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C},     /* D */
    {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F},     /* E */
    {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10},     /* F */
    {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F},     /* G */
    {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11},     /* H */
    {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E},     /* I */
    {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C},     /* J */
    {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11},     /* K */
    {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F},     /* L */
    {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11},     /* M */
    {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11},     /* N */
    {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E},     /* O */
    {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10},     /* P */
    {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D},     /* Q */
    {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11},     /* R */
    {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E},     /* S */
    {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04},     /* T */
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E},     /* U */
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04},     /* V */
    {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A},     /* W */
    {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11},     /* X */
    {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04},     /* Y */
    {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F},     /* Z */
};

static uint8_t lcdc_shadow = LCDC_NORMAL;

void lcd_off(void) {
    if (!(REG_LCDC & LCDC_ON)) return;
    wait_vblank();
    REG_LCDC = 0;
}

void lcd_on(void) { REG_LCDC = lcdc_shadow; }

/* Writes one byte of VRAM when the picture processor lets us (not while it draws a line). */
void vram_put(uint8_t* address, uint8_t value) {
    if (REG_LCDC & LCDC_ON) {
        while (REG_STAT & 0x02) {
        }
    }
    *address = value;
}

/* One row of art text into the two bit planes at `tile`. */
static void put_art_row(uint8_t* tile, uint8_t row, const char* pixels) {
    uint8_t low = 0, high = 0;
    for (uint8_t i = 0; i < 8; ++i) {
        const char c = pixels[i];
        const uint8_t colour = (c >= '0' && c <= '3') ? (uint8_t) (c - '0') : 0;
        low = (uint8_t) ((low << 1) | (colour & 1));
        high = (uint8_t) ((high << 1) | (colour >> 1));
    }
    tile[row * 2] = low;
    tile[row * 2 + 1] = high;
}

/* A 16-pixel-wide picture of `rows` rows into tiles: left column first, then right. */
static void load_big_art(uint8_t first_tile, const char* const* art, uint8_t rows) {
    for (uint8_t half = 0; half < rows / 8; ++half) {
        for (uint8_t side = 0; side < 2; ++side) {
            uint8_t* tile = VRAM_TILES + (uint16_t) (first_tile + half * 2 + side) * 16;
            for (uint8_t row = 0; row < 8; ++row) put_art_row(tile, row, art[half * 8 + row] + side * 8);
        }
    }
}

static void load_palettes(void) {
    REG_BCPS = 0x80;
    for (uint8_t i = 0; i < 32; ++i) {
        REG_BCPD = (uint8_t) bg_palettes[i];
        REG_BCPD = (uint8_t) (bg_palettes[i] >> 8);
    }
    REG_OCPS = 0x80;
    for (uint8_t i = 0; i < 32; ++i) {
        REG_OCPD = (uint8_t) sprite_palettes[i];
        REG_OCPD = (uint8_t) (sprite_palettes[i] >> 8);
    }
}

void gfx_init(void) {
    /* Called with the screen off, straight after power-on. */
    REG_VBK = 0;
    for (uint8_t t = 0; t < BG_TILE_COUNT; ++t) {
        for (uint8_t row = 0; row < 8; ++row) put_art_row(VRAM_TILES + t * 16, row, bg_art[t * 8 + row]);
    }
    load_big_art(POSE_DOWN, person_down, 16);
    load_big_art(POSE_UP, person_up, 16);
    load_big_art(POSE_LEFT, person_left, 16);
    load_big_art(STEP_DOWN, step_down, 8);
    load_big_art(STEP_UP, step_up, 8);
    load_big_art(STEP_LEFT, step_left, 8);
    load_big_art(POSE_BLOB, blob, 16);
    for (uint8_t glyph = 0; glyph < 59; ++glyph) {
        uint8_t* tile = VRAM_TILES + (uint16_t) (FONT_TILES + glyph) * 16;
        for (uint8_t row = 0; row < 8; ++row) {
            const uint8_t bits = row < 7 ? (uint8_t) (font[glyph][row] << 1) : 0;
            tile[row * 2] = bits;
            tile[row * 2 + 1] = bits;
        }
    }
    load_palettes();
    hide_sprites(0);
    REG_WX = 7;
    REG_WY = 144;
    REG_SCX = 0;
    REG_SCY = 0;
}

static uint8_t glyph_tile(char c) {
    if (c >= 'a' && c <= 'z') c = (char) (c - 'a' + 'A');
    if (c < FONT_FIRST || c > 'Z') c = '?';
    return (uint8_t) (FONT_TILES + (c - FONT_FIRST));
}

/* Writes a tile and its attribute (VRAM bank 1) at a map position. */
void set_cell(uint8_t* map, uint8_t column, uint8_t row, uint8_t tile, uint8_t attribute) {
    uint8_t* at = map + (uint16_t) row * 32 + column;
    REG_VBK = 1;
    vram_put(at, attribute);
    REG_VBK = 0;
    vram_put(at, tile);
}

void draw_text(uint8_t* map, uint8_t column, uint8_t row, const char* text) {
    while (*text && column < 20) {
        set_cell(map, column, row, glyph_tile(*text), UI_PALETTE);
        ++text;
        ++column;
    }
}

void fill_map(uint8_t* map, uint8_t tile, uint8_t attribute) {
    for (uint8_t row = 0; row < 18; ++row) {
        for (uint8_t column = 0; column < 20; ++column) set_cell(map, column, row, tile, attribute);
    }
}

void hide_sprites(uint8_t first) {
    for (uint8_t i = first; i < 40; ++i) OAM[i * 4] = 0;
}

static void put_sprite(uint8_t index, uint8_t x, uint8_t y, uint8_t tile, uint8_t attribute) {
    uint8_t* entry = OAM + index * 4;
    entry[0] = (uint8_t) (y + 16);
    entry[1] = (uint8_t) (x + 8);
    entry[2] = tile;
    entry[3] = attribute;
}

/* A 16x16 person of four sprites at slot*4. Facing right is facing left, mirrored. */
void draw_person(uint8_t slot, uint8_t x, uint8_t y, uint8_t facing, uint8_t walking,
                 uint8_t palette) {
    uint8_t pose = POSE_DOWN, step = STEP_DOWN, flip = 0;
    if (facing == FACE_UP) {
        pose = POSE_UP;
        step = STEP_UP;
    } else if (facing == FACE_LEFT || facing == FACE_RIGHT) {
        pose = POSE_LEFT;
        step = STEP_LEFT;
        flip = facing == FACE_RIGHT ? 0x20 : 0;
    }
    const uint8_t bottom = walking ? step : (uint8_t) (pose + 2);
    const uint8_t attribute = (uint8_t) (palette | flip);
    const uint8_t left = flip ? 1 : 0, right = flip ? 0 : 1;
    const uint8_t first = (uint8_t) (slot * 4);
    put_sprite(first, (uint8_t) (x + left * 8), y, pose, attribute);
    put_sprite((uint8_t) (first + 1), (uint8_t) (x + right * 8), y, (uint8_t) (pose + 1), attribute);
    put_sprite((uint8_t) (first + 2), (uint8_t) (x + left * 8), (uint8_t) (y + 8), bottom, attribute);
    put_sprite((uint8_t) (first + 3), (uint8_t) (x + right * 8), (uint8_t) (y + 8),
               (uint8_t) (bottom + 1), attribute);
}

void draw_blob(uint8_t slot, uint8_t x, uint8_t y, uint8_t palette) {
    const uint8_t first = (uint8_t) (slot * 4);
    put_sprite(first, x, y, POSE_BLOB, palette);
    put_sprite((uint8_t) (first + 1), (uint8_t) (x + 8), y, (uint8_t) (POSE_BLOB + 1), palette);
    put_sprite((uint8_t) (first + 2), x, (uint8_t) (y + 8), (uint8_t) (POSE_BLOB + 2), palette);
    put_sprite((uint8_t) (first + 3), (uint8_t) (x + 8), (uint8_t) (y + 8), (uint8_t) (POSE_BLOB + 3),
               palette);
}

static void clear_window_row(uint8_t row) {
    for (uint8_t column = 0; column < 20; ++column) {
        set_cell(VRAM_WINDOW_MAP, column, row, TILE_BLANK, UI_PALETTE);
    }
}

/* The text box: the window's bottom four rows, with two lines of text. */
void show_text_box(const char* line1, const char* line2) {
    for (uint8_t column = 0; column < 20; ++column) {
        set_cell(VRAM_WINDOW_MAP, column, 0, 18, UI_PALETTE);
    }
    clear_window_row(1);
    clear_window_row(2);
    clear_window_row(3);
    draw_text(VRAM_WINDOW_MAP, 1, 1, line1);
    draw_text(VRAM_WINDOW_MAP, 1, 2, line2);
    REG_WY = 112;
    lcdc_shadow |= LCDC_WINDOW_ON;
    REG_LCDC |= LCDC_WINDOW_ON;
}

void hide_text_box(void) {
    lcdc_shadow &= (uint8_t) ~LCDC_WINDOW_ON;
    REG_LCDC &= (uint8_t) ~LCDC_WINDOW_ON;
    REG_WY = 144;
}

/* Right-aligned decimal, padded with spaces to `width` (at most 5) characters. */
void format_number(char* out, uint16_t value, uint8_t width) {
    for (uint8_t i = 0; i < width; ++i) out[i] = ' ';
    out[width] = 0;
    uint8_t i = width;
    do {
        out[--i] = (char) ('0' + value % 10);
        value /= 10;
    } while (value && i);
}
