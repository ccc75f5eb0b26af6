// core/xlsform/workbook.cpp: the .xlsx reader, on packages written here part by part.
#include "core/xlsform/workbook.hpp"
#include "tests/core/xlsform/xlsx_builder.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::xlsform {
namespace {

using test::build_xlsx;

TEST(XlsxWorkbook, SheetOrderComesFromTheWorkbookNotThePartNames) {
    const auto bytes = build_xlsx({{"survey", ""}, {"choices", ""}, {"settings", ""}});
    const auto wb = read_workbook_bytes(bytes);
    ASSERT_TRUE(wb) << wb.error();
    ASSERT_EQ(wb->sheets.size(), 3U);
    EXPECT_EQ(wb->sheets[0].name, "survey");
    EXPECT_EQ(wb->sheets[2].name, "settings");
    EXPECT_EQ(wb->find("SETTINGS"), &wb->sheets[2]);  // names match case-insensitively
    EXPECT_EQ(wb->find("external_choices"), nullptr);
}

TEST(XlsxWorkbook, ReadsSharedInlineRichNumberBooleanAndFormulaCells) {
    const std::string sst = "<si><t>type</t></si><si><r><t>Hello </t></r><r><rPr><b/></rPr><t>world</t></r><rPh><t>x</t></rPh></si>";
    const std::string data =
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
        "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>inline</t></is></c><c r=\"C3\"><v>42</v></c>"
        "<c r=\"D3\"><v>2.5</v></c><c r=\"E3\"><v>45292</v></c><c r=\"F3\" t=\"b\"><v>1</v></c>"
        "<c r=\"G3\" t=\"str\"><f>A1</f><v>type</v></c><c r=\"H3\" s=\"4\"/><c r=\"AA3\"><v>1E-3</v></c></row>";
    const auto wb = read_workbook_bytes(build_xlsx({{"survey", data}}, sst));
    ASSERT_TRUE(wb) << wb.error();
    const auto& s = wb->sheets[0];
    EXPECT_EQ(s.at(1, 0), "type");
    EXPECT_EQ(s.at(1, 1), "Hello world");  // rich-text runs joined; phonetic runs are not text
    EXPECT_EQ(s.at(2, 0), "");             // an absent row
    EXPECT_EQ(s.at(3, 0), "inline");
    EXPECT_EQ(s.at(3, 2), "42");           // a whole number has no ".0"
    EXPECT_EQ(s.at(3, 3), "2.5");
    EXPECT_EQ(s.at(3, 4), "45292");        // a date stored as a number stays that number
    EXPECT_EQ(s.at(3, 5), "TRUE");
    EXPECT_EQ(s.at(3, 6), "type");         // a formula's cached result
    EXPECT_EQ(s.at(3, 7), "");             // a styled blank cell
    EXPECT_EQ(s.at(3, 26), "0.001");
    EXPECT_EQ(s.at(99, 99), "");
}

TEST(XlsxWorkbook, CellsWithoutReferencesFollowOneAnother) {
    const auto wb = read_workbook_bytes(build_xlsx({{"survey", "<row><c t=\"inlineStr\"><is><t>a</t></is></c><c t=\"inlineStr\"><is><t>b</t></is></c></row><row><c><v>1</v></c></row>"}}));
    ASSERT_TRUE(wb) << wb.error();
    EXPECT_EQ(wb->sheets[0].at(1, 1), "b");
    EXPECT_EQ(wb->sheets[0].at(2, 0), "1");
}

TEST(XlsxWorkbook, RefusesWhatIsNotAWorkbookWithAPlainReason) {
    EXPECT_EQ(read_workbook_bytes("").error(), "the file is empty");
    EXPECT_EQ(read_workbook_bytes("type,name\ntext,a\n").error(), "not an .xlsx workbook (not a zip package)");
    const std::string xls = std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(100, '\0');
    EXPECT_NE(read_workbook_bytes(xls).error().find("save it as .xlsx"), std::string::npos);
    EXPECT_NE(read_workbook_bytes(test::build_zip({{"a.txt", "x"}})).error().find("no xl/workbook.xml"), std::string::npos);
    const auto broken = test::build_zip({{"xl/workbook.xml", "<workbook><sheets><sheet name=\"s\" r:id=\"rId1\"/></sheets></workbook>"}});
    EXPECT_EQ(read_workbook_bytes(broken).error(), "sheet 's' has no part in the package");
    EXPECT_FALSE(read_workbook("/nonexistent/form.xlsx"));
    // xlsform_fuzz found this one: a sheet without a name ended the program instead of being refused.
    const auto nameless = test::build_zip({{"xl/workbook.xml", "<workbook><sheets><sheet r:id=\"rId1\"/></sheets></workbook>"}});
    EXPECT_EQ(read_workbook_bytes(nameless).error(), "a sheet of the workbook has no name");
}

TEST(XlsxWorkbook, ColumnNamesFollowTheSpreadsheetConvention) {
    EXPECT_EQ(cell_ref(14, 3), "D14");
    EXPECT_EQ(column_name(25), "Z");
    EXPECT_EQ(column_name(26), "AA");
    EXPECT_EQ(column_name(701), "ZZ");
    EXPECT_EQ(column_name(702), "AAA");
}

}  // namespace
}  // namespace fieldkiosk::xlsform
