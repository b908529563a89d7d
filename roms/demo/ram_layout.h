/* roms/demo/ram_layout.h — where the demo game keeps everything an observer may read.
 * Fixed addresses in WRAM bank 0 (C100-C1FF); the game never moves them. The game profile
 * (src/game/profiles/demo.json) and docs/demo-game.md describe the same bytes: change all three
 * together. Multi-byte numbers are little-endian unless marked BCD (big-endian, two digits a
 * byte, like the Game Boy games that inspired it). */
#ifndef DEMO_RAM_LAYOUT_H
#define DEMO_RAM_LAYOUT_H

#define RAM_STATE_BASE 0xC100

#define RAM_MAGIC 0xC100          /* 0xD3 once the game has initialised its state */
#define RAM_MODE 0xC101           /* 0 title, 1 overworld, 2 text box, 3 battle */
#define RAM_ON_TITLE 0xC102       /* 1 on the title screen */
#define RAM_TEXT_OPEN 0xC103      /* 1 while a text box is shown */
#define RAM_IN_BATTLE 0xC104      /* 1 during a battle */
#define RAM_MAP_ID 0xC105         /* 0 town, 1 route, 2 house, 3 grove */
#define RAM_PLAYER_X 0xC106       /* cell column 0-9 */
#define RAM_PLAYER_Y 0xC107       /* cell row 0-8 */
#define RAM_FACING 0xC108         /* 0 down, 1 up, 2 left, 3 right */
#define RAM_BADGES 0xC109         /* one bit per badge, 8 badges */
#define RAM_MONEY 0xC10A          /* 3 bytes BCD, big-endian, 0-999999 */
#define RAM_PARTY_COUNT 0xC10D    /* 1-6 */
#define RAM_PARTY_SPECIES 0xC10E  /* 6 bytes */
#define RAM_PARTY_LEVEL 0xC114    /* 6 bytes */
#define RAM_PARTY_HP 0xC11A       /* 6 bytes */
#define RAM_PARTY_MAX_HP 0xC120   /* 6 bytes */
#define RAM_PARTY_EXP 0xC126      /* 6 bytes: experience towards the next level */
#define RAM_STEPS 0xC12C          /* 2 bytes, little-endian */
#define RAM_PLAY_HOURS 0xC12E
#define RAM_PLAY_MINUTES 0xC12F
#define RAM_PLAY_SECONDS 0xC130
#define RAM_PLAY_FRAMES 0xC131
#define RAM_RNG 0xC132            /* 2 bytes: the seed, advanced only by the game */
#define RAM_ENEMY_SPECIES 0xC134
#define RAM_ENEMY_LEVEL 0xC135
#define RAM_ENEMY_HP 0xC136
#define RAM_ENEMY_MAX_HP 0xC137
#define RAM_BATTLES_WON 0xC138
#define RAM_WORLD_FLAGS 0xC139    /* 1 byte: bit n set once coin n has been picked up */
#define RAM_TEXT_ID 0xC13A        /* the message shown (0xFF none) */
#define RAM_MOVING 0xC13B         /* 1 while the player walks between cells */
#define RAM_MAPS_SEEN 0xC13C      /* one bit per map visited */

#define STATE_MAGIC 0xD3
#define MODE_TITLE 0
#define MODE_OVERWORLD 1
#define MODE_TEXT 2
#define MODE_BATTLE 3

#define MAP_TOWN 0
#define MAP_ROUTE 1
#define MAP_HOUSE 2
#define MAP_GROVE 3
#define MAP_COUNT 4

#define PARTY_MAX 6

#endif
