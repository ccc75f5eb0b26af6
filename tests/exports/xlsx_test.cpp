// exports/xlsx.cpp: the workbook opens (read back with core/xlsform's reader) with a data and a codebook sheet.
#include "exports/xlsx.hpp"

#include "core/loader.hpp"
#include "core/xlsform/workbook.hpp"
#include "exports/codebook.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fieldkiosk::exports {
namespace {

using nlohmann::json;

WideTable food(std::string labels = {}) {
    const std::vector<std::filesystem::path> paths{FIELDKIOSK_SURVEY_DEFS_DIR};
    auto t = WideTable::make(core::load_paths(paths).find("food"), WideOptions{std::move(labels)});
    EXPECT_TRUE(t);
    return std::move(*t);
}

ResponseRecord record(int i) {
    const json p = {{"id", "r-" + std::to_string(i)},
                    {"survey_version", "1"},
                    {"language", "en"},
                    {"mode", i % 2 ? "kiosk" : "assisted"},
                    {"site", "swiss-cottage"},
                    {"answers",
                     {{"fies_worried", i % 3 ? "yes" : "no"},
                      {"food_sources", {"supermarket", "market"}},
                      {"fresh_produce_nearby", "=HYPERLINK(\"x\")"}}}};
    return ResponseRecord{"r-" + std::to_string(i), "", "kiosk-a", "", "", "", "", "2027-03-01T09:00:00Z", "", p.dump()};
}

TEST(XlsxExport, OpensWithADataSheetEqualToTheWideRowsAndACodebookSheet) {
    testing::TempDir dir;
    const auto t = food();
    const auto file = dir.path() / "food.xlsx";
    auto x = XlsxExport::create(file, t);
    ASSERT_TRUE(x) << x.error();
    constexpr int k_rows = 40;
    std::vector<std::vector<std::string>> expected{t.header()};
    for (int i = 0; i < k_rows; ++i) {
        expected.push_back(t.row(record(i)));
        ASSERT_TRUE(x->add_row(expected.back()));
    }
    auto n = x->finish();
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(*n, static_cast<std::size_t>(k_rows));

    auto book = xlsform::read_workbook(file);
    ASSERT_TRUE(book) << book.error();
    ASSERT_EQ(book->sheets.size(), 2u);
    const auto* data = book->find("data");
    const auto* codes = book->find("codebook");
    ASSERT_TRUE(data && codes);
    ASSERT_EQ(data->rows.size(), static_cast<std::size_t>(k_rows) + 1);
    for (std::size_t r = 0; r < expected.size(); ++r)
        for (std::size_t c = 0; c < expected[r].size(); ++c)
            ASSERT_EQ(data->at(r + 1, c), expected[r][c]) << xlsform::cell_ref(r + 1, c);
    // A formula-looking answer is a string cell, not a formula.
    EXPECT_EQ(data->at(2, 0), "r-0");
    // The codebook sheet: one row per data column, plus its header.
    ASSERT_EQ(codes->rows.size(), t.columns().size() + 1);
    EXPECT_EQ(codes->at(1, 0), "variable");
    for (std::size_t c = 0; c < t.columns().size(); ++c) EXPECT_EQ(codes->at(c + 2, 0), data->at(1, c));
}

TEST(XlsxExport, AnOverlongCellIsRefusedNamingItAndNoFileIsLeft) {
    testing::TempDir dir;
    const auto t = food();
    const auto file = dir.path() / "food.xlsx";
    {
        auto x = XlsxExport::create(file, t);
        ASSERT_TRUE(x);
        auto cells = t.row(record(1));
        cells[0] = std::string(40'000, 'a');
        auto r = x->add_row(cells);
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().find("cell A2"), std::string::npos) << r.error();
        EXPECT_NE(r.error().find("data sheet"), std::string::npos) << r.error();
    }
    EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(XlsxExport, AFolderThatDoesNotExistIsAClearError) {
    const auto t = food();
    auto x = XlsxExport::create("/nonexistent-dir-fieldkiosk/food.xlsx", t);
    if (x) {
        auto n = x->finish();
        ASSERT_FALSE(n);
        EXPECT_NE(n.error().find("/nonexistent-dir-fieldkiosk/food.xlsx"), std::string::npos) << n.error();
    } else {
        EXPECT_NE(x.error().find("/nonexistent-dir-fieldkiosk/food.xlsx"), std::string::npos) << x.error();
    }
}

}  // namespace
}  // namespace fieldkiosk::exports
