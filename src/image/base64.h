// image/base64.h — pictures travel as base64 in JSON (screen_update, LLM vision requests).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace crl::image {

std::string base64(std::span<const std::uint8_t> bytes);  // OpenSSL's encoder

}  // namespace crl::image
