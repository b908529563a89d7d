#include <gtest/gtest.h>

#include "agent/llm_reply.h"

namespace crl::test {
namespace {

using agent::parse_reply;
using env::Action;

TEST(LlmReplyTest, TheJsonWeAskedFor) {
    const auto reply = parse_reply(R"({"action": "UP", "reasoning": "the door is north"})");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->action, Action::kUp);
    EXPECT_EQ(reply->reasoning, "the door is north");
}

TEST(LlmReplyTest, OtherCasesKeysAndCodeFences) {
    EXPECT_EQ(parse_reply(R"({"Action": "left", "Reason": "x"})")->action, Action::kLeft);
    EXPECT_EQ(parse_reply("```json\n{\"action\": \"start\"}\n```")->action, Action::kStart);
    EXPECT_EQ(
        parse_reply("Sure! Here you go: {\"button\": \"B\", \"thought\": \"{tricky}\"} Good luck.")
            ->action,
        Action::kB);
    EXPECT_EQ(parse_reply("Sure! {\"button\": \"B\", \"thought\": \"{tricky}\"}")->reasoning,
              "{tricky}");
}

TEST(LlmReplyTest, BareButtonNames) {
    EXPECT_EQ(parse_reply("A")->action, Action::kA);
    EXPECT_EQ(parse_reply("  \"down\".\n")->action, Action::kDown);
    EXPECT_EQ(parse_reply("`RIGHT`")->action, Action::kRight);
    EXPECT_EQ(parse_reply("I will press UP to reach the door.")->action, Action::kUp);
}

TEST(LlmReplyTest, NoButtonIsNoAnswer) {
    EXPECT_FALSE(parse_reply(""));
    EXPECT_FALSE(parse_reply("I am not sure what to do."));
    EXPECT_FALSE(parse_reply(R"({"action": "jump"})"));
    EXPECT_FALSE(parse_reply("<html>502 Bad Gateway</html>"));
}

}  // namespace
}  // namespace crl::test
