// fieldkiosk::core::json_view — reads stored response payloads (JSON text) without building a document.
//
// Index:
//   Type, Node        a value's type and its exact text inside the payload (no copy)
//   parse             validates one whole JSON text (RFC 8259) and returns its top value
//   members, elements walk an object's members / an array's elements of a node that parse() returned
//   find              an object's member by name
//   text_of           a string value decoded (escapes, \u surrogate pairs) as UTF-8
//   key_equals        a member's raw key compared with a name, without decoding when it has no escape
//   number_of, integer_of   a number value as double / as a whole number (as nlohmann::json reads them)
//   to_json           a node as an nlohmann::json document (for the rare caller that needs one, and the tests)
//
// Why: the receiver reads every stored payload for each report, export and quality pass. Building an
// nlohmann::json document for each (a std::map per object, a std::string per key and value) was most of
// their cost (docs/performance.md, "Analysis-ready exports"). A Node is two words pointing into the text;
// nothing is allocated until a caller asks for a string's decoded text.
//
// Contract: parse() accepts exactly what nlohmann::json::parse accepts for UTF-8 input (checked by
// tests/core/json_view_test.cpp and the json_view fuzz target against nlohmann), except that nesting deeper
// than k_max_depth is refused (a stored payload nests three levels) and so is any NUL byte (nlohmann takes a NUL
// outside a string for the end of the input and ignores what follows it). Every other function takes nodes that
// came from a successful parse() of text that is still alive; given anything else its result is unspecified
// but memory-safe (it never reads outside the node's text).
// Thread-safety: stateless; all functions are safe from many threads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fieldkiosk::core::json_view {

enum class Type : std::uint8_t { Null, False, True, Number, String, Array, Object };

struct Node {
    Type type = Type::Null;
    std::string_view raw;  // the value's exact text: a string with its quotes, an object with its braces
};

inline constexpr int k_max_depth = 256;

[[nodiscard]] std::optional<Node> parse(std::string_view text);  // nullopt: not one valid JSON text

// Skips the JSON value that starts at text[pos] (no leading whitespace); returns the position after it. The
// text must be valid (from parse()).
[[nodiscard]] std::size_t skip_value(std::string_view text, std::size_t pos);
[[nodiscard]] Type type_at(std::string_view text, std::size_t pos);  // of the value starting at text[pos]

// Calls f(std::string_view raw_key, Node value) for each member in the order written; f returns false to
// stop early. raw_key excludes the quotes and may hold escapes (key_equals and text_of_key decode them).
template <class F>
void members(const Node& object, F&& f) {
    if (object.type != Type::Object) return;
    const std::string_view t = object.raw;
    std::size_t i = 1;
    const auto ws = [&] {
        while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
    };
    for (;;) {
        ws();
        if (i >= t.size() || t[i] != '"') return;  // '}' (or a node that did not come from parse)
        const std::size_t key_start = i + 1;
        i = skip_value(t, i);
        const std::string_view key = t.substr(key_start, i - key_start - 1);
        ws();
        ++i;  // ':'
        ws();
        const std::size_t value_start = i;
        i = skip_value(t, i);
        if (!f(key, Node{type_at(t, value_start), t.substr(value_start, i - value_start)})) return;
        ws();
        if (i >= t.size() || t[i] != ',') return;
        ++i;
    }
}

// Calls f(Node element) for each element in order; f returns false to stop early.
template <class F>
void elements(const Node& array, F&& f) {
    if (array.type != Type::Array) return;
    const std::string_view t = array.raw;
    std::size_t i = 1;
    const auto ws = [&] {
        while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
    };
    for (;;) {
        ws();
        if (i >= t.size() || t[i] == ']') return;
        const std::size_t start = i;
        i = skip_value(t, i);
        if (!f(Node{type_at(t, start), t.substr(start, i - start)})) return;
        ws();
        if (i >= t.size() || t[i] != ',') return;
        ++i;
    }
}

[[nodiscard]] bool key_equals(std::string_view raw_key, std::string_view name);
[[nodiscard]] std::string text_of_key(std::string_view raw_key);
// A member's name: raw_key itself when it has no escape (no copy), else its decoded text kept in `scratch`.
[[nodiscard]] std::string_view key_text(std::string_view raw_key, std::string& scratch);
// The member so named; with a name written twice, the last (as nlohmann::json keeps it). members() shows both.
[[nodiscard]] std::optional<Node> find(const Node& object, std::string_view name);

// A string node's decoded text; empty for any other type.
[[nodiscard]] std::string text_of(const Node& string);
// Compares a string node's decoded text with `text` (no allocation when the string has no escape).
[[nodiscard]] bool text_equals(const Node& string, std::string_view text);

// nlohmann::json's reading of a number: an integer when written without fraction or exponent and it fits
// 64 bits (signed, or unsigned when positive), else a double.
[[nodiscard]] bool is_integer(const Node& number);
[[nodiscard]] std::optional<std::int64_t> integer_of(const Node& number);  // integers that fit int64 only
[[nodiscard]] std::optional<double> number_of(const Node& number);       // any number node

// The node as nlohmann::json::parse would have read it (a name written twice: the last value).
[[nodiscard]] nlohmann::json to_json(const Node& node);

}  // namespace fieldkiosk::core::json_view
