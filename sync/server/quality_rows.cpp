#include "sync/server/quality_rows.hpp"

#include "core/json_view.hpp"
#include "sync/server/fleet.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace fieldkiosk::sync::server {

namespace {

namespace jv = core::json_view;

// The straight-lining item of question `q` answered `a`: a scale's value, a likert option's place (from 1).
std::optional<std::int64_t> scale_item(const core::Question& q, const jv::Node& a) {
    if (q.type == core::QuestionType::Scale) return jv::integer_of(a);
    if (q.type != core::QuestionType::SelectOne || q.appearance != core::Appearance::Likert || a.type != jv::Type::String)
        return std::nullopt;
    const auto it = std::ranges::find_if(q.choices, [&](const core::Choice& c) { return jv::text_equals(a, c.value); });
    if (it == q.choices.end()) return std::nullopt;
    return static_cast<std::int64_t>(it - q.choices.begin()) + 1;
}

}  // namespace

std::optional<std::int64_t> unix_seconds(std::string_view iso) {
    const auto t = parse_utc(iso);
    if (!t) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
}

QualityInput quality_input(const ExportRow& row, const core::Survey* survey, bool* known) {
    QualityInput in;
    in.id = row.id;
    in.kiosk = row.kiosk;
    const auto completed = unix_seconds(row.completed_at);
    if (known) *known = completed.has_value();
    in.completed_at_s = completed.value_or(0);
    // Read in place (core/json_view): this pass runs over every stored response before each report and export.
    const auto p = jv::parse(row.payload);
    const auto object = p && p->type == jv::Type::Object ? p : std::nullopt;
    std::optional<std::int64_t> started;
    std::optional<jv::Node> answers;
    if (object)
        jv::members(*object, [&](std::string_view key, const jv::Node& v) {
            if (jv::key_equals(key, "started_at"))
                started = v.type == jv::Type::String ? unix_seconds(jv::text_of(v)) : std::nullopt;
            else if (jv::key_equals(key, "sealed"))
                in.sealed = v.type == jv::Type::Object;  // seal::is_sealed
            else if (jv::key_equals(key, "answers"))
                answers = v;
            return true;
        });
    // Unknown start: as if started long before, so that the response is never too_fast.
    in.started_at_s = started.value_or(std::numeric_limits<std::int32_t>::min());
    if (in.sealed || !answers || answers->type != jv::Type::Object) return in;
    // Each answer hashed as its question's name and its value's exact stored text: the receiver stores the
    // canonical form (protocol::canonical, nlohmann's dump), so equal answers are equal texts.
    // One walk over the answers: each hashed, and the scale items kept with their question's place in the survey.
    std::vector<std::pair<std::size_t, std::int64_t>> items;
    std::string scratch;
    jv::members(*answers, [&](std::string_view raw_key, const jv::Node& value) {
        const std::string_view key = jv::key_text(raw_key, scratch);
        in.answer_hashes.push_back(answer_hash(key, value.raw));
        if (survey)
            if (const auto i = survey->index_of(key))
                if (auto item = scale_item(survey->questions[*i], value)) items.emplace_back(*i, *item);
        return true;
    });
    std::ranges::sort(in.answer_hashes);
    std::ranges::sort(items);  // the survey's order, as the straight-lining check reads them
    for (const auto& [_, item] : items) in.scale_answers.push_back(item);
    return in;
}

void ResponseFlags::add(const ExportRow& row) {
    bool known = false;
    auto in = quality_input(row, m_survey, &known);
    if (known) m_inputs.push_back(std::move(in));
}

void ResponseFlags::finish() {
    const auto results = compute_quality(m_inputs, m_settings);
    for (std::size_t i = 0; i < results.size(); ++i)
        if (results[i].flags != 0) m_flags.insert_or_assign(m_inputs[i].id, results[i]);
    m_flagged = static_cast<std::int64_t>(m_flags.size());
    m_inputs = {};
}

const QualityResult* ResponseFlags::find(std::string_view id) const {
    const auto it = m_flags.find(std::string(id));
    return it == m_flags.end() ? nullptr : &it->second;
}

SResult<ResponseFlags> flag_survey(Storage& storage, std::string_view survey, const core::Survey* definition,
                                   const QualitySettings& settings) {
    ResponseFlags flags(settings, definition);
    auto read = storage.for_each_response(survey, [&flags](const ExportRow& row) {
        flags.add(row);
        return true;
    });
    if (!read) return std::unexpected(read.error());
    flags.finish();
    return flags;
}

}  // namespace fieldkiosk::sync::server
