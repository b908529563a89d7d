#include <chrono>

#include "image/base64.h"
#include "image/frame_codecs.h"
#include "image/png.h"
#include "monitor/monitor_internal.h"

namespace crl::monitor {

double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

double steady_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

constexpr int kJpegQuality = 85;  // as the original plan sent frames

EncodedFrame::EncodedFrame(std::uint64_t frame_id, double timestamp, bool placeholder, int width,
                           int height, std::vector<std::uint8_t> rgb)
    : frame_id_(frame_id),
      timestamp_(timestamp),
      placeholder_(placeholder),
      width_(width),
      height_(height),
      rgb_(std::move(rgb)) {
    const auto png = image::encode_png(rgb_, width_, height_);
    png_.assign(png.begin(), png.end());
    json_ = std::make_shared<const std::string>(
        screen_update(image::base64(png), frame_id_, timestamp_, placeholder_));
}

std::shared_ptr<const std::string> EncodedFrame::binary(FrameFormat format) const {
    std::lock_guard lock(mutex_);
    auto& cached = binary_[format];
    if (!cached) {
        std::string payload;
        if (format == FrameFormat::kPng) {
            payload = png_;
        } else {
            const auto bytes = format == FrameFormat::kJpeg
                                   ? image::encode_jpeg(rgb_, width_, height_, kJpegQuality)
                                   : image::encode_indexed(rgb_, width_, height_);
            payload.assign(bytes.begin(), bytes.end());
        }
        cached = std::make_shared<const std::string>(
            binary_frame(format, frame_id_, timestamp_, payload));
    }
    return cached;
}

}  // namespace crl::monitor
