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

namespace {

// "1.10.2" -> {"1", "10", "2"}; nullopt unless every part is one or more ASCII digits.
std::optional<std::vector<std::string_view>> dotted_numbers(std::string_view v) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto dot = v.find('.', start);
        const auto part = v.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (part.empty() || !std::ranges::all_of(part, [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
        parts.push_back(part);
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

// Whole numbers written in decimal, of any length: fewer significant digits is smaller.
std::strong_ordering compare_numbers(std::string_view a, std::string_view b) {
    const auto strip = [](std::string_view s) {
        const auto first = s.find_first_not_of('0');
        return first == std::string_view::npos ? std::string_view{} : s.substr(first);
    };
    a = strip(a);
    b = strip(b);
    if (a.size() != b.size()) return a.size() <=> b.size();
    return a.compare(b) <=> 0;
}

}  // namespace

std::strong_ordering compare_versions(std::string_view a, std::string_view b) {
    if (a == b) return std::strong_ordering::equal;
    const auto na = dotted_numbers(a);
    const auto nb = dotted_numbers(b);
    if (na && nb) {
        const std::size_t n = std::max(na->size(), nb->size());
        for (std::size_t i = 0; i < n; ++i) {
            const std::string_view pa = i < na->size() ? (*na)[i] : std::string_view("0");
            const std::string_view pb = i < nb->size() ? (*nb)[i] : std::string_view("0");
            if (auto c = compare_numbers(pa, pb); c != 0) return c;
        }
    }
    return a.compare(b) <=> 0;
}

}  // namespace fieldkiosk::core
