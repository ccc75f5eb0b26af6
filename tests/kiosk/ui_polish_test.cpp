// Issue 16, the remaining minor items, by headless frames: what is drawn (ui::drawn_lines(): every line of
// text as wrapped, with its font and place) and where the controls are (ui::hits()).
#include "kiosk/widgets/icons.hpp"
#include "tests/kiosk/kiosk_fixture.hpp"
#include "tests/kiosk/ui_driver.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using fieldkiosk::testing::KioskFixture;
using fieldkiosk::testing::UiDriver;

namespace {

const std::vector<ImVec2> k_sizes = {{1080, 1920}, {1920, 1080}, {800, 1280}};
const std::vector<std::string> k_languages = {"en", "es", "pt", "fr", "so"};

// The language button, then the language: what a resident taps.
void choose_language(KioskFixture& f, const std::string& lang) {
    f.app.apply(act::OpenLanguage{});
    f.app.apply(act::ChooseLanguage{lang});
    EXPECT_EQ(f.app.language(), lang);
}

std::string all_text() {
    std::string s;
    for (const auto& l : ui::drawn_lines()) s += l.text + "\n";
    return s;
}
const ui::DrawnLine* line_with(std::string_view part) {
    for (const auto& l : ui::drawn_lines())
        if (l.text.find(part) != std::string::npos) return &l;
    return nullptr;
}
std::string where(ImVec2 size, const std::string& lang) {
    return std::to_string(static_cast<int>(size.x)) + "x" + std::to_string(static_cast<int>(size.y)) + " " + lang;
}

// A point inside a triangle of the draw list whose three corners are fully opaque (not the anti-aliased fringe).
bool covered(const ImDrawList& dl, ImVec2 p) {
    auto side = [](ImVec2 a, ImVec2 b, ImVec2 c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); };
    for (int i = 0; i + 2 < dl.IdxBuffer.Size; i += 3) {
        const ImDrawVert& a = dl.VtxBuffer[dl.IdxBuffer[i]];
        const ImDrawVert& b = dl.VtxBuffer[dl.IdxBuffer[i + 1]];
        const ImDrawVert& c = dl.VtxBuffer[dl.IdxBuffer[i + 2]];
        if ((a.col >> 24) != 0xFF || (b.col >> 24) != 0xFF || (c.col >> 24) != 0xFF) continue;
        const float s1 = side(a.pos, b.pos, p), s2 = side(b.pos, c.pos, p), s3 = side(c.pos, a.pos, p);
        if ((s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)) return true;
    }
    return false;
}

TEST(UiPolish, TheTickIsOneStrokeWithNoNotchAtItsJoint) {
    KioskFixture f;
    UiDriver ui(f.app, f.clock, {1080, 1920});
    ImDrawList dl(ImGui::GetDrawListSharedData());
    dl._ResetForNewFrame();
    dl.PushClipRectFullScreen();
    dl.PushTextureID(ImGui::GetIO().Fonts->TexID);
    dl.Flags = ImDrawListFlags_AntiAliasedLines | ImDrawListFlags_AntiAliasedFill;  // thick lines as geometry
    const float s = 210;
    ui::draw_check(&dl, {0, 0}, {s, s}, IM_COL32(0, 0, 0, 255));
    const float lw = s * 0.14f;
    // The joint is at (0.42, 0.74) of the box; the notch was the wedge just outside it (below it), where
    // the square ends of two separate strokes met.
    EXPECT_TRUE(covered(dl, {0.42f * s, 0.74f * s + lw * 0.45f})) << "a notch at the tick's joint";
    EXPECT_TRUE(covered(dl, {0.42f * s, 0.74f * s}));
    EXPECT_FALSE(covered(dl, {0.42f * s, 0.74f * s + lw * 2}));  // the test can tell ink from no ink
}

TEST(UiPolish, NotesAreNotNumberedAsQuestionsAndTheBarIsThick) {
    for (const ImVec2 size : k_sizes) {
        KioskFixture f;
        UiDriver ui(f.app, f.clock, size);
        ASSERT_TRUE(f.app.go_to("question:food:food_intro"));
        ui.frame();
        EXPECT_EQ(line_with("Question"), nullptr) << all_text();
        ASSERT_TRUE(f.app.go_to("question:food:fies_worried"));
        ui.frame();
        ASSERT_NE(line_with("Question 1 of about"), nullptr) << all_text();
        EXPECT_GE(ui::progress_bar_height(), 12.0f) << "a hairline at " << where(size, "");
    }
}

// "Prefer not to say" was 16 px above Back on long lists; "Start again" looked as weighty as Back.
TEST(UiPolish, TheLastAnswerHasRoomAboveBackAndStartAgainWeighsLess) {
    for (const ImVec2 size : k_sizes) {
        for (const char* q : {"question:safety:safety_unsafe_places", "question:food:food_sources", "question:youth:age_band"}) {
            KioskFixture f;
            UiDriver ui(f.app, f.clock, size);
            ASSERT_TRUE(f.app.go_to(q));
            ui.frame();
            const auto back = ui::hits().find("nav:back");
            ASSERT_TRUE(back);
            float lowest = 0;
            for (const auto& [id, r] : ui::hits().all())
                if (id.starts_with("choice:")) lowest = std::max(lowest, r.max.y);
            EXPECT_GE(back->min.y - lowest, ui::theme().target * 0.5f) << q << " at " << where(size, "");
            const auto* again = line_with("Start again");
            const auto* back_label = line_with("Back");
            ASSERT_TRUE(again && back_label);
            EXPECT_EQ(back_label->font, ui::theme().fonts.bold);
            EXPECT_NE(again->font, ui::theme().fonts.bold) << "Start again as heavy as Back";
        }
    }
}

TEST(UiPolish, ConsentSpeaksPlainlyNamesTheAgeLimitAndKeepsTheAddressWhole) {
    for (const ImVec2 size : k_sizes) {
        for (const auto& lang : k_languages) {
            KioskFixture f;
            UiDriver ui(f.app, f.clock, size);
            ASSERT_TRUE(f.app.go_to("consent"));
            choose_language(f, lang);
            ui.frame();
            ui.frame();
            // Every page of the summary (it pages rather than shrinks), every line at the body size at least.
            std::string text;
            for (int page = 0; page < 4; ++page) {
                text += all_text();
                if (const auto* dpo = line_with("dpo@")) {  // a point's sentence: the body size, never the small one
                    EXPECT_EQ(dpo->font, ui::theme().fonts.body) << "shrunk at " << where(size, lang);
                }
                if (!ui.has("consent:down")) break;
                ASSERT_TRUE(ui.tap("consent:down"));
            }
            EXPECT_EQ(text.find("6(1)"), std::string::npos) << where(size, lang) << "\n" << text;
            EXPECT_EQ(text.find("GDPR"), std::string::npos) << where(size, lang);
            EXPECT_NE(text.find("16"), std::string::npos) << "no age limit before consent at " << where(size, lang);
            EXPECT_NE(text.find("dpo@camden.gov.uk"), std::string::npos) << "the address split at " << where(size, lang) << "\n"
                                                                         << text;
            EXPECT_NE(text.find("0303 123 1113"), std::string::npos) << "the number split at " << where(size, lang) << "\n"
                                                                     << text;
        }
    }
}

// A landscape kiosk at the standard text size shows every point at once (three columns before a second page), so
// that the age limit and "you can stop" are not left alone on a page a resident may never open before Start.
TEST(UiPolish, LandscapeConsentShowsEveryPointOnOnePage) {
    KioskFixture f;
    UiDriver ui(f.app, f.clock, {1920, 1080});
    ASSERT_TRUE(f.app.go_to("consent"));
    ui.frame();
    ui.frame();
    EXPECT_FALSE(ui.has("consent:down")) << "the summary is paged:\n" << all_text();
    const std::string text = all_text();
    EXPECT_NE(text.find("16 or over"), std::string::npos) << text;
    EXPECT_NE(text.find("Who is asking"), std::string::npos) << text;
    const auto* first = line_with("Who is asking");
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->font, ui::theme().fonts.bold) << "never shrunk to fit";
}

TEST(UiPolish, TheFullNoticeShowsWholeLinesNumberedPagesAndBoldHeadings) {
    for (const ImVec2 size : k_sizes) {
        KioskFixture f;
        UiDriver ui(f.app, f.clock, size);
        ASSERT_TRUE(f.app.go_to("consent"));
        ui.frame();
        ASSERT_TRUE(ui.tap("consent:full"));
        const auto close = ui::hits().find("privacy:close");
        ASSERT_TRUE(close);
        int pages = 0;
        bool heading_bold = false;
        for (int guard = 0; guard < 20; ++guard) {
            ++pages;
            const std::string page_label = "Page " + std::to_string(pages) + " of ";
            EXPECT_NE(line_with(page_label), nullptr) << all_text();
            for (const auto& l : ui::drawn_lines()) {
                if (l.text == "Close") continue;
                EXPECT_LE(l.rect.max.y, close->min.y + 0.5f) << "cut at the page end: '" << l.text << "' " << where(size, "");
                if (l.text == "Who we are" || l.text == "Complaints")
                    heading_bold = heading_bold || l.font == ui::theme().fonts.bold;
            }
            if (!ui.has("privacy:down")) break;  // off on the last page
            ASSERT_TRUE(ui.tap("privacy:down"));
        }
        EXPECT_GE(pages, 2);
        EXPECT_TRUE(heading_bold);
        EXPECT_NE(line_with("Page " + std::to_string(pages) + " of " + std::to_string(pages)), nullptr) << all_text();
    }
}

TEST(UiPolish, TheSafetySignpostPutsTheEmergencyNumberFirstAsAListWithNumbersWhole) {
    for (const ImVec2 size : k_sizes) {
        for (const auto& lang : k_languages) {
            KioskFixture f;
            UiDriver ui(f.app, f.clock, size);
            ASSERT_TRUE(f.app.go_to("question:safety:safety_signpost"));
            choose_language(f, lang);
            ui.frame();
            ui.frame();
            const auto* n999 = line_with("999");
            ASSERT_NE(n999, nullptr) << where(size, lang) << "\n" << all_text();
            EXPECT_TRUE(n999->font == ui::theme().fonts.title || n999->font == ui::theme().fonts.bold) << where(size, lang);
            if (const auto* n101 = line_with("101")) { EXPECT_GT(n101->rect.min.y, n999->rect.min.y) << "999 is not first"; }
            for (const auto& l : ui::drawn_lines()) EXPECT_FALSE(l.text.starts_with("- ")) << "a '- ' list: " << l.text;
            // Every page of the note: each phone number on one line.
            std::string seen;
            for (int page = 0; page < 5; ++page) {
                seen += all_text();
                if (!ui::hits().find("note:down") || !ui.tap("note:down")) break;
            }
            for (const char* number : {"0800 555 111", "08 08 16 89 111"})
                EXPECT_NE(seen.find(number), std::string::npos) << number << " split at " << where(size, lang) << "\n" << seen;
        }
    }
}

TEST(UiPolish, TheSaveFailedScreenPromisesOnlyWhatIsTrue) {
    KioskFixture f;
    UiDriver ui(f.app, f.clock, {1080, 1920});
    ASSERT_TRUE(f.app.go_to("save_failed"));
    ui.frame();
    const std::string text = all_text();
    EXPECT_EQ(text.find("kept on this kiosk"), std::string::npos) << text;
    EXPECT_NE(text.find("not saved yet"), std::string::npos) << text;
}

// No way to clear a write-in or to put the keyboard away (issue 16): "Clear" empties it, "Hide keyboard"
// hides it and "Show keyboard" brings it back, and none of it moves the choices or the field.
TEST(UiPolish, TheWriteInCanBeClearedAndTheKeyboardHiddenAndShownAgain) {
    for (const ImVec2 size : k_sizes) {
        KioskFixture f;
        UiDriver ui(f.app, f.clock, size);
        ASSERT_TRUE(f.app.go_to("question:food:food_sources:other"));
        ui.frame();
        const auto choice = ui::hits().find("choice:other");
        ASSERT_TRUE(choice);
        ASSERT_TRUE(ui.tap("kb:h"));
        ASSERT_TRUE(ui.tap("kb:i"));
        EXPECT_EQ(f.app.view().question.write_in_text, "hi");
        ASSERT_TRUE(ui.tap("text:clear"));
        EXPECT_EQ(f.app.view().question.write_in_text, "");
        EXPECT_FALSE(ui.has("text:clear")) << "Clear is off when there is nothing to clear";
        ASSERT_TRUE(ui.tap("kb:toggle"));
        EXPECT_FALSE(ui.has("kb:a")) << "the keyboard is still there at " << where(size, "");
        EXPECT_NE(line_with("Show keyboard"), nullptr);
        ASSERT_TRUE(ui.tap("kb:toggle"));
        ASSERT_TRUE(ui.tap("kb:a"));
        EXPECT_EQ(f.app.view().question.write_in_text, "a");
        const auto after = ui::hits().find("choice:other");
        ASSERT_TRUE(after);
        EXPECT_EQ(after->min.y, choice->min.y);
        EXPECT_EQ(after->min.x, choice->min.x);
    }
}

// Draft surveys and unreviewed translations could be switched on with nothing said (issue 16).
TEST(UiPolish, TheAdminPanelWarnsAboutDraftSurveysAndUncheckedLanguages) {
    for (const ImVec2 size : {ImVec2{1920, 1080}, ImVec2{1080, 1920}}) {
        KioskFixture f;
        UiDriver ui(f.app, f.clock, size);
        ASSERT_TRUE(f.app.go_to("admin:panel"));
        ui.frame();
        const auto* draft = line_with("Draft: not approved");
        ASSERT_NE(draft, nullptr) << all_text();
        const auto estates = ui::hits().find("admin:survey:estates");
        ASSERT_TRUE(estates);
        EXPECT_GE(draft->rect.min.y, estates->max.y - 0.5f) << "the warning is not under the draft survey";
        EXPECT_NE(line_with("Not yet checked: Español"), nullptr) << all_text();
        ASSERT_TRUE(ui.tap("admin:survey:estates"));
        EXPECT_NE(line_with("Draft: not approved"), nullptr);
    }
}

// Youth asks "would you know where to go?" for help with work or training: a "No" (or "Not sure") is told
// where to go, in every language of the survey.
TEST(UiPolish, AYoungPersonWhoDoesNotKnowWhereToGetHelpIsTold) {
    for (const char* answer : {"no", "not_sure", "yes"}) {
        for (const auto& lang : k_languages) {
            KioskFixture f;
            UiDriver ui(f.app, f.clock, {1080, 1920});
            ASSERT_TRUE(f.app.go_to(std::string("question:youth:know_where_help:") + answer));
            choose_language(f, lang);
            f.app.apply(act::Next{});
            ui.frame();
            ui.frame();
            const bool told = f.app.view().question.name == "know_where_help_signpost";
            EXPECT_EQ(told, std::string(answer) != "yes") << answer << " " << lang;
            if (told) {
                EXPECT_NE(line_with("0800 100 900"), nullptr) << lang << "\n" << all_text();
                const bool english = f.app.view().question.label == "Where to get help with work, training or education";
                EXPECT_EQ(english, lang == "en") << lang << ": " << f.app.view().question.label;
            }
        }
    }
}

}  // namespace

// A choice label that did not fit fell back to the small size (issue 16). Every option of every choice
// question of every shipped survey, in each of its languages, in the narrowest layout (800×1280), is drawn
// at the body size (bold when chosen), whole, inside its own button, above Back; options that do not fit
// grow, take fewer columns or are paged, and every option is on some page exactly once.
namespace {

struct ChoiceCheck {
    std::map<std::string, int> seen;  // option value -> pages it was on
    int pages = 0;
    std::string first_page;  // the text of the first page
};

// The lines drawn inside rectangle r, joined with spaces.
std::string text_inside(ui::Rect r, std::vector<const ui::DrawnLine*>& used) {
    std::string s;
    for (const auto& l : ui::drawn_lines()) {
        const ImVec2 c = l.rect.center();
        if (!r.contains(c) || l.text.empty()) continue;
        used.push_back(&l);
        s += (s.empty() ? "" : " ") + l.text;
    }
    return s;
}
std::string squeezed(std::string_view s) {
    std::string out;
    for (const char c : s)
        if (c != ' ') out += c;
    return out;
}

// The question on screen, every page of its options; failures name `where_`.
ChoiceCheck check_choices(UiDriver& ui, const core::Question& q, const std::string& lang, float width,
                          const std::string& where_) {
    ChoiceCheck out;
    out.first_page = all_text();
    const ui::Theme& t = ui::theme();
    for (int page = 0; page < 10; ++page) {
        ++out.pages;
        const auto back = ui::hits().find("nav:back");
        EXPECT_TRUE(back) << where_;
        std::vector<ui::Rect> rects;
        for (const auto& c : q.choices) {
            const auto r = ui::hits().find("choice:" + c.value);
            if (!r) continue;
            ++out.seen[c.value];
            std::vector<const ui::DrawnLine*> used;
            const std::string label = c.label.get(lang);
            EXPECT_EQ(squeezed(text_inside(*r, used)), squeezed(label)) << "not whole in its button: " << where_;
            for (const auto* l : used) {
                EXPECT_TRUE(l->font == t.fonts.body || l->font == t.fonts.bold)
                    << "below the body size: " << where_ << " '" << l->text << "'";
                EXPECT_GE(l->rect.min.y, r->min.y) << where_;
                EXPECT_LE(l->rect.max.y, r->max.y + 0.5f) << where_;
                EXPECT_LE(l->rect.max.x, r->max.x + 0.5f) << where_;
            }
            if (back) { EXPECT_LE(r->max.y, back->min.y) << "under Back: " << where_; }
            EXPECT_LE(r->max.x, width + 0.5f) << where_;
            for (const auto& o : rects)
                EXPECT_FALSE(r->min.x < o.max.x && o.min.x < r->max.x && r->min.y < o.max.y && o.min.y < r->max.y)
                    << "overlapping options: " << where_;
            rects.push_back(*r);
        }
        if (!ui.has("choices:down")) break;
        const std::string before = all_text();
        ui.settle();
        if (!ui.tap("choices:down")) break;
        if (all_text() == before) break;  // the last page: the button is there, greyed
    }
    return out;
}

// A question whose options are a grid (not a long list or faces; a likert row is a grid when tall).
bool is_grid(const core::Question& q) {
    return q.is_select() && q.appearance != core::Appearance::LongList && q.appearance != core::Appearance::Faces;
}

}  // namespace

// One test per shipped survey (nine languages each: one test for all took minutes on a loaded machine).
class UiPolishChoices : public ::testing::TestWithParam<std::string> {};

TEST_P(UiPolishChoices, ChoiceLabelsStayAtTheBodySizeInTheNarrowestLayout) {
    kiosk::KioskConfig config;
    config.enabled_surveys = {"food", "safety", "youth", "estates", "leadership"};  // the switched-off ones too
    int questions = 0;
    for (const auto& s : fieldkiosk::testing::shipped_surveys()) {
        if (s->id != GetParam()) continue;
        for (const auto& q : s->questions) {
            if (!is_grid(q)) continue;
            for (const auto& l : s->languages) {
                KioskFixture f(config);
                UiDriver ui(f.app, f.clock, {800, 1280});
                const std::string spec = "question:" + s->id + ":" + q.name;
                if (!f.app.go_to(spec)) continue;  // reached only by answers the walk's first choices do not give
                choose_language(f, l.code);
                ui.frame();
                ui.frame();
                const auto seen = check_choices(ui, q, l.code, 800, spec + " " + l.code);
                for (const auto& c : q.choices)
                    EXPECT_EQ(seen.seen.count(c.value) ? seen.seen.at(c.value) : 0, 1) << spec << " " << l.code << " " << c.value;
                ++questions;
            }
        }
    }
    EXPECT_GT(questions, 5) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(ShippedSurveys, UiPolishChoices, ::testing::Values("food", "safety", "youth", "estates", "leadership"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// The largest text size (docs/kiosk.md, "Accessibility"): every label is still whole in its button at the body
// size, now 1.5 times as large, in the widest layout (landscape, up to four columns) and the narrowest.
class UiPolishChoicesLargestText : public ::testing::TestWithParam<std::string> {};

TEST_P(UiPolishChoicesLargestText, ChoiceLabelsStayWholeInTheWidestAndNarrowestLayouts) {
    kiosk::KioskConfig config;
    config.enabled_surveys = {"food", "safety", "youth", "estates", "leadership"};
    int questions = 0;
    for (const auto& s : fieldkiosk::testing::shipped_surveys()) {
        if (s->id != GetParam()) continue;
        for (const auto& q : s->questions) {
            if (!is_grid(q)) continue;
            for (const ImVec2 size : {ImVec2{1920, 1080}, ImVec2{800, 1280}})
                for (const auto& l : s->languages) {
                    KioskFixture f(config);
                    UiDriver ui(f.app, f.clock, size);
                    const std::string spec = "question:" + s->id + ":" + q.name;
                    if (!f.app.go_to(spec)) continue;  // reached only by answers the walk's first choices do not give
                    choose_language(f, l.code);
                    f.app.apply(act::SetTextSize{2});
                    ui.frame();
                    ui.frame();
                    ASSERT_EQ(ui::theme().text_scale, ui::k_text_scales[2]);
                    const auto seen = check_choices(ui, q, l.code, size.x, spec + " " + where(size, l.code));
                    for (const auto& c : q.choices)
                        EXPECT_EQ(seen.seen.count(c.value) ? seen.seen.at(c.value) : 0, 1)
                            << spec << " " << l.code << " " << c.value;
                    ++questions;
                }
        }
    }
    EXPECT_GT(questions, 10) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(ShippedSurveys, UiPolishChoicesLargestText,
                         ::testing::Values("food", "safety", "youth", "estates", "leadership"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(UiPolish, EveryShippedSurveyHasItsChoiceLayoutTest) {
    std::vector<std::string> ids;
    for (const auto& s : fieldkiosk::testing::shipped_surveys()) ids.push_back(s->id);
    std::ranges::sort(ids);
    EXPECT_EQ(ids, (std::vector<std::string>{"estates", "food", "leadership", "safety", "youth"}))
        << "a new shipped survey: add it to UiPolishChoices and UiPolishChoicesLargestText above";
}

// A label twice as long as the longest shipped one (leadership's "local role", in French): wrapped at the
// body size in a taller button; when every option is that long, the options are paged ("Page 1 of N").
TEST(UiPolish, ChoiceLabelsTwiceTheLongestShippedOneWrapOrPageAtTheBodySize) {
    std::ifstream in(std::filesystem::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "leadership.json");
    auto j = nlohmann::json::parse(in);
    std::string longest;
    for (const auto& q : j["questions"])
        for (const auto& c : q.value("choices", nlohmann::json::array()))
            for (const auto& [lang, label] : c["label"].items())
                if (label.get<std::string>().size() > longest.size()) longest = label.get<std::string>();
    ASSERT_GT(longest.size(), 150U);
    const std::string twice = longest + " " + longest;
    for (const bool every : {false, true}) {
        auto fixture = j;
        for (auto& q : fixture["questions"]) {
            if (q["name"] != "lead_civic") continue;
            for (std::size_t i = 0; i < q["choices"].size(); ++i)
                if (every || i == 0) q["choices"][i]["label"]["en"] = twice;
        }
        auto r = core::load_survey_text(fixture.dump(), std::filesystem::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "leadership.json");
        ASSERT_TRUE(r.ok());
        kiosk::KioskConfig config;
        config.enabled_surveys = {"leadership"};
        for (const ImVec2 size : k_sizes) {
            KioskFixture f(config, {r.survey});
            UiDriver ui(f.app, f.clock, size);
            ASSERT_TRUE(f.app.go_to("question:leadership:lead_civic"));
            ui.frame();
            const auto& q = *std::find_if(r.survey->questions.begin(), r.survey->questions.end(),
                                          [](const auto& x) { return x.name == "lead_civic"; });
            const auto seen = check_choices(ui, q, "en", size.x, where(size, every ? "every label twice" : "one label twice"));
            for (const auto& c : q.choices) EXPECT_EQ(seen.seen.count(c.value) ? seen.seen.at(c.value) : 0, 1) << c.value;
            if (every && size.x == 800) {
                EXPECT_GT(seen.pages, 1) << "seven such options fit one 800x1280 screen?";
                EXPECT_NE(seen.first_page.find("Page 1 of"), std::string::npos) << seen.first_page;
            }
        }
    }
}

// "Start again" on a closing note (the review of issue 16): the response is already saved there, and the
// link would read as "throw my answers away". It is not drawn there; on the questions before it, it is.
TEST(UiPolish, AClosingNoteAfterTheSaveOffersNoStartAgain) {
    for (const ImVec2 size : k_sizes) {
        KioskFixture f;
        UiDriver ui(f.app, f.clock, size);
        ASSERT_TRUE(f.app.go_to("question:safety:safety_feel_safer"));
        ui.frame();
        EXPECT_TRUE(ui.has("nav:start_again")) << "a question before the save at " << where(size, "");
        ASSERT_TRUE(f.app.go_to("question:safety:safety_signpost"));
        ui.frame();
        ASSERT_TRUE(f.app.view().question.closing);
        EXPECT_EQ(f.saved().size(), 1U);
        EXPECT_FALSE(ui.has("nav:start_again")) << where(size, "");
        EXPECT_EQ(line_with("Start again"), nullptr) << all_text();
        EXPECT_TRUE(ui.has("nav:next"));
        EXPECT_NE(line_with("Finish"), nullptr) << all_text();
    }
}

// "Start again?" and the other confirmations: the buttons follow the sentence. They sat at the bottom of a card of
// fixed height, under a gap of a third of it, which the helper's tap walk found looked unfinished. Every screen
// size, at the standard and the largest text; the card never holds less than its text.
TEST(UiPolish, ConfirmationButtonsFollowTheirText) {
    for (const ImVec2 size : k_sizes)
        for (const int text_size : {0, 2}) {
            KioskFixture f;
            UiDriver ui(f.app, f.clock, size);
            ASSERT_TRUE(f.app.go_to("question:safety:safety_walk_dark"));
            f.app.apply(act::SetTextSize{text_size});
            ui.frame();
            ui.frame();
            ASSERT_TRUE(ui.tap("nav:start_again"));
            ui.frame();
            const auto no = ui::hits().find("again:no");
            const auto yes = ui::hits().find("again:yes");
            ASSERT_TRUE(no && yes) << where(size, "") << " text size " << text_size;
            const std::string& body = f.app.view().t("start_again_body");
            const std::string& heading = f.app.view().t("start_again_heading");
            float body_bottom = 0, heading_top = size.y;
            for (const auto& l : ui::drawn_lines()) {
                if (l.text.empty() || l.rect.min.x < no->min.x - 1 || l.rect.max.x > no->max.x + 1) continue;
                if (body.find(l.text) != std::string::npos) body_bottom = std::max(body_bottom, l.rect.max.y);
                if (heading.find(l.text) != std::string::npos) heading_top = std::min(heading_top, l.rect.min.y);
            }
            const float gap = ui::theme().gap;
            ASSERT_GT(body_bottom, 0) << all_text();
            EXPECT_GE(no->min.y, body_bottom) << "a button over the text, " << where(size, "") << " text size " << text_size;
            EXPECT_LE(no->min.y - body_bottom, gap * 2 + 1) << where(size, "") << " text size " << text_size;
            EXPECT_LE(yes->max.y - heading_top, size.y) << where(size, "");
            EXPECT_GE(yes->min.y, no->max.y) << where(size, "");
        }
}
