// core/xlsform/xform.cpp: the ODK XForm of a survey, checked for pyxform's shape on every shipped survey
// and compared with pyxform's own XForms of the corpus forms the kiosk imports (../shared/xlsforms).
#include "core/loader.hpp"
#include "core/xlsform/import.hpp"
#include "core/xlsform/submission.hpp"
#include "core/xlsform/xform.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <filesystem>
#include <map>
#include <set>

namespace fieldkiosk::xlsform {
namespace {

namespace fs = std::filesystem;

TEST(XForm, ReferencesBecomePyxformPaths) {
    EXPECT_EQ(xpath_of("${age} > 3"), " /data/age  > 3");
    EXPECT_EQ(xpath_of("selected(${q}, 'a') and ${r} != '${x}'"), "selected( /data/q , 'a') and  /data/r  != '${x}'");
    EXPECT_EQ(xpath_of(". < 10"), ". < 10");
    EXPECT_EQ(xpath_of("${broken"), "${broken");
}

// What an XForm says about each field, by its element name (groups are flattened: the kiosk has none).
struct Fields {
    std::vector<std::string> order;                      // leaf elements of the primary instance, meta excluded
    std::map<std::string, std::map<std::string, std::string>> binds;  // name -> attribute -> value
    std::map<std::string, std::vector<std::string>> choices;          // select name -> choice values
    std::map<std::string, std::string> filters;                       // select name -> the itemset's predicate
    std::string id, version;
};

std::string leaf(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

void leaves(pugi::xml_node n, std::vector<std::string>& out) {
    for (auto c : n.children()) {
        if (c.type() != pugi::node_element || std::string_view(c.name()) == "meta") continue;
        if (c.first_child() && c.first_child().type() == pugi::node_element) leaves(c, out);
        else out.emplace_back(c.name());
    }
}

Fields fields_of(const pugi::xml_document& doc) {
    Fields f;
    const auto model = doc.child("h:html").child("h:head").child("model");
    std::map<std::string, pugi::xml_node> instances;
    for (auto inst : model.children("instance")) {
        if (inst.attribute("id")) instances[inst.attribute("id").value()] = inst;
        else {
            const auto data = inst.first_child();
            f.id = data.attribute("id").value();
            f.version = data.attribute("version").value();
            leaves(data, f.order);
        }
    }
    for (auto b : model.children("bind")) {
        auto& attrs = f.binds[leaf(b.attribute("nodeset").value())];
        for (auto a : b.attributes()) attrs[a.name()] = a.value();
    }
    for (auto x : doc.select_nodes("//select1 | //select")) {
        const auto node = x.node();
        std::string list = node.child("itemset").attribute("nodeset").value();  // instance('LIST')/root/item
        f.filters[leaf(node.attribute("ref").value())] = list.substr(list.find("/root/item") + 10);  // "[cf = ...]" or ""
        list = list.substr(10, list.find('\'', 10) - 10);
        auto& values = f.choices[leaf(node.attribute("ref").value())];
        for (auto item : instances[list].child("root").children("item")) values.emplace_back(item.child_value("name"));
    }
    return f;
}

TEST(XForm, EveryShippedSurveyHasPyxformsShape) {
    const fs::path defs[] = {FIELDKIOSK_SURVEY_DEFS_DIR};
    const auto catalog = core::load_paths(defs);
    ASSERT_GE(catalog.surveys.size(), 5U);
    for (const auto& s : catalog.surveys) {
        SCOPED_TRACE(s->id);
        pugi::xml_document doc;
        ASSERT_TRUE(doc.load_string(to_xform(*s).c_str()));
        const auto f = fields_of(doc);
        EXPECT_EQ(f.id, s->id);
        EXPECT_EQ(f.version, s->version);
        // Every question, each select with a write-in choice followed by its NAME_other text field (pyxform's or_other).
        std::vector<std::string> expected;
        for (const auto& q : s->questions) {
            expected.push_back(q.name);
            if (other_choice(q)) expected.push_back(q.name + "_other");
        }
        EXPECT_EQ(f.order, expected);
        EXPECT_EQ(f.binds.at("timeEnd").at("jr:preloadParams"), "end");
        EXPECT_EQ(f.binds.at("instanceID").at("jr:preload"), "uid");
        for (const char* m : {"fk_site", "fk_mode", "fk_language"}) {  // the response's metadata, hidden strings
            ASSERT_TRUE(f.binds.contains(m)) << m;
            EXPECT_EQ(f.binds.at(m).at("type"), "string") << m;
            EXPECT_EQ(f.binds.at(m).at("nodeset"), std::string("/data/meta/") + m);
        }
        const auto model = doc.child("h:html").child("h:head").child("model");
        std::set<std::string> itext_ids;
        std::size_t translations = 0;
        for (auto tr : model.child("itext").children("translation")) {
            ++translations;
            for (auto t : tr.children("text")) itext_ids.insert(t.attribute("id").value());
        }
        EXPECT_EQ(translations, s->languages.size());
        for (std::size_t i = 0; i < s->questions.size(); ++i) {
            const auto& q = s->questions[i];
            const auto& b = f.binds.at(q.name);
            EXPECT_EQ(b.at("type"), q.type == core::QuestionType::Integer || q.type == core::QuestionType::Scale ? "int"
                                    : q.type == core::QuestionType::Decimal                                     ? "decimal"
                                                                                                                : "string");
            EXPECT_EQ(b.contains("required"), q.required) << q.name;
            EXPECT_EQ(b.contains("relevant"), q.relevant.has_value()) << q.name;
            EXPECT_EQ(b.contains("constraint"), q.constraint.has_value()) << q.name;
            if (!q.label.empty()) {
                EXPECT_TRUE(itext_ids.contains("/data/" + q.name + ":label")) << q.name;
            }
            if (q.is_select()) {
                ASSERT_TRUE(f.choices.contains(q.name)) << q.name;
                ASSERT_EQ(f.choices.at(q.name).size(), q.choices.size()) << q.name;
                for (std::size_t c = 0; c < q.choices.size(); ++c) EXPECT_EQ(f.choices.at(q.name)[c], q.choices[c].value);
            }
        }
    }
}

// Issue 12: acknowledge is pyxform's: a string bind and a <trigger> control with its label.
TEST(XForm, AcknowledgeIsAStringBindWithATrigger) {
    const auto r = core::load_survey_text(R"({"survey": "ack", "version": "1", "default_language": "en",
      "languages": [{"code": "en", "name": "English", "status": "complete"}],
      "title": {"en": "Ack"}, "description": {"en": "d"}, "estimated_minutes": 1,
      "questions": [{"type": "acknowledge", "name": "agree", "label": {"en": "I have read the notice."}, "required": true}]})",
                                          "ack.json");
    ASSERT_TRUE(r.ok());
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(to_xform(*r.survey).c_str()));
    const auto f = fields_of(doc);
    EXPECT_EQ(f.order, std::vector<std::string>{"agree"});
    EXPECT_EQ(f.binds.at("agree").at("type"), "string");
    EXPECT_EQ(f.binds.at("agree").at("required"), "true()");
    const auto trigger = doc.select_node("//h:body/trigger").node();
    ASSERT_TRUE(trigger);
    EXPECT_STREQ(trigger.attribute("ref").value(), "/data/agree");
    EXPECT_STREQ(trigger.child("label").attribute("ref").value(), "jr:itext('/data/agree:label')");
    EXPECT_FALSE(doc.select_node("//h:body/input"));
}

// Issue 12: a date is pyxform's: a `date` bind and an <input>.
TEST(XForm, DateIsADateBindWithAnInput) {
    const auto r = core::load_survey_text(R"({"survey": "dates", "version": "1", "default_language": "en",
      "languages": [{"code": "en", "name": "English", "status": "complete"}],
      "title": {"en": "Dates"}, "description": {"en": "d"}, "estimated_minutes": 1,
      "questions": [{"type": "date", "name": "born", "label": {"en": "When were you born?"}, "constraint": ". <= '2026-12-31'"}]})",
                                          "dates.json");
    ASSERT_TRUE(r.ok());
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(to_xform(*r.survey).c_str()));
    const auto f = fields_of(doc);
    EXPECT_EQ(f.binds.at("born").at("type"), "date");
    EXPECT_EQ(f.binds.at("born").at("constraint"), ". <= '2026-12-31'");
    EXPECT_STREQ(doc.select_node("//h:body/input").node().attribute("ref").value(), "/data/born");
}

// Issue 12: a rank is pyxform's: an odk:rank bind and an <odk:rank> control over its list; the submission sends
// the values in the resident's order, separated by spaces.
TEST(XForm, RankIsAnOdkRankControlAndItsSubmissionKeepsTheOrder) {
    const auto r = core::load_survey_text(R"({"survey": "ranks", "version": "1", "default_language": "en",
      "languages": [{"code": "en", "name": "English", "status": "complete"}],
      "title": {"en": "Ranks"}, "description": {"en": "d"}, "estimated_minutes": 1,
      "questions": [{"type": "rank", "name": "priorities", "label": {"en": "What matters most?"},
                     "choices": [{"value": "parks", "label": {"en": "Parks"}}, {"value": "buses", "label": {"en": "Buses"}}]}]})",
                                          "ranks.json");
    ASSERT_TRUE(r.ok());
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(to_xform(*r.survey).c_str()));
    const auto f = fields_of(doc);
    EXPECT_EQ(f.binds.at("priorities").at("type"), "odk:rank");
    const auto control = doc.select_node("//h:body/odk:rank").node();
    ASSERT_TRUE(control);
    EXPECT_STREQ(control.attribute("ref").value(), "/data/priorities");
    EXPECT_STREQ(control.child("itemset").attribute("nodeset").value(), "instance('priorities')/root/item");
    const nlohmann::json response = {{"id", "r-1"}, {"survey", "ranks"}, {"survey_version", "1"},
                                      {"answers", {{"priorities", {"buses", "parks"}}}}};
    const auto xml = to_submission(response, r.survey.get());
    ASSERT_TRUE(xml) << xml.error();
    pugi::xml_document sub;
    ASSERT_TRUE(sub.load_string(xml->c_str()));
    EXPECT_STREQ(sub.document_element().child_value("priorities"), "buses parks");
}

// Issue 12: a choice_filter is the itemset's predicate, written as pyxform writes it (corpus choice_filter_test:
// "instance('counties')/root/item[ /data/state =cf]"), and the choices' properties are elements of their items.
TEST(XForm, AChoiceFilterIsTheItemsetsPredicateOverItemsCarryingTheProperties) {
    const auto r = core::load_survey_text(R"({"survey": "wards", "version": "1", "default_language": "en",
      "languages": [{"code": "en", "name": "English", "status": "complete"}],
      "title": {"en": "Wards"}, "description": {"en": "d"}, "estimated_minutes": 1,
      "questions": [{"type": "select_one", "name": "borough", "label": {"en": "Borough?"},
                     "choices": [{"value": "camden", "label": {"en": "Camden"}}, {"value": "islington", "label": {"en": "Islington"}}]},
                    {"type": "select_one", "name": "ward", "label": {"en": "Ward?"}, "choice_filter": "${borough}=borough",
                     "choices": [{"value": "kentish_town", "label": {"en": "Kentish Town"}, "properties": {"borough": "camden"}},
                                 {"value": "highbury", "label": {"en": "Highbury"}, "properties": {"borough": "islington"}}]}]})",
                                          "wards.json");
    ASSERT_TRUE(r.ok());
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(to_xform(*r.survey).c_str()));
    const auto ward = doc.select_node("//select1[@ref='/data/ward']/itemset").node();
    EXPECT_STREQ(ward.attribute("nodeset").value(), "instance('ward')/root/item[ /data/borough =borough]");
    const auto borough = doc.select_node("//select1[@ref='/data/borough']/itemset").node();
    EXPECT_STREQ(borough.attribute("nodeset").value(), "instance('borough')/root/item");
    const auto item = doc.select_node("//instance[@id='ward']/root/item[name='highbury']").node();
    EXPECT_STREQ(item.child_value("borough"), "islington");
}

TEST(XForm, CorpusFormsGiveTheSameFieldsAsPyxform) {
    const auto corpus = fs::path(FIELDKIOSK_SOURCE_DIR) / ".." / "shared" / "xlsforms";
    if (!fs::is_directory(corpus)) GTEST_SKIP() << "the XLSForm corpus is not at " << corpus << " (a plain clone has no ../shared)";
    std::size_t compared = 0;
    for (const auto& e : fs::directory_iterator(corpus)) {
        if (e.path().extension() != ".xlsx") continue;
        const auto r = import_file(e.path());
        if (!r.ok()) continue;  // refused: XlsformCorpus checks where
        SCOPED_TRACE(e.path().filename().string());
        const auto loaded = core::load_survey_text(r.survey.dump(), "corpus.json");
        ASSERT_TRUE(loaded.ok());
        pugi::xml_document ours, theirs;
        ASSERT_TRUE(ours.load_string(to_xform(*loaded.survey).c_str()));
        ASSERT_TRUE(theirs.load_file(fs::path(e.path()).replace_extension(".xml").c_str()));
        const auto a = fields_of(ours);
        const auto b = fields_of(theirs);
        EXPECT_EQ(a.order, b.order);
        for (const auto& name : b.order) {
            SCOPED_TRACE(name);
            ASSERT_TRUE(a.binds.contains(name));
            for (const char* attr : {"type", "required", "readonly", "calculate", "constraint"}) {
                const auto& x = a.binds.at(name);
                const auto& y = b.binds.at(name);
                EXPECT_EQ(x.contains(attr) ? x.at(attr) : "", y.contains(attr) ? y.at(attr) : "") << attr;
            }
        }
        EXPECT_EQ(a.choices, b.choices);
        EXPECT_EQ(a.filters, b.filters);  // choice_filter: the same predicate, ${q} made a path
        ++compared;
    }
    EXPECT_GE(compared, 5U);
}

}  // namespace
}  // namespace fieldkiosk::xlsform
