// tests/support/sealed_demo_survey.hpp — the small survey the sealed-answer tests save, sync and open
// (tests/storage/sealed_store_test.cpp, tests/sync/sealed_sync_test.cpp): one choice question and one
// write-in whose codes and text no other byte of a database could hold by chance, so a test can search
// the raw files for them.
#pragma once

#include "core/survey.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace fieldkiosk::testing::sealed_demo {

constexpr std::string_view k_yes = "zqfoodbankyes", k_no = "zqfoodbankno", k_text = "MYSECRETANSWERTEXT";

// Survey "sealed_demo" at `version`, sealed to `enc` when given (open otherwise).
inline nlohmann::json survey(const std::string& version, const std::optional<core::Encryption>& enc) {
    nlohmann::json s = {{"survey", "sealed_demo"},
                        {"version", version},
                        {"languages", {{{"code", "en"}, {"name", "English"}, {"status", "complete"}}}},
                        {"title", {{"en", "Demo"}}},
                        {"description", {{"en", "A demo"}}},
                        {"estimated_minutes", 2},
                        {"questions",
                         {{{"type", "select_one"},
                           {"name", "food_bank"},
                           {"label", {{"en", "Food bank?"}}},
                           {"choices",
                            {{{"value", std::string(k_yes)}, {"label", {{"en", "Yes"}}}},
                             {{"value", std::string(k_no)}, {"label", {{"en", "No"}}}}}}},
                          {{"type", "text"}, {"name", "comments"}, {"label", {{"en", "Anything else?"}}}, {"max_length", 200}}}}};
    if (enc) s["encryption"] = {{"key_id", enc->key_id}, {"public_key", enc->public_key}};
    return s;
}

}  // namespace fieldkiosk::testing::sealed_demo
