#include "core/survey.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace fieldkiosk::core {

namespace {
const std::string k_empty;

constexpr std::array<std::pair<QuestionType, std::string_view>, 8> k_types{{
    {QuestionType::SelectOne, "select_one"},
    {QuestionType::SelectMultiple, "select_multiple"},
    {QuestionType::Integer, "integer"},
    {QuestionType::Decimal, "decimal"},
    {QuestionType::Text, "text"},
    {QuestionType::Scale, "scale"},
    {QuestionType::Note, "note"},
    {QuestionType::Calculate, "calculate"},
}};

constexpr std::array<std::pair<Appearance, std::string_view>, 10> k_appearances{{
    {Appearance::None, ""},
    {Appearance::Likert, "likert"},
    {Appearance::Faces, "faces"},
    {Appearance::Columns, "columns"},
    {Appearance::LongList, "long_list"},
    {Appearance::YesNo, "yes_no"},
    {Appearance::Multiline, "multiline"},
    {Appearance::Keypad, "keypad"},
    {Appearance::Intro, "intro"},
    {Appearance::Signpost, "signpost"},
}};
}  // namespace

const std::string& LocalizedText::get(std::string_view lang, std::string_view fallback) const {
    if (auto it = m_texts.find(lang); it != m_texts.end()) return it->second;
    if (auto it = m_texts.find(fallback); it != m_texts.end()) return it->second;
    if (!m_texts.empty()) return m_texts.begin()->second;
    return k_empty;
}

bool LocalizedText::has(std::string_view lang) const {
    auto it = m_texts.find(lang);
    return it != m_texts.end() && !it->second.empty();
}

std::string_view to_string(QuestionType t) {
    for (const auto& [k, v] : k_types)
        if (k == t) return v;
    return "unknown";
}

std::optional<QuestionType> question_type_from_string(std::string_view s) {
    for (const auto& [k, v] : k_types)
        if (v == s) return k;
    return std::nullopt;
}

std::string_view to_string(Appearance a) {
    for (const auto& [k, v] : k_appearances)
        if (k == a) return v;
    return "unknown";
}

std::optional<Appearance> appearance_from_string(std::string_view s) {
    for (const auto& [k, v] : k_appearances)
        if (v == s) return k;
    return std::nullopt;
}

std::vector<Appearance> appearances_for(QuestionType t) {
    switch (t) {
        case QuestionType::SelectOne:
            return {Appearance::Likert, Appearance::Faces, Appearance::Columns, Appearance::LongList, Appearance::YesNo};
        case QuestionType::SelectMultiple:
            return {Appearance::Columns, Appearance::LongList};
        case QuestionType::Scale:
            return {Appearance::Faces};
        case QuestionType::Text:
            return {Appearance::Multiline};
        case QuestionType::Integer:
        case QuestionType::Decimal:
            return {Appearance::Keypad};
        case QuestionType::Note:
            return {Appearance::Intro, Appearance::Signpost};
        case QuestionType::Calculate:
            return {};
    }
    return {};
}

const Choice* Question::find_choice(std::string_view value) const {
    for (const auto& c : choices)
        if (c.value == value) return &c;
    return nullptr;
}

std::optional<std::size_t> Survey::index_of(std::string_view name) const {
    for (std::size_t i = 0; i < questions.size(); ++i)
        if (questions[i].name == name) return i;
    return std::nullopt;
}

const Question* Survey::find(std::string_view name) const {
    auto i = index_of(name);
    return i ? &questions[*i] : nullptr;
}

const Language* Survey::language(std::string_view code) const {
    for (const auto& l : languages)
        if (l.code == code) return &l;
    return nullptr;
}

std::size_t Survey::shown_question_count() const {
    return static_cast<std::size_t>(std::ranges::count_if(questions, [](const Question& q) { return q.is_shown(); }));
}

}  // namespace fieldkiosk::core
