/* mGBA's flags must come first: they decide the layout of every struct below. */
#include <mgba/flags.h>

#include "emu/mgba_board.h"

#include <mgba/core/core.h>
#include <mgba/core/timing.h>
#include <mgba/internal/gb/gb.h>
#include <mgba/internal/gb/sio.h>

#include <stdlib.h>

static struct GB* board_of(struct mCore* core) {
    return (struct GB*)core->board;
}

void crl_board_draw_next_frame(struct mCore* core, bool draw) {
    struct GBVideo* video = &board_of(core)->video;
    /* mGBA draws while frameskipCounter <= 0 and counts it down at each vertical blank. */
    video->frameskip = 0;
    video->frameskipCounter = draw ? 0 : 1;
}

void crl_board_stop_audio_output(struct mCore* core) {
    struct GB* gb = board_of(core);
    mTimingDeschedule(&gb->timing, &gb->audio.sampleEvent);
}

struct crl_serial_listener {
    struct GBSIODriver driver; /* first, so mGBA's pointer is ours */
    uint8_t outgoing;
    crl_serial_byte_fn on_byte;
    void* context;
};

static bool serial_init(struct GBSIODriver* driver) {
    (void)driver;
    return true;
}

static void serial_deinit(struct GBSIODriver* driver) {
    (void)driver;
}

static void serial_write_sb(struct GBSIODriver* driver, uint8_t value) {
    ((struct crl_serial_listener*)driver)->outgoing = value;
}

static uint8_t serial_write_sc(struct GBSIODriver* driver, uint8_t value) {
    struct crl_serial_listener* listener = (struct crl_serial_listener*)driver;
    const uint8_t kStartWithInternalClock = 0x81;
    if ((value & kStartWithInternalClock) == kStartWithInternalClock) {
        listener->on_byte(listener->context, listener->outgoing);
    }
    return value;
}

struct crl_serial_listener* crl_board_attach_serial(struct mCore* core, crl_serial_byte_fn on_byte,
                                                    void* context) {
    struct crl_serial_listener* listener = calloc(1, sizeof *listener);
    if (!listener) return NULL;
    listener->driver.init = serial_init;
    listener->driver.deinit = serial_deinit;
    listener->driver.writeSB = serial_write_sb;
    listener->driver.writeSC = serial_write_sc;
    listener->on_byte = on_byte;
    listener->context = context;
    GBSIOSetDriver(&board_of(core)->sio, &listener->driver);
    return listener;
}

void crl_board_detach_serial(struct mCore* core, struct crl_serial_listener* listener) {
    GBSIOSetDriver(&board_of(core)->sio, NULL);
    free(listener);
}
