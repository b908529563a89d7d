// agent/llm_reply.h — what a chat model said, read tolerantly: the JSON we asked for, the same
// inside code fences or prose, or a bare button name.
#pragma once

#include <optional>
#include <string>

#include "env/action.h"

namespace crl::agent {

struct ParsedReply {
    env::Action action = env::Action::kNoop;
    std::string reasoning;
};

std::optional<ParsedReply> parse_reply(const std::string& content);

}  // namespace crl::agent
