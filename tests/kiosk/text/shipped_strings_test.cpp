// No shipped string in any language draws a missing glyph: every UI string (assets/strings/<lang>.json) and every
// translated text of the surveys and blocks (any object mapping language codes to strings: labels, hints,
// messages) is shaped at the kiosk's body size and checked for .notdef. Languages are read from the files, so
// each translation added later is checked too.
#include "tests/kiosk/text/text_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

using namespace fieldkiosk::kiosk::text;
using fieldkiosk::testing::text_layer;
namespace fs = std::filesystem;

namespace {

nlohmann::json read_json(const fs::path& p) {
    std::ifstream in(p);
    return nlohmann::json::parse(in);
}

bool is_language_map(const nlohmann::json& j) {
    static const std::regex code("^[a-z]{2,3}(-[A-Za-z0-9]+)*$");
    if (!j.is_object() || j.empty()) return false;
    for (const auto& [k, v] : j.items())
        if (!v.is_string() || !std::regex_match(k, code)) return false;
    return true;
}

struct Checked {
    std::size_t strings = 0;
    std::set<std::string> languages;
};

// Shapes `text` as the kiosk would (line by line, in its language and direction) and fails naming where it came from.
void expect_drawable(const std::string& text, const std::string& lang, const std::string& where, Checked& c) {
    ++c.strings;
    c.languages.insert(lang);
    if (const auto nl = text.find('\n'); nl != std::string::npos) {
        expect_drawable(text.substr(0, nl), lang, where, c);
        expect_drawable(text.substr(nl + 1), lang, where, c);
        --c.strings;
        return;
    }
    for (const Weight w : {Weight::Regular, Weight::Bold}) {
        const auto& run = text_layer().shape(text, 38, w, lang, direction_of(lang));
        if (!run.has_notdef()) continue;
        std::string missing;
        for (const auto& g : run.glyphs)
            if (g.index == 0) {
                std::size_t i = g.cluster;
                char buf[16];
                std::snprintf(buf, sizeof buf, "U+%04X ", static_cast<unsigned>(next_code_point(text, i)));
                missing += buf;
            }
        ADD_FAILURE() << where << " [" << lang << "] draws a missing glyph for " << missing << "in: " << text;
        return;
    }
}

void walk(const nlohmann::json& j, const std::string& where, Checked& c) {
    if (is_language_map(j)) {
        for (const auto& [lang, v] : j.items()) expect_drawable(v.get<std::string>(), lang, where, c);
        return;
    }
    if (j.is_object())
        for (const auto& [k, v] : j.items()) walk(v, where + "/" + k, c);
    if (j.is_array())
        for (std::size_t i = 0; i < j.size(); ++i) walk(j[i], where + "/" + std::to_string(i), c);
}

std::vector<fs::path> json_files(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".json") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST(ShippedStrings, EveryUiStringInEveryLanguageHasItsGlyphs) {
    ASSERT_TRUE(text_layer().loaded());
    Checked c;
    for (const auto& file : json_files(fs::path(FIELDKIOSK_ASSETS_DIR) / "strings")) {
        const std::string lang = file.stem().string();
        const nlohmann::json strings = read_json(file);
        for (const auto& [key, v] : strings.items())
            if (v.is_string() && key.front() != '_')
                expect_drawable(v.get<std::string>(), lang, file.filename().string() + ":" + key, c);
    }
    EXPECT_GT(c.strings, 100u);
    EXPECT_TRUE(c.languages.contains("en"));
}

TEST(ShippedStrings, EverySurveyAndBlockTextInEveryLanguageHasItsGlyphs) {
    Checked c;
    for (const auto& dir : {fs::path(FIELDKIOSK_SURVEY_DEFS_DIR), fs::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "blocks"})
        for (const auto& file : json_files(dir)) walk(read_json(file), file.filename().string(), c);
    EXPECT_GT(c.strings, 500u);
    EXPECT_GE(c.languages.size(), 2u);
}
