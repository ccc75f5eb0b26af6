#include "sync/server/validator.hpp"

#include "core/answer.hpp"
#include "seal/sealed_box.hpp"

#include <algorithm>
#include <utility>

namespace fieldkiosk::sync::server {

using nlohmann::json;

namespace {

std::optional<std::string> check_answer(const core::Question& q, const json& value) {
    auto a = core::answer_from_json(q, value);
    if (!a) return "answer to '" + q.name + "': " + a.error();
    const auto bad_choice = [&](const std::string& v) -> std::optional<std::string> {
        if (q.find_choice(v) == nullptr) return "answer to '" + q.name + "': '" + v + "' is not one of its choices";
        return std::nullopt;
    };
    switch (q.type) {
        case core::QuestionType::SelectOne:
            if (const auto* s = std::get_if<std::string>(&a->data)) return bad_choice(*s);
            break;
        case core::QuestionType::SelectMultiple:
            if (const auto* v = std::get_if<std::vector<std::string>>(&a->data))
                for (const auto& one : *v)
                    if (auto e = bad_choice(one)) return e;
            break;
        case core::QuestionType::Rank:  // each a choice, none twice
            if (const auto* v = std::get_if<std::vector<std::string>>(&a->data))
                for (std::size_t i = 0; i < v->size(); ++i) {
                    if (auto e = bad_choice((*v)[i])) return e;
                    if (std::find(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(i), (*v)[i]) != v->begin() + static_cast<std::ptrdiff_t>(i))
                        return "answer to '" + q.name + "': '" + (*v)[i] + "' is ranked twice";
                }
            break;
        case core::QuestionType::Acknowledge:
            if (const auto* s = std::get_if<std::string>(&a->data); s && *s != "OK")
                return "answer to '" + q.name + "': an acknowledge question takes only \"OK\"";
            break;
        case core::QuestionType::Scale:
            if (const auto* n = std::get_if<std::int64_t>(&a->data); n && (*n < q.scale_min || *n > q.scale_max))
                return "answer to '" + q.name + "': " + std::to_string(*n) + " is outside " + std::to_string(q.scale_min) + ".." +
                       std::to_string(q.scale_max);
            break;
        case core::QuestionType::Text:
            if (const auto* s = std::get_if<std::string>(&a->data); s && s->size() > static_cast<std::size_t>(q.max_length) * 4)
                return "answer to '" + q.name + "' is longer than the question allows";
            break;
        default:
            break;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> Validator::check(const protocol::WireItem& item) const {
    auto p = judge(item);
    if (!p) return std::nullopt;
    return std::move(p->reason);
}

std::optional<Validator::Problem> Validator::judge(const protocol::WireItem& item) const {
    const auto reject = [](std::string why) { return Problem{std::move(why), false}; };
    const auto later = [](const std::string& why) {
        return Problem{std::string(protocol::k_reason_unknown_survey_version) + ": " + why, true};
    };
    if (item.encoding != "json" && item.encoding != seal::k_encoding)
        return reject("encoding '" + item.encoding + "' is not supported by this server (only 'json' and '" +
                      std::string(seal::k_encoding) + "')");
    const auto current = m_catalog.find(item.survey);
    if (!current) return later("unknown survey '" + item.survey + "'");
    // Every version the server was given is accepted, old ones included: responses queued on a kiosk
    // before it picked up a new version are still made with the old one.
    const auto survey = m_catalog.find(item.survey, item.survey_version);
    if (!survey) {
        std::string known;
        for (const auto& s : m_catalog.surveys)
            if (s->id == item.survey) known += (known.empty() ? "'" : ", '") + s->version + "'";
        return later("unknown version '" + item.survey_version + "' of survey '" + item.survey + "' (this server has version " +
                     known + ")");
    }
    if (auto e = check_payload(*survey, item)) return reject(std::move(*e));
    return std::nullopt;
}

std::optional<std::string> Validator::check_payload(const core::Survey& survey, const protocol::WireItem& item) const {
    const json& p = item.payload;
    if (!p.is_object()) return "the payload is not a JSON object";
    const auto str = [&](const char* key) -> std::string {
        auto it = p.find(key);
        return it != p.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (str("id") != item.id) return "the payload's id does not match the item's id";
    if (str("survey") != item.survey || str("survey_version") != item.survey_version)
        return "the payload's survey or version does not match the item's";
    if (str("completed_at").empty()) return "the payload has no completed_at time";
    const std::string which = "survey '" + item.survey + "' version '" + item.survey_version + "'";
    if (item.encoding == seal::k_encoding) {
        // Sealed: the receiver holds no key, so it checks the envelope and the key it was sealed to, not the answers.
        if (!survey.encryption) return which + " names no key; a sealed response of it cannot be right";
        if (auto e = seal::check_envelope(p)) return *e;
        if (const std::string key = p["sealed"]["key_id"]; key != survey.encryption->key_id)
            return "sealed to key '" + key + "', but " + which + " names key '" + survey.encryption->key_id + "'";
        return std::nullopt;
    }
    if (survey.encryption)  // the server must never hold the answers of a sealed survey in clear
        return which + " is sealed (key '" + survey.encryption->key_id + "'); a response with its answers in clear is refused";
    auto answers = p.find("answers");
    if (answers == p.end() || !answers->is_object()) return "the payload has no answers object";
    for (const auto& [name, value] : answers->items()) {
        const core::Question* q = survey.find(name);
        if (q == nullptr || !q->takes_answer())
            return "'" + name + "' is not a question of survey '" + item.survey + "' that takes an answer";
        if (auto e = check_answer(*q, value)) return e;
    }
    return std::nullopt;
}

}  // namespace fieldkiosk::sync::server
