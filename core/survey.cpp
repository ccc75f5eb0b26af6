#include "core/survey.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace fieldkiosk::core {

namespace {
const std::string k_empty;

constexpr std::array<std::pair<QuestionType, std::string_view>, 11> k_types{{
    {QuestionType::SelectOne, "select_one"},
    {QuestionType::SelectMultiple, "select_multiple"},
    {QuestionType::Integer, "integer"},
    {QuestionType::Decimal, "decimal"},
    {QuestionType::Text, "text"},
    {QuestionType::Scale, "scale"},
    {QuestionType::Note, "note"},
    {QuestionType::Calculate, "calculate"},
    {QuestionType::Acknowledge, "acknowledge"},
    {QuestionType::Date, "date"},
    {QuestionType::Rank, "rank"},
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
        case QuestionType::Acknowledge:
        case QuestionType::Date:
        case QuestionType::Rank:
            return {};
    }
    return {};
}

const std::string* Choice::property(std::string_view key) const {
    auto it = properties.find(key);
    return it == properties.end() ? nullptr : &it->second;
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

std::vector<std::size_t> Survey::trailing_notes() const {
    std::vector<std::size_t> out;
    for (std::size_t i = questions.size(); i-- > 0;) {
        if (!questions[i].is_shown()) continue;
        if (questions[i].type != QuestionType::Note) break;
        out.insert(out.begin(), i);
    }
    return out;
}

namespace {

// A version split for ordering: the leading dotted number ("1.10" of "1.10-fix": digits, then any number
// of "." + digits) and the rest ("-fix"). "abc", "" and ".5" have no leading number; "1..2" is 1 + "..2".
struct SplitVersion {
    std::vector<std::string_view> numbers;  // empty: the version does not start with a digit
    std::string_view rest;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

SplitVersion split_version(std::string_view v) {
    SplitVersion out;
    std::size_t i = 0;
    while (i < v.size() && is_digit(v[i])) {
        const std::size_t start = i;
        while (i < v.size() && is_digit(v[i])) ++i;
        out.numbers.push_back(v.substr(start, i - start));
        // Another part only when a digit follows the dot: "1." is 1 + ".", "1..2" is 1 + "..2".
        if (i + 1 < v.size() && v[i] == '.' && is_digit(v[i + 1]))
            ++i;
        else
            break;
    }
    out.rest = v.substr(i);
    return out;
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

std::strong_ordering compare_bytes(std::string_view a, std::string_view b) { return a.compare(b) <=> 0; }

}  // namespace

// A lexicographic comparison of the key (has a leading number, its parts as whole numbers, then fewer
// parts first, an empty rest before a non-empty one, the rest byte by byte, the whole text byte by
// byte): each step is a total order, so the whole is one, and only equal strings compare equal.
std::strong_ordering compare_versions(std::string_view a, std::string_view b) {
    if (a == b) return std::strong_ordering::equal;
    const SplitVersion sa = split_version(a);
    const SplitVersion sb = split_version(b);
    // Versions with no leading number ("abc", "v3", "") come before every numbered one.
    if (sa.numbers.empty() != sb.numbers.empty())
        return sa.numbers.empty() ? std::strong_ordering::less : std::strong_ordering::greater;
    const std::size_t n = std::min(sa.numbers.size(), sb.numbers.size());
    for (std::size_t i = 0; i < n; ++i)
        if (auto c = compare_numbers(sa.numbers[i], sb.numbers[i]); c != 0) return c;
    if (auto c = sa.numbers.size() <=> sb.numbers.size(); c != 0) return c;  // "1.2" < "1.2.0"
    if (sa.rest.empty() != sb.rest.empty()) return sa.rest.empty() ? std::strong_ordering::less : std::strong_ordering::greater;
    if (auto c = compare_bytes(sa.rest, sb.rest); c != 0) return c;
    return compare_bytes(a, b);  // numerically equal ("1.2", "01.2"): the text decides
}

}  // namespace fieldkiosk::core
