/* emu/mgba_board.h — the few Game Boy internals of mGBA that its public core table does not
 * reach: per-frame drawing control, audio synthesis, and the link port. C, because mGBA's
 * internal headers are C; only mgba_machine.cpp includes this file. */
#ifndef CRL_EMU_MGBA_BOARD_H
#define CRL_EMU_MGBA_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mCore;

/* Whether the frame about to run is drawn. Undrawn frames skip the pixel pipeline entirely. */
void crl_board_draw_next_frame(struct mCore* core, bool draw);

/* Stops producing audio samples nobody listens to. The sound hardware's registers and
 * sequencer keep running, so games see the same machine. Call after reset and state loads. */
void crl_board_stop_audio_output(struct mCore* core);

/* Receives each byte the game shifts out of the link port with its internal clock. */
typedef void (*crl_serial_byte_fn)(void* context, uint8_t byte);

struct crl_serial_listener;
struct crl_serial_listener* crl_board_attach_serial(struct mCore* core, crl_serial_byte_fn on_byte,
                                                    void* context);
void crl_board_detach_serial(struct mCore* core, struct crl_serial_listener* listener);

#ifdef __cplusplus
}
#endif

#endif
