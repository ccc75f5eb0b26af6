// The receiver's Validator on the question types issue 12 added: a rank answer must list choices of its question,
// each once; an acknowledge answer is "OK" and nothing else; a date is YYYY-MM-DD. Each bad answer is refused
// with the question named (the batch then gets a 400 naming the item: docs/sync_protocol.md).
#include "core/loader.hpp"
#include "sync/server/validator.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fieldkiosk::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

sync::server::Validator demo_validator() {
    const fs::path data = fs::path(FIELDKIOSK_SURVEY_DEFS_DIR).parent_path() / "tests/kiosk/data";
    const fs::path files[] = {data / "rank_demo.json", data / "acknowledge_demo.json", data / "date_demo.json",
                              data / "filter_demo.json"};
    auto catalog = core::load_paths(files);
    EXPECT_TRUE(catalog.diagnostics.empty()) << catalog.diagnostics.front().to_string();
    return sync::server::Validator(std::move(catalog));
}

// The verdict on one response of `survey` whose only answer is `name` = `value` ("" when accepted).
std::string verdict(const sync::server::Validator& v, const std::string& survey, const std::string& name, const json& value) {
    sync::protocol::WireItem item{"3f1c2a9e-0000-4000-8000-000000000001", survey, "1", "json", {}};
    item.payload = {{"id", item.id}, {"survey", survey}, {"survey_version", "1"}, {"completed_at", "2026-01-01T00:00:00Z"},
                    {"answers", {{name, value}}}};
    return v.check(item).value_or("");
}

TEST(ValidatorNewTypes, ARankListsChoicesOfItsQuestionEachOnce) {
    const auto v = demo_validator();
    EXPECT_EQ(verdict(v, "rank_demo", "priorities", json::array({"buses", "parks"})), "");
    EXPECT_NE(verdict(v, "rank_demo", "priorities", json::array({"buses", "trams"})).find("'trams' is not one of its choices"), std::string::npos);
    EXPECT_NE(verdict(v, "rank_demo", "priorities", json::array({"buses", "parks", "buses"})).find("'buses' is ranked twice"), std::string::npos);
    EXPECT_NE(verdict(v, "rank_demo", "priorities", "buses parks").find("answer to 'priorities'"), std::string::npos);
}

TEST(ValidatorNewTypes, AnAcknowledgeIsOkAndADateIsIso) {
    const auto v = demo_validator();
    const auto& catalog = v.catalog();
    const auto ack = catalog.find("acknowledge_demo");
    ASSERT_TRUE(ack);
    std::string ack_name, date_name;
    for (const auto& q : ack->questions)
        if (q.type == core::QuestionType::Acknowledge) ack_name = q.name;
    const auto date = catalog.find("date_demo");
    ASSERT_TRUE(date);
    for (const auto& q : date->questions)
        if (q.type == core::QuestionType::Date) date_name = q.name;
    ASSERT_FALSE(ack_name.empty());
    ASSERT_FALSE(date_name.empty());
    EXPECT_EQ(verdict(v, "acknowledge_demo", ack_name, "OK"), "");
    EXPECT_NE(verdict(v, "acknowledge_demo", ack_name, "yes").find("takes only \"OK\""), std::string::npos);
    EXPECT_EQ(verdict(v, "date_demo", date_name, "2019-03-31"), "");
    EXPECT_NE(verdict(v, "date_demo", date_name, "31/03/2019").find("YYYY-MM-DD"), std::string::npos);
}

// A filtered select (choice_filter) keeps being accepted: its answer is checked against the question's whole list,
// not re-filtered (the kiosk's Session refused a choice its filter did not offer; docs/sync_protocol.md).
TEST(ValidatorNewTypes, AFilteredSelectsAnswerIsOneOfItsWholeList) {
    const auto v = demo_validator();
    EXPECT_EQ(verdict(v, "filter_demo", "ward", "highbury"), "");
    EXPECT_EQ(verdict(v, "filter_demo", "ward", "kentish_town"), "");
    EXPECT_NE(verdict(v, "filter_demo", "ward", "nowhere").find("'nowhere' is not one of its choices"), std::string::npos);
}

}  // namespace
}  // namespace fieldkiosk::testing
