// The XLSForm corpus (real workbooks with pyxform 4.5.0's verdicts) in ../shared/xlsforms: every form
// pyxform accepts that uses only what the kiosk can do imports and validates; every other form is refused
// with every error at a sheet, row and column; none crashes.
#include "core/loader.hpp"
#include "core/xlsform/import.hpp"
#include "core/xlsform/workbook.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

namespace fieldkiosk::xlsform {
namespace {

namespace fs = std::filesystem;

const fs::path k_corpus = fs::path(FIELDKIOSK_SOURCE_DIR) / ".." / "shared" / "xlsforms";

// The accepted forms that use only what the kiosk supports. Every other accepted form uses something the
// kiosk refuses: repeats or media (attribute_columns_test, flat_xlsform_test, xlsform_spec_test), a date
// question whose default is the number 1 (xl_date_ambiguous_v1: pyxform writes "1900-01-01 00:00:00", not a
// date) under a form_id that is not a survey id, a calculation that is not an expression (bad_calc). choice_filter_test's
// cascading selects (two counties named 'king' under two states) import. The other forms with a choice_filter
// are refused for something else, at its cell: or_other's filter `pastel=yes` compares with a column 'yes' the
// choices sheet lacks (in ODK it offers nothing; 'yes' was meant); case_insensitivity filters a
// select_one_external, and UCL_Biomass_Plot_Form has repeats, files and location.
const std::set<std::string> k_importable = {"field-list", "simple", "survey_no_name", "text_and_integer", "extra_sheet_names",
                                            "yes_or_no_question", "choice_filter_test"};

int pyxform_code(const fs::path& workbook) {
    // NAME.xlsx has NAME.pyxform.json; NAME.xls has NAME.xls.pyxform.json
    const auto name = workbook.extension() == ".xlsx" ? workbook.stem().string() : workbook.filename().string();
    std::ifstream in(workbook.parent_path() / (name + ".pyxform.json"));
    const auto verdict = nlohmann::json::parse(in, nullptr, false);
    return verdict.is_object() ? verdict.value("code", -1) : -1;
}

TEST(XlsformCorpus, EveryFormImportsOrIsRefusedAtACell) {
    if (!fs::is_directory(k_corpus)) GTEST_SKIP() << "the XLSForm corpus is not at " << k_corpus << " (a plain clone has no ../shared)";
    std::size_t seen = 0, imported = 0;
    for (const auto& entry : fs::directory_iterator(k_corpus)) {
        const auto& path = entry.path();
        if (path.extension() != ".xlsx" && path.extension() != ".xls") continue;
        ++seen;
        SCOPED_TRACE(path.filename().string());
        const int code = pyxform_code(path);
        ASSERT_NE(code, -1) << "no pyxform verdict";
        const auto r = import_file(path);
        std::string text;
        for (const auto& p : r.problems) text += p.to_string() + "\n";
        if (path.extension() == ".xls") {
            ASSERT_FALSE(r.ok());
            EXPECT_NE(text.find("save it as .xlsx"), std::string::npos) << text;
            continue;
        }
        if (code != 999 && k_importable.contains(path.stem().string())) {
            ASSERT_TRUE(r.ok()) << text;
            const auto loaded = core::load_survey_text(r.survey.dump(), "corpus.json");
            EXPECT_TRUE(loaded.ok());
            ++imported;
            continue;
        }
        ASSERT_FALSE(r.ok()) << "imported a form the kiosk cannot ask (pyxform code " << code << ")";
        for (const auto& p : r.problems)
            if (!p.warning) {
                EXPECT_TRUE(!p.sheet.empty() && p.row > 0) << "not located: " << p.to_string();
                EXPECT_EQ(p.message.find("does not filter choices"), std::string::npos) << p.to_string();  // it does now
            }
    }
    EXPECT_GE(seen, 17U);
    EXPECT_EQ(imported, k_importable.size());
}

// A short, seeded stand-in for the fuzzer (fuzz/xlsform_fuzz.cpp) that runs with every test run: damaged
// copies of each corpus workbook (bytes overwritten, the file cut short) are read and imported without a
// crash, and whatever is refused is refused with a reason.
TEST(XlsformCorpus, DamagedWorkbooksAreRefusedWithoutACrash) {
    if (!fs::is_directory(k_corpus)) GTEST_SKIP() << "the XLSForm corpus is not at " << k_corpus << " (a plain clone has no ../shared)";
    std::mt19937 random(12);  // fixed seed: the same damage on every run
    std::size_t refused = 0, runs = 0;
    for (const auto& entry : fs::directory_iterator(k_corpus)) {
        if (entry.path().extension() != ".xlsx") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (int i = 0; i < 20; ++i) {
            std::string bytes = original;
            if (i % 4 == 3) {
                bytes.resize(std::uniform_int_distribution<std::size_t>(0, bytes.size())(random));
            } else {
                for (int k = 0; k < 1 + i; ++k)
                    bytes[std::uniform_int_distribution<std::size_t>(0, bytes.size() - 1)(random)] = static_cast<char>(random());
            }
            ++runs;
            const auto wb = read_workbook_bytes(bytes);
            if (!wb) {
                EXPECT_FALSE(wb.error().empty());
                ++refused;
                continue;
            }
            (void)import_workbook(*wb, entry.path().filename());
        }
    }
    EXPECT_GT(runs, 300U);
    EXPECT_GT(refused, 0U);
}

}  // namespace
}  // namespace fieldkiosk::xlsform
