// core/json_view against nlohmann::json: the same verdict on valid and broken texts, the same values read back,
// over hand-picked edge cases and over seeded random documents and their mutations.
#include "core/json_view.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

namespace jv = fieldkiosk::core::json_view;
using nlohmann::json;

namespace {

// The verdict and the document must be nlohmann's; returns a message naming the text when they are not.
std::string differs(const std::string& text) {
    const auto view = jv::parse(text);
    const auto doc = json::parse(text, nullptr, false);
    if (view.has_value() == doc.is_discarded())
        return "'" + text + "': json_view says " + (view ? "valid" : "invalid") + ", nlohmann the opposite";
    if (view && jv::to_json(*view) != doc) return "'" + text + "': read as " + jv::to_json(*view).dump() + ", nlohmann " + doc.dump();
    return {};
}

TEST(JsonView, AgreesWithNlohmannOnEdgeCases) {
    const std::vector<std::string> texts = {
        "", " ", "{}", "[]", " {} ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":}", "[1 2]",
        "true", "tru", "truex", "false", "null", "nul", "0", "-0", "01", "-", "1.", ".5", "1.5e", "1e5", "1E+5", "1e-5",
        "-1.25e-3", "1e400", "-1e400", "1e-400", "9223372036854775807", "9223372036854775808", "18446744073709551615",
        "18446744073709551616", "-9223372036854775809", "\"\"", "\"a\"", "\"a", "\"\\\"\"", "\"\\u00e9\"", "\"\\u00E9\"",
        "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83dx\"", "\"\\ud83d\\u0041\"", "\"\\u12\"", "\"\\x\"",
        "\"\\/\\b\\f\\n\\r\\t\"", "\"tab\there\"", std::string("\"nul\0in\"", 8), "\"caf\xc3\xa9\"", "\"\xc3\"",
        "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\xac\"", "\"\xf0\x9f\x98\x80\"", "\"\xff\"",
        "{\"a\":1,\"a\":2}", "{\"k\\u0065y\":\"v\"}", "[[[[]]]]", "[{\"a\":[{\"b\":null}]}]", "{\"a\":[1,2.5,\"x\",true]}",
        "1 2", "{} x", "\t\n\r {\"a\" : [ 1 , 2 ] } \n"};
    for (const auto& t : texts) EXPECT_EQ(differs(t), "") << "text of " << t.size() << " bytes";
}

TEST(JsonView, RefusesNestingDeeperThanItsLimit) {
    const std::string ok = std::string(jv::k_max_depth, '[') + std::string(jv::k_max_depth, ']');
    const std::string deep = std::string(jv::k_max_depth + 1, '[') + std::string(jv::k_max_depth + 1, ']');
    EXPECT_TRUE(jv::parse(ok));
    EXPECT_FALSE(jv::parse(deep));  // nlohmann reads it; a stored payload nests three levels
}

TEST(JsonView, RefusesANulByteWhereNlohmannStopsReading) {
    const std::string text("\"a\"\0trailing", 12);
    EXPECT_FALSE(json::parse(text, nullptr, false).is_discarded()) << "nlohmann stops at the NUL";
    EXPECT_FALSE(jv::parse(text)) << "json_view reads the whole text, and a NUL is not JSON";
}

TEST(JsonView, ReadsAStoredPayloadsParts) {
    const std::string text =
        R"({"answers":{"age_band":"18_24","food_sources":["shop","market"],"life_satisfaction":7,"note":"a \"quoted\" word"},)"
        R"("completed_at":"2026-05-01T10:00:00Z","k\u0065y":1})";
    const auto p = jv::parse(text);
    ASSERT_TRUE(p);
    const auto answers = jv::find(*p, "answers");
    ASSERT_TRUE(answers);
    EXPECT_EQ(answers->type, jv::Type::Object);
    EXPECT_EQ(jv::text_of(*jv::find(*answers, "age_band")), "18_24");
    EXPECT_TRUE(jv::text_equals(*jv::find(*answers, "age_band"), "18_24"));
    EXPECT_FALSE(jv::text_equals(*jv::find(*answers, "age_band"), "18_2"));
    EXPECT_EQ(jv::text_of(*jv::find(*answers, "note")), "a \"quoted\" word");
    EXPECT_TRUE(jv::text_equals(*jv::find(*answers, "note"), "a \"quoted\" word"));
    EXPECT_EQ(jv::integer_of(*jv::find(*answers, "life_satisfaction")), 7);
    std::vector<std::string> sources;
    jv::elements(*jv::find(*answers, "food_sources"), [&](const jv::Node& e) {
        sources.push_back(jv::text_of(e));
        return true;
    });
    EXPECT_EQ(sources, (std::vector<std::string>{"shop", "market"}));
    EXPECT_EQ(jv::find(*answers, "food_sources")->raw, R"(["shop","market"])");  // the exact text, for hashing
    EXPECT_TRUE(jv::find(*p, "key")) << "a key written with an escape is found by its decoded name";
    EXPECT_FALSE(jv::find(*p, "missing"));
    EXPECT_FALSE(jv::find(*jv::find(*answers, "note"), "x")) << "find on a string finds nothing";
    int seen = 0;
    jv::members(*p, [&](std::string_view, const jv::Node&) { return ++seen < 2; });
    EXPECT_EQ(seen, 2) << "members stops when told";
}

TEST(JsonView, ReadsNumbersAsNlohmannDoes) {
    const auto num = [](const char* t) { return *jv::parse(t); };
    EXPECT_TRUE(jv::is_integer(num("42")));
    EXPECT_TRUE(jv::is_integer(num("18446744073709551615")));  // unsigned in nlohmann
    EXPECT_FALSE(jv::integer_of(num("18446744073709551615")));
    EXPECT_FALSE(jv::is_integer(num("18446744073709551616")));  // a double in nlohmann
    EXPECT_FALSE(jv::is_integer(num("4.0")));
    EXPECT_DOUBLE_EQ(*jv::number_of(num("4.5e1")), 45.0);
    EXPECT_DOUBLE_EQ(*jv::number_of(num("-0.125")), -0.125);
    EXPECT_FALSE(jv::number_of(*jv::parse("\"4\"")));
}

// Random documents (seeded), written compact, spaced and with escapes, then broken byte by byte.
class Generator {
public:
    explicit Generator(std::uint32_t seed) : m_rng(seed) {}

    std::string document(int depth = 0) {
        const int kind = pick(depth > 3 ? 5 : 7);
        switch (kind) {
            case 0: return "null";
            case 1: return pick(2) ? "true" : "false";
            case 2: return number();
            case 3:
            case 4: return string();
            case 5: {
                std::string s = "[" + space();
                for (int n = pick(4), i = 0; i < n; ++i) s += (i ? "," + space() : "") + document(depth + 1) + space();
                return s + "]";
            }
            default: {
                std::string s = "{" + space();
                for (int n = pick(4), i = 0; i < n; ++i)
                    s += (i ? "," + space() : "") + string() + space() + ":" + space() + document(depth + 1) + space();
                return s + "}";
            }
        }
    }

    std::string mutate(std::string s) {
        static const std::string k_bytes = "{}[]\",:\\ue0.-+1tfn \x01\xc3\xa9\xed\xff";
        if (s.empty()) return s;
        const auto at = static_cast<std::size_t>(pick(static_cast<int>(s.size())));
        switch (pick(3)) {
            case 0: s.erase(at, 1); break;
            case 1: s.insert(at, 1, k_bytes[static_cast<std::size_t>(pick(static_cast<int>(k_bytes.size())))]); break;
            default: s[at] = k_bytes[static_cast<std::size_t>(pick(static_cast<int>(k_bytes.size())))]; break;
        }
        return s;
    }

private:
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }
    std::string space() {
        static const char* k_spaces[] = {"", "", "", " ", "\n  ", "\t", "\r\n"};
        return k_spaces[pick(7)];
    }
    std::string number() {
        static const char* k_numbers[] = {"0",    "-0",   "7",   "-12",  "3.25", "1e3",  "-2.5E-2", "123456789012",
                                          "0.1", "1E+2", "9e18", "1e308", "5e-324"};
        return k_numbers[pick(13)];
    }
    std::string string() {
        static const char* k_pieces[] = {"a",      "food",   "18_24",  "\\\"", "\\\\",  "\\n",         "\\u00e9",
                                         "\\u4e2d", "\xd8\xb9", "\xe0\xa6\x95", " ", "\\ud83d\\ude00", "\\/", "\\t"};
        std::string s = "\"";
        for (int n = pick(5), i = 0; i < n; ++i) s += k_pieces[pick(14)];
        return s + "\"";
    }
    std::mt19937 m_rng;
};

TEST(JsonView, AgreesWithNlohmannOnRandomDocumentsAndTheirMutations) {
    Generator gen(20261205);
    int valid = 0, invalid = 0;
    for (int i = 0; i < 3000; ++i) {
        const std::string doc = gen.document();
        ASSERT_EQ(differs(doc), "");
        ++valid;
        std::string broken = doc;
        for (int m = 0; m < 1 + i % 3; ++m) broken = gen.mutate(broken);
        ASSERT_EQ(differs(broken), "");
        (jv::parse(broken) ? valid : invalid) += 1;
    }
    // The mutations must have produced both verdicts, or the comparison above proved little.
    EXPECT_GT(invalid, 500);
    EXPECT_GT(valid, 3000);
}

}  // namespace
