// Survey -> ODK XForm. Index: expressions · itext · instance · binds · body · document
#include "core/xlsform/xform.hpp"

#include "core/xlsform/header.hpp"
#include "core/xlsform/submission.hpp"

#include <pugixml.hpp>

#include <map>
#include <sstream>
#include <utility>

namespace fieldkiosk::xlsform {

std::string xpath_of(std::string_view e) {
    std::string out;
    char quote = 0;
    for (std::size_t i = 0; i < e.size(); ++i) {
        const char c = e[i];
        if (quote != 0) {
            if (c == quote) quote = 0;
            out += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            out += c;
        } else if (c == '$' && i + 1 < e.size() && e[i + 1] == '{') {
            const auto close = e.find('}', i);
            if (close == std::string_view::npos) {
                out += e.substr(i);
                break;
            }
            out += " /data/" + std::string(e.substr(i + 2, close - i - 2)) + " ";
            i = close;
        } else {
            out += c;
        }
    }
    return out;
}

namespace {

using core::QuestionType;

std::string lang_of(const core::Language& l) { return detail::language_header(l.name, l.code); }

struct Lists {
    std::vector<std::pair<std::string, const std::vector<core::Choice>*>> lists;  // name, choices
    std::map<std::string, std::string> of_question;                                  // question -> list name
};

Lists choice_lists(const core::Survey& s) {
    Lists out;
    for (const auto& q : s.questions) {
        if (!q.is_select()) continue;
        std::string name = q.name;
        for (const auto& [n, choices] : out.lists)
            if (std::ranges::equal(*choices, q.choices, [](const core::Choice& a, const core::Choice& b) {
                    return a.value == b.value && a.label.texts() == b.label.texts() && a.properties == b.properties;
                }))
                name = n;
        if (name == q.name) out.lists.emplace_back(q.name, &q.choices);
        out.of_question[q.name] = name;
    }
    return out;
}

void add_text(pugi::xml_node translation, const std::string& id, const std::string& value) {
    auto t = translation.append_child("text");
    t.append_attribute("id") = id.c_str();
    t.append_child("value").text() = value.c_str();
}

void itext(pugi::xml_node model, const core::Survey& s, const Lists& lists) {
    auto it = model.append_child("itext");
    for (const auto& l : s.languages) {
        auto tr = it.append_child("translation");
        tr.append_attribute("lang") = lang_of(l).c_str();
        if (l.code == s.default_language) tr.append_attribute("default") = "true()";
        for (const auto& [name, choices] : lists.lists)
            for (std::size_t i = 0; i < choices->size(); ++i)
                add_text(tr, name + "-" + std::to_string(i), (*choices)[i].label.get(l.code, s.default_language));
        for (const auto& q : s.questions) {
            const auto path = "/data/" + q.name;
            if (!q.label.empty()) add_text(tr, path + ":label", q.label.get(l.code, s.default_language));
            if (!q.hint.empty()) add_text(tr, path + ":hint", q.hint.get(l.code, s.default_language));
            if (!q.constraint_message.empty()) add_text(tr, path + ":jr:constraintMsg", q.constraint_message.get(l.code, s.default_language));
            if (!q.required_message.empty()) add_text(tr, path + ":jr:requiredMsg", q.required_message.get(l.code, s.default_language));
        }
    }
}

void instances(pugi::xml_node model, const core::Survey& s, const Lists& lists) {
    auto data = model.append_child("instance").append_child("data");
    data.append_attribute("id") = s.id.c_str();
    data.append_attribute("version") = s.version.c_str();
    for (const auto& q : s.questions) {
        auto n = data.append_child(q.name.c_str());
        if (q.default_value) n.text() = q.default_value->c_str();
        if (other_choice(q)) data.append_child(other_field(q).c_str());
    }
    auto meta = data.append_child("meta");
    meta.append_child("instanceID");
    meta.append_child("timeStart");
    meta.append_child("timeEnd");
    for (const auto& f : k_response_meta) meta.append_child(f.element);
    for (const auto& [name, choices] : lists.lists) {
        auto inst = model.append_child("instance");
        inst.append_attribute("id") = name.c_str();
        auto root = inst.append_child("root");
        for (std::size_t i = 0; i < choices->size(); ++i) {
            auto item = root.append_child("item");
            item.append_child("itextId").text() = (name + "-" + std::to_string(i)).c_str();
            item.append_child("name").text() = (*choices)[i].value.c_str();
            for (const auto& [key, text] : (*choices)[i].properties)  // what a choice_filter reads, as pyxform writes it
                item.append_child(key.c_str()).text() = text.c_str();
        }
    }
}

const char* bind_type(QuestionType t) {
    switch (t) {
    case QuestionType::Integer:
    case QuestionType::Scale: return "int";
    case QuestionType::Decimal: return "decimal";
    case QuestionType::Date: return "date";
    case QuestionType::Rank: return "odk:rank";
    default: return "string";
    }
}

void binds(pugi::xml_node model, const core::Survey& s) {
    for (const auto& q : s.questions) {
        const auto path = "/data/" + q.name;
        auto b = model.append_child("bind");
        b.append_attribute("nodeset") = path.c_str();
        b.append_attribute("type") = bind_type(q.type);
        if (q.type == QuestionType::Note) b.append_attribute("readonly") = "true()";
        if (q.calculation) b.append_attribute("calculate") = xpath_of(q.calculation->text()).c_str();
        if (q.required) b.append_attribute("required") = "true()";
        if (q.relevant) b.append_attribute("relevant") = xpath_of(q.relevant->text()).c_str();
        if (q.constraint) b.append_attribute("constraint") = xpath_of(q.constraint->text()).c_str();
        if (!q.constraint_message.empty())
            b.append_attribute("jr:constraintMsg") = ("jr:itext('" + path + ":jr:constraintMsg')").c_str();
        if (!q.required_message.empty()) b.append_attribute("jr:requiredMsg") = ("jr:itext('" + path + ":jr:requiredMsg')").c_str();
        if (const auto* other = other_choice(q)) {  // as pyxform writes or_other's text field
            auto w = model.append_child("bind");
            w.append_attribute("nodeset") = ("/data/" + other_field(q)).c_str();
            w.append_attribute("type") = "string";
            w.append_attribute("relevant") = ("selected(../" + q.name + ", '" + other->value + "')").c_str();
        }
    }
    auto id = model.append_child("bind");
    id.append_attribute("nodeset") = "/data/meta/instanceID";
    id.append_attribute("type") = "string";
    id.append_attribute("readonly") = "true()";
    id.append_attribute("jr:preload") = "uid";
    // The OpenRosa metadata the kiosk fills in from the response (submission.cpp).
    for (const auto& [field, when] : {std::pair{"timeStart", "start"}, std::pair{"timeEnd", "end"}}) {
        auto t = model.append_child("bind");
        t.append_attribute("nodeset") = (std::string("/data/meta/") + field).c_str();
        t.append_attribute("type") = "dateTime";
        t.append_attribute("jr:preload") = "timestamp";
        t.append_attribute("jr:preloadParams") = when;
    }
    // Site, mode and language of the response: hidden, filled by the kiosk (submission.hpp, k_response_meta).
    for (const auto& f : k_response_meta) {
        auto m = model.append_child("bind");
        m.append_attribute("nodeset") = (std::string("/data/meta/") + f.element).c_str();
        m.append_attribute("type") = "string";
    }
}

void body(pugi::xml_node html, const core::Survey& s, const Lists& lists) {
    auto b = html.append_child("h:body");
    for (const auto& q : s.questions) {
        if (q.type == QuestionType::Calculate) continue;
        const auto path = "/data/" + q.name;
        const char* control = q.type == QuestionType::SelectOne ? "select1" : q.type == QuestionType::SelectMultiple ? "select"
                              : q.type == QuestionType::Scale                                                    ? "range"
                              : q.type == QuestionType::Acknowledge                                              ? "trigger"
                              : q.type == QuestionType::Rank                                                     ? "odk:rank"
                                                                                                                 : "input";
        auto c = b.append_child(control);
        c.append_attribute("ref") = path.c_str();
        if (q.appearance != core::Appearance::None) c.append_attribute("appearance") = std::string(core::to_string(q.appearance)).c_str();
        if (q.type == QuestionType::Scale) {
            c.append_attribute("start") = std::to_string(q.scale_min).c_str();
            c.append_attribute("end") = std::to_string(q.scale_max).c_str();
            c.append_attribute("step") = "1";
        }
        if (!q.label.empty()) c.append_child("label").append_attribute("ref") = ("jr:itext('" + path + ":label')").c_str();
        if (!q.hint.empty()) c.append_child("hint").append_attribute("ref") = ("jr:itext('" + path + ":hint')").c_str();
        if (q.is_select()) {
            auto is = c.append_child("itemset");
            // A choice_filter becomes the items' predicate, ${q} made a path as pyxform does: "item[ /data/state =cf]".
            const auto filter = q.choice_filter ? "[" + xpath_of(q.choice_filter->text()) + "]" : std::string();
            is.append_attribute("nodeset") = ("instance('" + lists.of_question.at(q.name) + "')/root/item" + filter).c_str();
            is.append_child("value").append_attribute("ref") = "name";
            is.append_child("label").append_attribute("ref") = "jr:itext(itextId)";
        }
        if (other_choice(q)) {
            auto w = b.append_child("input");
            w.append_attribute("ref") = ("/data/" + other_field(q)).c_str();
            w.append_child("label").text() = "Specify other.";
        }
    }
}

}  // namespace

std::string to_xform(const core::Survey& s) {
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    auto html = doc.append_child("h:html");
    html.append_attribute("xmlns") = "http://www.w3.org/2002/xforms";
    html.append_attribute("xmlns:h") = "http://www.w3.org/1999/xhtml";
    html.append_attribute("xmlns:ev") = "http://www.w3.org/2001/xml-events";
    html.append_attribute("xmlns:xsd") = "http://www.w3.org/2001/XMLSchema";
    html.append_attribute("xmlns:jr") = "http://openrosa.org/javarosa";
    html.append_attribute("xmlns:orx") = "http://openrosa.org/xforms";
    html.append_attribute("xmlns:odk") = "http://www.opendatakit.org/xforms";
    auto head = html.append_child("h:head");
    head.append_child("h:title").text() = s.title.get(s.default_language).c_str();
    auto model = head.append_child("model");
    model.append_attribute("odk:xforms-version") = "1.0.0";
    const auto lists = choice_lists(s);
    itext(model, s, lists);
    instances(model, s, lists);
    binds(model, s);
    body(html, s, lists);
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

}  // namespace fieldkiosk::xlsform
