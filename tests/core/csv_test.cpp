#include "core/csv.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::core {
namespace {

TEST(CsvField, PlainTextIsLeftAlone) { EXPECT_EQ(csv_field("Kentish Town"), "Kentish Town"); }

TEST(CsvField, CommasQuotesAndLineBreaksAreQuoted) {
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(CsvField, WhatASpreadsheetWouldRunAsAFormulaIsDefused) {
    EXPECT_EQ(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    EXPECT_EQ(csv_field("+1"), "'+1");
    EXPECT_EQ(csv_field("-1"), "'-1");
    EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(csv_field(""), "");
}

}  // namespace
}  // namespace fieldkiosk::core
