// core/xlsform/submission.cpp: a stored response as an OpenRosa submission, in the published XForm's shape.
#include "core/loader.hpp"
#include "core/xlsform/submission.hpp"
#include "core/xlsform/xform.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

namespace fieldkiosk::xlsform {
namespace {

using nlohmann::json;

const char* k_survey = R"({
  "survey": "demo", "version": "4",
  "languages": [{"code": "en", "name": "English", "status": "complete"}],
  "title": {"en": "Demo"}, "description": {"en": "d"}, "estimated_minutes": 2,
  "questions": [
    {"type": "select_multiple", "name": "sources", "label": {"en": "Where?"},
     "choices": [{"value": "shop", "label": {"en": "Shop"}}, {"value": "market", "label": {"en": "Market"}},
                 {"value": "elsewhere", "label": {"en": "Somewhere else"}, "other": true}]},
    {"type": "integer", "name": "people", "label": {"en": "How many?"}},
    {"type": "text", "name": "comments", "label": {"en": "Anything else?"}, "max_length": 200},
    {"type": "calculate", "name": "big", "calculation": "${people} > 4"}
  ]})";

core::SurveyPtr demo() {
    auto r = core::load_survey_text(k_survey, "demo.json");
    EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics.front().to_string());
    return r.survey;
}

json response() {
    return {{"id", "0b6c2a4e-8f2d-4b59-a0f5-6f1c2d3e4f50"},
            {"survey", "demo"},
            {"survey_version", "4"},
            {"site", "Kentish Town library"},
            {"mode", "assisted"},
            {"language", "en"},
            {"started_at", "2026-05-01T10:00:00Z"},
            {"completed_at", "2026-05-01T10:03:00Z"},
            {"answers", {{"sources", {"shop", "elsewhere"}}, {"people", 5}}},
            {"write_ins", {{"sources", "the <allotment> & friends"}}},
            {"calculated", {{"big", true}}}};
}

TEST(Submission, FillsThePublishedInstanceInItsOrderWithEmptyFieldsForWhatWasNotAsked) {
    const auto s = demo();
    ASSERT_TRUE(s);
    const auto xml = to_submission(response(), s.get());
    ASSERT_TRUE(xml) << xml.error();
    pugi::xml_document doc, form;
    ASSERT_TRUE(doc.load_string(xml->c_str()));
    ASSERT_TRUE(form.load_string(to_xform(*s).c_str()));
    const auto data = doc.document_element();
    EXPECT_STREQ(data.name(), "data");
    EXPECT_STREQ(data.attribute("id").value(), "demo");
    EXPECT_STREQ(data.attribute("version").value(), "4");
    std::vector<std::string> ours, published;
    for (auto c : data.children()) ours.emplace_back(c.name());
    for (auto c : form.select_node("//instance[not(@id)]/data").node().children()) published.emplace_back(c.name());
    EXPECT_EQ(ours, published);
    EXPECT_STREQ(data.child_value("sources"), "shop elsewhere");
    EXPECT_STREQ(data.child_value("sources_other"), "the <allotment> & friends");  // escaped in the XML, whole here
    EXPECT_STREQ(data.child_value("people"), "5");
    EXPECT_STREQ(data.child_value("comments"), "");
    EXPECT_STREQ(data.child_value("big"), "true");
    EXPECT_STREQ(data.child("meta").child_value("instanceID"), "uuid:0b6c2a4e-8f2d-4b59-a0f5-6f1c2d3e4f50");
    EXPECT_STREQ(data.child("meta").child_value("timeStart"), "2026-05-01T10:00:00Z");
    EXPECT_STREQ(data.child("meta").child_value("timeEnd"), "2026-05-01T10:03:00Z");
    EXPECT_NE(xml->find("&lt;allotment&gt; &amp; friends"), std::string::npos);
}

// Issue 12: ODK Central and Kobo get a column each for the response's site, mode and language: hidden string
// fields of the XForm's meta, filled from the stored response.
TEST(Submission, CarriesTheSiteModeAndLanguageInTheXFormsMetaFields) {
    const auto s = demo();
    ASSERT_TRUE(s);
    const auto xml = to_submission(response(), s.get());
    ASSERT_TRUE(xml) << xml.error();
    pugi::xml_document doc, form;
    ASSERT_TRUE(doc.load_string(xml->c_str()));
    ASSERT_TRUE(form.load_string(to_xform(*s).c_str()));
    const auto meta = doc.document_element().child("meta");
    EXPECT_STREQ(meta.child_value("fk_site"), "Kentish Town library");
    EXPECT_STREQ(meta.child_value("fk_mode"), "assisted");
    EXPECT_STREQ(meta.child_value("fk_language"), "en");
    std::vector<std::string> ours, published;
    for (auto c : meta.children()) ours.emplace_back(c.name());
    for (auto c : form.select_node("//instance[not(@id)]/data/meta").node().children()) published.emplace_back(c.name());
    EXPECT_EQ(ours, (std::vector<std::string>{"instanceID", "timeStart", "timeEnd", "fk_site", "fk_mode", "fk_language"}));
    EXPECT_EQ(ours, published);
    // Each is a string bind with no control in the body: hidden, as pyxform's meta fields are.
    for (const char* f : {"fk_site", "fk_mode", "fk_language"}) {
        const auto path = std::string("/data/meta/") + f;
        const auto bind = form.select_node(("//bind[@nodeset='" + path + "']").c_str()).node();
        ASSERT_TRUE(bind) << f;
        EXPECT_STREQ(bind.attribute("type").value(), "string") << f;
        EXPECT_FALSE(form.select_node(("//h:body//*[@ref='" + path + "']").c_str())) << f;
    }
    // A response without them (written before they were stored) sends the fields empty, never absent.
    auto bare = response();
    bare.erase("site");
    bare.erase("mode");
    const auto old = to_submission(bare, s.get());
    ASSERT_TRUE(old);
    pugi::xml_document d2;
    ASSERT_TRUE(d2.load_string(old->c_str()));
    EXPECT_TRUE(d2.document_element().child("meta").child("fk_site"));
    EXPECT_STREQ(d2.document_element().child("meta").child_value("fk_site"), "");
    EXPECT_STREQ(d2.document_element().child("meta").child_value("fk_language"), "en");
}

TEST(Submission, TheSameResponseGivesTheSameBytesSoAResendIsAReplay) {
    const auto s = demo();
    EXPECT_EQ(to_submission(response(), s.get()).value(), to_submission(response(), s.get()).value());
    auto other = response();
    other["answers"]["people"] = 6;
    EXPECT_NE(to_submission(other, s.get()).value(), to_submission(response(), s.get()).value());
}

TEST(Submission, WithoutItsSurveyTheAnswersGoAsStored) {
    const auto xml = to_submission(response(), nullptr);
    ASSERT_TRUE(xml);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml->c_str()));
    const auto data = doc.document_element();
    EXPECT_STREQ(data.child_value("sources"), "shop elsewhere");
    EXPECT_STREQ(data.child_value("sources_other"), "the <allotment> & friends");
    EXPECT_STREQ(data.child_value("big"), "true");
    EXPECT_FALSE(data.child("comments"));  // not answered, and nothing says it exists
}

TEST(Submission, AResponseThatIsNotTheKiosksJsonIsRefusedWithTheReason) {
    EXPECT_EQ(to_submission(json::array(), nullptr).error(), "the response is not a JSON object");
    auto r = response();
    r.erase("id");
    EXPECT_EQ(to_submission(r, nullptr).error(), "the response has no \"id\"");
    r = response();
    r["answers"] = "yes";
    EXPECT_EQ(to_submission(r, nullptr).error(), "\"answers\" is not an object");
}

}  // namespace
}  // namespace fieldkiosk::xlsform
