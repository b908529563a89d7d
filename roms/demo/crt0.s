; crt0.s - start-up code of the crystal-rl demo game (SDCC sm83).
; Clears work RAM (so every run starts from the same bytes), copies initialised data, counts
; vertical blanks for the game's frame pacing, then calls main().

        .module crt0
        .globl  _main
        .globl  _vblank_count

        .area   _HEADER (ABS)
        .org    0x0040          ; vertical blank interrupt
        jp      vblank_handler
        .org    0x0048          ; LCD status
        reti
        .org    0x0050          ; timer
        reti
        .org    0x0058          ; serial
        reti
        .org    0x0060          ; joypad
        reti

        .org    0x0100          ; entry point; makebin writes the header at 0x0104-0x014F
        nop
        jp      start

        .org    0x0150
start:
        di
        ld      sp, #0xE000
        ld      hl, #0xC000     ; zero C000-DFFF
        ld      bc, #0x2000
clear_wram:
        xor     a
        ld      (hl+), a
        dec     bc
        ld      a, b
        or      a, c
        jr      nz, clear_wram

        ld      de, #s__INITIALIZED
        ld      hl, #s__INITIALIZER
        ld      bc, #l__INITIALIZER
copy_initialised:
        ld      a, b
        or      a, c
        jr      z, initialised
        ld      a, (hl+)
        ld      (de), a
        inc     de
        dec     bc
        jr      copy_initialised
initialised:
        call    gsinit
        call    _main
halt_forever:
        halt
        jr      halt_forever

vblank_handler:
        push    af
        ld      a, (_vblank_count)
        inc     a
        ld      (_vblank_count), a
        pop     af
        reti

        ; Order of the areas in the image.
        .area   _CODE
        .area   _HOME
        .area   _INITIALIZER
        .area   _GSINIT
        .area   _GSFINAL
        .area   _DATA
        .area   _INITIALIZED
        .area   _BSEG
        .area   _BSS
        .area   _HEAP

        .area   _GSINIT
gsinit::
        .area   _GSFINAL
        ret
