// fieldkiosk::core survey model — what a loaded, validated survey definition is.
//
// Index:
//   LocalizedText   language code -> text
//   QuestionType, Appearance, Choice, Question
//   Language, Source, Survey
//   compare_versions  how two survey versions ("1.2", "2026-11-01") order: the newest is "current"
//
// A Survey is built only by the loader (loader.hpp), which guarantees the invariants stated here; it
// is immutable afterwards and shared between threads as std::shared_ptr<const Survey>.
// The file format is documented in docs/survey_format.md.
#pragma once

#include "core/expression.hpp"

#include <compare>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::core {

class LocalizedText {
public:
    LocalizedText() = default;
    explicit LocalizedText(std::map<std::string, std::string, std::less<>> texts) : m_texts(std::move(texts)) {}

    // The text in `lang`, else in `fallback`, else any text, else "". Never throws.
    [[nodiscard]] const std::string& get(std::string_view lang, std::string_view fallback = "en") const;
    [[nodiscard]] bool has(std::string_view lang) const;
    [[nodiscard]] bool empty() const { return m_texts.empty(); }
    [[nodiscard]] const auto& texts() const { return m_texts; }

private:
    std::map<std::string, std::string, std::less<>> m_texts;
};

enum class QuestionType : std::uint8_t {
    SelectOne,
    SelectMultiple,
    Integer,
    Decimal,
    Text,
    Scale,
    Note,
    Calculate,
    Acknowledge,  // one "OK" tick (ODK's acknowledge): the answer is the text "OK", or no answer
    Date,         // a calendar date, the text "YYYY-MM-DD" (is_iso_date, value.hpp)
    Rank,         // choices tapped in order of preference: the list of their values in that order (ODK's rank)
};
[[nodiscard]] std::string_view to_string(QuestionType t);
[[nodiscard]] std::optional<QuestionType> question_type_from_string(std::string_view s);
// The one value an acknowledge question takes, as ODK stores it.
inline constexpr std::string_view k_acknowledged = "OK";

enum class Appearance : std::uint8_t {
    None,
    Likert,
    Faces,
    Columns,
    LongList,
    YesNo,
    Multiline,
    Keypad,
    Intro,
    Signpost,
};
[[nodiscard]] std::string_view to_string(Appearance a);
[[nodiscard]] std::optional<Appearance> appearance_from_string(std::string_view s);
// The appearances a question type accepts (None is always accepted).
[[nodiscard]] std::vector<Appearance> appearances_for(QuestionType t);

struct Choice {
    std::string value;  // unique within its question; [A-Za-z0-9_-]+
    LocalizedText label;
    bool exclusive = false;  // select_multiple: clears every other choice ("None", "Prefer not to say")
    bool other = false;      // asks for a write-in text when chosen
    // Other columns of XLSForm's choices sheet ("properties": {"county": "camden"}), which a question's
    // choice_filter reads as bare names. Names are [a-z_][a-z0-9_]*, never "value" or "name".
    std::map<std::string, std::string, std::less<>> properties;
    [[nodiscard]] const std::string* property(std::string_view key) const;  // null if it has none
};

struct Question {
    std::string name;  // unique in the survey
    QuestionType type = QuestionType::Note;
    LocalizedText label;
    LocalizedText hint;
    bool required = false;
    LocalizedText required_message;        // empty: the engine's default message
    std::optional<Expression> relevant;    // refers only to earlier questions, bound to their index
    std::optional<Expression> constraint;  // may use '.'
    LocalizedText constraint_message;
    std::optional<Expression> calculation;  // calculate only
    std::vector<Choice> choices;            // select_one / select_multiple: non-empty, unique values
    // select only: the choices shown are those for which it is true (bare names: the choice's properties,
    // `name` its value; ${q}: earlier answers). Bound like relevant. docs/survey_format.md, "Choice filters".
    std::optional<Expression> choice_filter;
    Appearance appearance = Appearance::None;
    std::optional<std::string> default_value;  // as text; validated against the type at load
    int max_length = 200;                      // text
    int scale_min = 0, scale_max = 10;         // scale
    LocalizedText min_label, max_label;        // scale
    std::string source;                        // id in Survey::sources, or empty
    std::filesystem::path defined_in;          // the file (survey or block) this question came from

    [[nodiscard]] bool is_shown() const { return type != QuestionType::Calculate; }
    [[nodiscard]] bool takes_answer() const { return type != QuestionType::Note && type != QuestionType::Calculate; }
    [[nodiscard]] bool is_select() const {  // has choices: select_one, select_multiple, rank
        return type == QuestionType::SelectOne || type == QuestionType::SelectMultiple || type == QuestionType::Rank;
    }
    [[nodiscard]] const Choice* find_choice(std::string_view value) const;
};

enum class LanguageStatus : std::uint8_t { Complete, Draft };
enum class TextDirection : std::uint8_t { LeftToRight, RightToLeft };

struct Language {
    std::string code;  // e.g. "en", "so", "zh-Hans"
    std::string name;  // the language named in itself: "Español", "Soomaali", "العربية"
    LanguageStatus status = LanguageStatus::Complete;
    TextDirection direction = TextDirection::LeftToRight;  // "direction": "rtl" in the file (Arabic)
};

struct Source {
    std::string id, instrument, source, url, licence;
};

// A sealed survey's key (docs/survey_format.md, "Sealed answers"): the kiosk seals each completed response's
// answers to `public_key` (X25519, libsodium sealed box); only the holder of the private key can read them.
struct Encryption {
    std::string key_id;      // names the key pair: letters, digits, '_', '-', '.'; 1 to 64 of them
    std::string public_key;  // base64 of the 32-byte X25519 public key
    friend bool operator==(const Encryption&, const Encryption&) = default;
};

struct Survey {
    std::string id;
    std::string version;
    bool enabled = true;
    std::string default_language;     // one of languages
    std::vector<Language> languages;  // non-empty, unique codes
    LocalizedText title, description;
    int estimated_minutes = 5;
    std::vector<Source> sources;
    std::optional<Encryption> encryption;  // set: responses are sealed to this key at save time
    std::vector<Question> questions;       // after includes; names unique
    std::filesystem::path file;

    [[nodiscard]] std::optional<std::size_t> index_of(std::string_view name) const;
    [[nodiscard]] const Question* find(std::string_view name) const;
    [[nodiscard]] const Language* language(std::string_view code) const;
    [[nodiscard]] bool has_language(std::string_view code) const { return language(code) != nullptr; }
    [[nodiscard]] std::size_t shown_question_count() const;  // every question a resident could see
    // The notes after the last shown question that takes an answer (all the notes if none takes one), in
    // order. The kiosk saves the response before showing them: `fieldkiosk-ctl validate` warns about them.
    [[nodiscard]] std::vector<std::size_t> trailing_notes() const;
};

using SurveyPtr = std::shared_ptr<const Survey>;

// Orders two survey version strings; a strict total order (only equal strings compare equal), so it is
// safe in std::sort and friends. Each version is split into its leading dotted number ("1.10" of
// "1.10-fix", "2026" of "2026-11-01") and the rest. Versions with no leading number ("v3", "abc", "")
// come first, among themselves byte by byte. Otherwise: the numbers part by part as whole numbers of any
// length ("1.2" < "1.10"); when one is a prefix of the other, fewer parts first ("1.2" < "1.2.0"); then
// no rest before a rest ("1.10" < "1.10-fix"); then the rests byte by byte (ISO dates order correctly:
// "2026-09-30" < "2026-10-01"); a last tie ("1.2" and "01.2") byte by byte on the whole text.
// docs/survey_format.md, "Versions".
[[nodiscard]] std::strong_ordering compare_versions(std::string_view a, std::string_view b);

}  // namespace fieldkiosk::core
