// fieldkiosk::core::Answer and Response — what a resident said, and the immutable record of a walk.
//
// Index:
//   Answer            one question's answer (+ optional write-in text)
//   answer_from_json  / answer_to_json: the wire and file form, checked against the question's type
//   Mode, Response    a completed response and its JSON form (docs/survey_format.md, "Responses")
#pragma once

#include "core/survey.hpp"
#include "core/value.hpp"

#include "core/json_view.hpp"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace fieldkiosk::core {

struct Answer {
    // select_one and text: string; select_multiple: list of values; integer and scale: int64; decimal: double.
    using Data = std::variant<std::string, std::vector<std::string>, std::int64_t, double>;
    Data data;
    std::string write_in;  // text for a chosen choice marked "other"; empty otherwise

    static Answer text(std::string s) { return {Data{std::move(s)}, {}}; }
    static Answer choice(std::string v, std::string write_in = {}) { return {Data{std::move(v)}, std::move(write_in)}; }
    static Answer choices(std::vector<std::string> v, std::string write_in = {}) {
        return {Data{std::move(v)}, std::move(write_in)};
    }
    static Answer integer(std::int64_t v) { return {Data{v}, {}}; }
    static Answer decimal(double v) { return {Data{v}, {}}; }

    // The value expressions see: select_multiple as space-separated values, numbers as numbers.
    [[nodiscard]] Value to_value() const;
    // Human-readable form for terminals and CSV: "yes", "a b", "12", "3.5".
    [[nodiscard]] std::string to_display() const;

    friend bool operator==(const Answer&, const Answer&) = default;
};

// Reads an answer for `q` from JSON: a value ("yes", ["a","b"], 12, 3.5) or {"value": ..., "other": "..."}.
// Checks the JSON shape for the type only (choice membership and limits are Session's job).
[[nodiscard]] std::expected<Answer, std::string> answer_from_json(const Question& q, const nlohmann::json& j);
// The same, read in place from a stored payload's text (core/json_view; the receiver's reports and exports).
[[nodiscard]] std::expected<Answer, std::string> answer_from_json(const Question& q, const json_view::Node& j);
[[nodiscard]] nlohmann::json answer_to_json(const Answer& a);

// Reads an answer typed at a terminal: "2" or "yes" for select_one (number in list, or value),
// "1,3" or "a b" for select_multiple, numbers for integer/decimal/scale, anything for text.
[[nodiscard]] std::expected<Answer, std::string> answer_from_text(const Question& q, std::string_view text);

enum class Mode : std::uint8_t { Kiosk, Assisted };
[[nodiscard]] std::string_view to_string(Mode m);
[[nodiscard]] std::optional<Mode> mode_from_string(std::string_view s);

struct Response {
    std::string id;  // UUID v4, made when the respondent started
    std::string survey_id, survey_version;
    std::string language;  // the language in use at completion
    Mode mode = Mode::Kiosk;
    std::string site;    // where it was collected (kiosk site or outreach location)
    std::string worker;  // assisted mode: the outreach worker; empty at kiosks
    std::chrono::system_clock::time_point started_at, completed_at;
    std::vector<std::pair<std::string, Answer>> answers;    // survey order; only relevant questions
    std::vector<std::pair<std::string, Value>> calculated;  // calculate questions that were relevant
    // The survey version's key, when it names one (Session::complete() copies it): storage seals the answers
    // to it before they reach the disk. Not part of the response's JSON.
    std::optional<Encryption> sealed_to;

    [[nodiscard]] const Answer* find(std::string_view name) const;
};

[[nodiscard]] nlohmann::json response_to_json(const Response& r);

}  // namespace fieldkiosk::core
