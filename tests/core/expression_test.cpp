#include "core/expression.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

namespace fieldkiosk::core {
namespace {

// Answers by name; slots are assigned in order of first bind.
class MapContext final : public EvalContext {
public:
    std::map<std::string, Value, std::less<>> values;
    Value self_value;
    std::vector<std::string> slots;

    [[nodiscard]] const Value& value_of(std::uint32_t slot) const override {
        static const Value empty;
        auto it = values.find(slots.at(slot));
        return it == values.end() ? empty : it->second;
    }
    [[nodiscard]] const Value& self() const override { return self_value; }

    Value eval(std::string_view text) {
        auto e = Expression::parse(text);
        EXPECT_TRUE(e.has_value()) << text << ": " << (e ? "" : e.error().message);
        if (!e) return Value{};
        auto missing = e->bind([this](std::string_view name) -> std::optional<std::uint32_t> {
            for (std::size_t i = 0; i < slots.size(); ++i)
                if (slots[i] == name) return static_cast<std::uint32_t>(i);
            slots.emplace_back(name);
            return static_cast<std::uint32_t>(slots.size() - 1);
        });
        EXPECT_TRUE(missing.empty());
        return e->evaluate(*this);
    }
    bool truth(std::string_view text) { return eval(text).to_bool(); }
    double num(std::string_view text) { return eval(text).to_number(); }
};

TEST(Expression, ArithmeticFollowsXPathPrecedence) {
    MapContext c;
    EXPECT_EQ(c.num("1 + 2 * 3"), 7);
    EXPECT_EQ(c.num("(1 + 2) * 3"), 9);
    EXPECT_EQ(c.num("7 div 2"), 3.5);
    EXPECT_EQ(c.num("7 mod 3"), 1);
    EXPECT_EQ(c.num("-2 - -3"), 1);
    EXPECT_EQ(c.num("10 - 2 - 3"), 5);  // left-associative
    EXPECT_TRUE(std::isinf(c.num("1 div 0")));
    EXPECT_TRUE(c.truth("1 < 2 and 2 <= 2 and 3 > 2 and 3 >= 3"));
    EXPECT_TRUE(c.truth("1 = 2 or 2 = 2"));
    EXPECT_FALSE(c.truth("1 = 1 and 1 = 2 or 0"));
}

TEST(Expression, UnansweredIsEmptyNeverAnError) {
    MapContext c;
    EXPECT_TRUE(c.truth("${age} = ''"));
    EXPECT_FALSE(c.truth("${age} > 18"));
    EXPECT_FALSE(c.truth("${age} < 18"));
    EXPECT_TRUE(c.truth("${age} != 18"));
    EXPECT_FALSE(c.truth("${age} = 'x'"));
    EXPECT_FALSE(c.truth("selected(${worries}, 'food')"));
    EXPECT_EQ(c.num("count-selected(${worries})"), 0);
    EXPECT_EQ(c.num("string-length(${name})"), 0);
    EXPECT_TRUE(std::isnan(c.num("${age} + 1")));
}

TEST(Expression, ComparesNumbersWithTextByConvertingTheText) {
    MapContext c;
    c.values["age"] = Value::string("17");
    EXPECT_TRUE(c.truth("${age} = 17"));
    EXPECT_TRUE(c.truth("${age} < 18"));
    EXPECT_TRUE(c.truth("${age} = '17'"));
    EXPECT_FALSE(c.truth("${age} = '17.0'"));  // both strings: compared as text
    EXPECT_TRUE(c.truth("${age} = 17.0"));     // one number: compared as numbers
    c.values["band"] = Value::string("16_17");
    EXPECT_TRUE(c.truth("${band} = '16_17'"));
    EXPECT_FALSE(c.truth("${band} > 3"));  // not numeric: NaN
}

TEST(Expression, SelectedAndCountSelectedReadSpaceSeparatedLists) {
    MapContext c;
    c.values["w"] = Value::string("food safety");
    EXPECT_TRUE(c.truth("selected(${w}, 'food')"));
    EXPECT_TRUE(c.truth("selected(${w}, 'safety')"));
    EXPECT_FALSE(c.truth("selected(${w}, 'foo')"));  // whole values only
    EXPECT_FALSE(c.truth("selected(${w}, '')"));
    EXPECT_EQ(c.num("count-selected(${w})"), 2);
    EXPECT_TRUE(c.truth("not(selected(${w}, 'none'))"));
}

TEST(Expression, FunctionsIfCoalesceNumberRoundStringLength) {
    MapContext c;
    c.values["a"] = Value::string("yes");
    EXPECT_EQ(c.eval("if(${a} = 'yes', 1, 0)").to_number(), 1);
    EXPECT_EQ(c.eval("if(${b} = 'yes', 1, 0)").to_number(), 0);
    EXPECT_EQ(c.eval("coalesce(${b}, 'fallback')").to_string(), "fallback");
    EXPECT_EQ(c.eval("coalesce(${a}, 'fallback')").to_string(), "yes");
    EXPECT_EQ(c.num("number('4.5') * 2"), 9);
    EXPECT_EQ(c.num("round(2.5)"), 3);
    EXPECT_EQ(c.num("round(-2.5)"), -2);  // XPath rounds .5 towards +infinity
    c.values["name"] = Value::string("Zoë");
    EXPECT_EQ(c.num("string-length(${name})"), 3);  // characters, not bytes
    EXPECT_TRUE(c.truth("true()"));
    EXPECT_FALSE(c.truth("false()"));
}

TEST(Expression, SelfIsTheAnswerBeingChecked) {
    MapContext c;
    c.self_value = Value::number(5);
    EXPECT_TRUE(c.truth(". >= 1 and . <= 20"));
    c.self_value = Value::number(25);
    EXPECT_FALSE(c.truth(". >= 1 and . <= 20"));
}

TEST(Expression, ReportsReferencesInOrderWithoutRepeats) {
    auto e = Expression::parse("${a} = 1 or ${b} = 2 and ${a} = 3");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->references(), (std::vector<std::string>{"a", "b"}));
    EXPECT_FALSE(e->uses_self());
    auto s = Expression::parse(". > ${min}");
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->uses_self());
}

TEST(Expression, BindReportsUnknownNames) {
    auto e = Expression::parse("${a} = 1 and ${zz} = 2");
    ASSERT_TRUE(e);
    auto missing = e->bind([](std::string_view n) -> std::optional<std::uint32_t> {
        if (n == "a") return 0u;
        return std::nullopt;
    });
    EXPECT_EQ(missing, (std::vector<std::string>{"zz"}));
}

struct BadCase {
    const char* text;
    std::size_t column;
    const char* contains;
};

class ExpressionErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ExpressionErrors, SayWhereAndWhy) {
    const auto& p = GetParam();
    auto e = Expression::parse(p.text);
    ASSERT_FALSE(e.has_value()) << p.text;
    EXPECT_EQ(e.error().column, p.column) << p.text << ": " << e.error().message;
    EXPECT_NE(e.error().message.find(p.contains), std::string::npos) << e.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Expression, ExpressionErrors,
    ::testing::Values(BadCase{"", 1, "empty"}, BadCase{"${a} = ", 8, "ends where a value was expected"},
                      BadCase{"(1 + 2", 7, "expected ')'"}, BadCase{"'open", 1, "unterminated string"},
                      BadCase{"${a", 1, "closing '}'"}, BadCase{"${} = 1", 1, "needs a question name"},
                      BadCase{"$a = 1", 1, "'$' must start a reference"}, BadCase{"${a} == 1", 7, "expected a value"},
                      BadCase{"${a} ! 1", 6, "'!' must be followed by '='"}, BadCase{"age > 3", 1, "is not a value"},
                      BadCase{"frobnicate(1)", 1, "unknown function"}, BadCase{"if(1, 2)", 1, "takes 3 arguments"},
                      BadCase{"not(1, 2)", 1, "takes 1 argument"}, BadCase{"1 2", 3, "after a complete expression"},
                      BadCase{"and 1", 1, "needs a value on its left"}, BadCase{"${a} = 1 # 2", 10, "unexpected character"}));

TEST(Expression, RejectsPathologicalNestingWithoutCrashing) {
    std::string deep(200, '(');
    deep += "1";
    deep += std::string(200, ')');
    auto e = Expression::parse(deep);
    ASSERT_FALSE(e.has_value());
    EXPECT_NE(e.error().message.find("nested too deeply"), std::string::npos);
    std::string minus(500, '-');
    EXPECT_FALSE(Expression::parse(minus + "1").has_value());
    EXPECT_FALSE(Expression::parse(std::string(5000, '1')).has_value());
}

TEST(Expression, LongOperatorChainsAreRefusedNotRecursedInto) {
    // Found by expression_fuzz: a 3.5 KB chain of comparisons built a left-deep tree whose evaluation
    // overflowed the stack. Trees taller than 100 are now refused at parse time.
    std::ifstream in(std::filesystem::path(FIELDKIOSK_TEST_DATA_DIR) / "fuzz_regressions" / "expression_deep_chain.txt");
    const std::string crash((std::istreambuf_iterator<char>(in)), {});
    ASSERT_GT(crash.size(), 1000u);
    EXPECT_FALSE(Expression::parse(crash).has_value());
    std::string chain = "1";
    for (int i = 0; i < 150; ++i) chain += " + 1";
    auto e = Expression::parse(chain);
    ASSERT_FALSE(e.has_value());
    EXPECT_NE(e.error().message.find("too long"), std::string::npos) << e.error().message;
    // A realistic long sum (the FIES raw score has 8 terms) is fine.
    std::string sum = "1";
    for (int i = 0; i < 40; ++i) sum += " + if(1 = 1, 1, 0)";
    MapContext c;
    EXPECT_EQ(c.num(sum), 41);
}

TEST(Expression, ListHelpers) {
    EXPECT_TRUE(list_contains("a b c", "b"));
    EXPECT_TRUE(list_contains("  a  ", "a"));
    EXPECT_FALSE(list_contains("ab", "a"));
    EXPECT_EQ(list_count(""), 0u);
    EXPECT_EQ(list_count(" a  b "), 2u);
}

}  // namespace
}  // namespace fieldkiosk::core
