// `fieldkiosk-ctl export --wide` (tools/ctl/cmd_store.cpp): the receiver's wide table over a kiosk's own database.
#include "core/loader.hpp"
#include "tests/support/csv_reader.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/ctl_runner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace fieldkiosk::tools {
namespace {

namespace fs = std::filesystem;
using testing::ctl;
using testing::read_csv;

const fs::path k_surveys = FIELDKIOSK_SURVEY_DEFS_DIR;

std::size_t index_of(const std::vector<std::string>& header, std::string_view name) {
    auto it = std::ranges::find(header, name);
    EXPECT_NE(it, header.end()) << name;
    return static_cast<std::size_t>(it - header.begin());
}

class CtlExportWide : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = ctl({"simulate", "--db", db.string(), "--surveys", k_surveys.string(), "--survey", "food", "--count", "25",
                      "--seed", "3"});
        ASSERT_EQ(r.code, 0) << r.err;
    }
    testing::TempDir dir;
    fs::path db = dir.path() / "kiosk.db";
};

TEST_F(CtlExportWide, HasARowPerResponseTheSameIdsAsTheLongExportAndAgreeingIndicators) {
    auto wide = ctl({"export", "--db", db.string(), "--surveys", k_surveys.string(), "--survey", "food", "--wide"});
    ASSERT_EQ(wide.code, 0) << wide.err;
    auto long_csv = ctl({"export", "--db", db.string(), "--surveys", k_surveys.string(), "--survey", "food"});
    ASSERT_EQ(long_csv.code, 0) << long_csv.err;
    const auto rows = read_csv(wide.out);
    const auto long_rows = read_csv(long_csv.out);
    ASSERT_EQ(rows.size(), 26u);
    ASSERT_EQ(long_rows.size(), rows.size());
    std::set<std::string> a, b;
    for (std::size_t r = 1; r < rows.size(); ++r) a.insert(rows[r][0]), b.insert(long_rows[r][0]);
    EXPECT_EQ(a, b);
    const auto& h = rows[0];
    const auto survey = core::load_survey_file(k_surveys / "food.json").survey;
    ASSERT_TRUE(survey);
    for (const auto& q : survey->questions) {
        if (q.type != core::QuestionType::SelectMultiple) continue;
        for (std::size_t r = 1; r < rows.size(); ++r) {
            const std::string original = rows[r][index_of(h, q.name)];
            for (const auto& c : q.choices) {
                const std::string cell = rows[r][index_of(h, q.name + "/" + c.value)];
                if (original.empty()) {
                    EXPECT_EQ(cell, "");
                } else {
                    EXPECT_EQ(cell, (" " + original + " ").find(" " + c.value + " ") != std::string::npos ? "1" : "0");
                }
            }
        }
    }
    // The calculations: present on every row that answered the eight FIES items.
    const std::size_t summary = index_of(h, "fies_screening_summary");
    EXPECT_TRUE(std::ranges::any_of(rows.begin() + 1, rows.end(), [&](const auto& row) { return !row[summary].empty(); }));
    EXPECT_NE(wide.err.find("25 responses exported"), std::string::npos) << wide.err;
    // Quality flags are the receiver's: a kiosk's own wide export has their columns, empty.
    const std::size_t flags = index_of(h, "quality_flags"), reasons = index_of(h, "quality_reasons");
    for (std::size_t r = 1; r < rows.size(); ++r) EXPECT_EQ(rows[r][flags] + rows[r][reasons], "") << r;
}

TEST_F(CtlExportWide, LabelsInAChosenLanguageAndAnUnknownOneIsAUsageError) {
    auto es = ctl({"export", "--db", db.string(), "--surveys", k_surveys.string(), "--survey", "food", "--wide", "--labels",
                   "--lang", "es"});
    ASSERT_EQ(es.code, 0) << es.err;
    const auto rows = read_csv(es.out);
    const auto survey = core::load_survey_file(k_surveys / "food.json").survey;
    const auto* q = survey->find("fresh_produce_nearby");
    const std::size_t col = index_of(rows[0], q->name);
    std::size_t labelled = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        if (rows[r][col].empty()) continue;
        EXPECT_TRUE(std::ranges::any_of(q->choices, [&](const core::Choice& c) { return c.label.get("es") == rows[r][col]; }))
            << rows[r][col];
        ++labelled;
    }
    EXPECT_GT(labelled, 0u);
    auto bad = ctl({"export", "--db", db.string(), "--surveys", k_surveys.string(), "--survey", "food", "--wide", "--labels",
                    "--lang", "xx"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("no language 'xx'"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace fieldkiosk::tools
