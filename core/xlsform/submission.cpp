#include "core/xlsform/submission.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <sstream>

namespace fieldkiosk::xlsform {

const core::Choice* other_choice(const core::Question& q) {
    if (!q.is_select()) return nullptr;
    for (const auto& c : q.choices)
        if (c.other) return &c;
    return nullptr;
}

std::string other_field(const core::Question& q) { return q.name + "_other"; }

namespace {

using nlohmann::json;

// An answer or calculated value as XForm text: "a b" for a list, numbers as JSON writes them.
std::string text_of(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_array()) {
        std::string out;
        for (const auto& e : v) {
            if (!out.empty()) out += ' ';
            out += e.is_string() ? e.get<std::string>() : e.dump();
        }
        return out;
    }
    if (v.is_null()) return {};
    return v.dump();
}

const json* member(const json& object, const std::string& name) {
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

void add(pugi::xml_node data, const std::string& name, const json* value) {
    auto n = data.append_child(name.c_str());
    if (value != nullptr) n.text() = text_of(*value).c_str();
}

void fields_in_survey_order(pugi::xml_node data, const core::Survey& s, const json& answers, const json& calculated,
                            const json& write_ins) {
    for (const auto& q : s.questions) {
        const json* v = member(answers, q.name);
        add(data, q.name, v != nullptr ? v : member(calculated, q.name));
        if (other_choice(q)) add(data, other_field(q), member(write_ins, q.name));
    }
}

void fields_as_stored(pugi::xml_node data, const json& answers, const json& calculated, const json& write_ins) {
    for (const auto& [name, v] : answers.items()) {
        add(data, name, &v);
        if (const json* w = member(write_ins, name)) add(data, name + "_other", w);
    }
    for (const auto& [name, v] : calculated.items()) add(data, name, &v);
}

std::expected<const json*, std::string> object_member(const json& r, const char* name) {
    const json* m = member(r, name);
    if (m == nullptr) {
        static const json empty = json::object();
        return &empty;
    }
    if (!m->is_object()) return std::unexpected(std::string("\"") + name + "\" is not an object");
    return m;
}

}  // namespace

std::expected<std::string, std::string> to_submission(const json& r, const core::Survey* survey) {
    if (!r.is_object()) return std::unexpected(std::string("the response is not a JSON object"));
    for (const char* key : {"id", "survey", "survey_version"})
        if (const json* v = member(r, key); v == nullptr || !v->is_string() || v->get<std::string>().empty())
            return std::unexpected(std::string("the response has no \"") + key + "\"");
    const auto answers = object_member(r, "answers");
    const auto calculated = object_member(r, "calculated");
    const auto write_ins = object_member(r, "write_ins");
    for (const auto* m : {&answers, &calculated, &write_ins})
        if (!*m) return std::unexpected(m->error());

    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto data = doc.append_child("data");
    data.append_attribute("id") = r["survey"].get<std::string>().c_str();
    data.append_attribute("version") = r["survey_version"].get<std::string>().c_str();
    data.append_attribute("xmlns:orx") = "http://openrosa.org/xforms";
    if (survey != nullptr)
        fields_in_survey_order(data, *survey, **answers, **calculated, **write_ins);
    else
        fields_as_stored(data, **answers, **calculated, **write_ins);
    auto meta = data.append_child("meta");
    meta.append_child("instanceID").text() = ("uuid:" + r["id"].get<std::string>()).c_str();
    for (const auto& [field, key] : {std::pair{"timeStart", "started_at"}, std::pair{"timeEnd", "completed_at"}})
        if (const json* t = member(r, key); t != nullptr && t->is_string()) meta.append_child(field).text() = t->get<std::string>().c_str();
    for (const auto& f : k_response_meta) {  // always present, empty when the response has none (as the instance)
        auto n = meta.append_child(f.element);
        if (const json* v = member(r, f.key); v != nullptr && v->is_string()) n.text() = v->get<std::string>().c_str();
    }
    std::ostringstream out;
    doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
    return out.str();
}

}  // namespace fieldkiosk::xlsform
