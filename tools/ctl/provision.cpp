// Index: toml_string, the TOML scanner (Entry, scan_value, scan_file), edit_toml, mask.
#include "tools/ctl/provision.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace fieldkiosk::tools {

// ---- TOML text --------------------------------------------------------------------------------------------

std::string toml_string(std::string_view text) {
    std::string out = "\"";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                    out += buf;
                } else {
                    out += ch;  // UTF-8 passes through
                }
        }
    }
    return out + "\"";
}

namespace {

// One `key = value` line (the value may run over several lines) inside a [section].
struct Entry {
    std::string section, key;
    std::size_t value_begin = 0, value_end = 0;  // [begin, end) of the value's text
    std::size_t line_end = 0;                    // just past the newline ending the line where the value ends
    std::size_t line_no = 0;                     // 1-based line of the key
    bool multi_line = false;
};

struct Header {
    std::string section;
    std::size_t line_end = 0;  // just past its newline
};

struct Scanned {
    std::vector<Entry> entries;
    std::vector<Header> headers;
};

bool is_bare_key_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::size_t end_of_line(std::string_view t, std::size_t i) {  // index of '\n' (or t.size())
    const auto n = t.find('\n', i);
    return n == std::string_view::npos ? t.size() : n;
}
std::size_t after_line(std::string_view t, std::size_t i) {
    const auto n = end_of_line(t, i);
    return n == t.size() ? n : n + 1;
}

// Where the value starting at t[i] ends (exclusive), or nullopt when it never does.
std::optional<std::size_t> scan_value(std::string_view t, std::size_t i) {
    if (i >= t.size()) return std::nullopt;
    const auto rest = t.substr(i);
    if (rest.starts_with("\"\"\"") || rest.starts_with("'''")) {
        const char q = rest[0];
        for (std::size_t k = i + 3; k + 2 < t.size() + 0; ++k) {
            if (q == '"' && t[k] == '\\') {
                ++k;
                continue;
            }
            if (t[k] == q && t[k + 1] == q && t[k + 2] == q) {
                std::size_t end = k + 3;
                while (end < t.size() && t[end] == q && end < k + 5) ++end;  // up to two quotes belong to the text
                return end;
            }
        }
        return std::nullopt;
    }
    if (t[i] == '"' || t[i] == '\'') {
        const char q = t[i];
        for (std::size_t k = i + 1; k < t.size(); ++k) {
            if (t[k] == '\n') return std::nullopt;
            if (q == '"' && t[k] == '\\') {
                ++k;
                continue;
            }
            if (t[k] == q) return k + 1;
        }
        return std::nullopt;
    }
    if (t[i] == '[' || t[i] == '{') {
        int depth = 0;
        for (std::size_t k = i; k < t.size();) {
            const char c = t[k];
            if (c == '"' || c == '\'') {
                auto e = scan_value(t, k);
                if (!e) return std::nullopt;
                k = *e;
                continue;
            }
            if (c == '#') {
                k = end_of_line(t, k);
                continue;
            }
            if (c == '[' || c == '{') ++depth;
            if (c == ']' || c == '}') {
                if (--depth == 0) return k + 1;
            }
            ++k;
        }
        return std::nullopt;
    }
    std::size_t k = i;
    while (k < t.size() && t[k] != '#' && t[k] != '\n') ++k;
    while (k > i && (t[k - 1] == ' ' || t[k - 1] == '\t' || t[k - 1] == '\r')) --k;
    return k;
}

std::expected<Scanned, std::string> scan_file(std::string_view t) {
    Scanned s;
    std::string section;  // "" before the first header
    std::size_t line_no = 1;
    for (std::size_t pos = 0; pos < t.size();) {
        std::size_t i = pos;
        while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
        const std::size_t next = after_line(t, pos);
        if (i >= t.size() || t[i] == '\n' || t[i] == '\r' || t[i] == '#') {
            pos = next;
            ++line_no;
            continue;
        }
        if (t[i] == '[') {
            const bool array_table = i + 1 < t.size() && t[i + 1] == '[';
            const std::size_t open = i + (array_table ? 2 : 1);
            const std::size_t close = t.find(']', open);
            if (close == std::string_view::npos || close > end_of_line(t, i))
                return std::unexpected("line " + std::to_string(line_no) + ": a [section] header without its ']'");
            std::string name(t.substr(open, close - open));
            name.erase(0, name.find_first_not_of(" \t"));
            name.erase(name.find_last_not_of(" \t") + 1);
            section = array_table ? "[[" + name + "]]" : name;  // an array of tables never matches our sections
            s.headers.push_back(Header{section, next});
            pos = next;
            ++line_no;
            continue;
        }
        // key = value. Only a bare key is recognised as one of ours; any other form is kept as it is (if it
        // names one of our keys, the result has that key twice and fails the caller's parse check).
        std::size_t k = i;
        while (k < t.size() && is_bare_key_char(t[k])) ++k;
        std::string key(t.substr(i, k - i));
        std::size_t eq = k;
        while (eq < t.size() && (t[eq] == ' ' || t[eq] == '\t')) ++eq;
        const bool bare = !key.empty() && eq < t.size() && t[eq] == '=';
        if (!bare) {
            // A quoted or dotted key: find its '=' outside quotes, then skip its value like any other.
            eq = i;
            while (eq < t.size() && t[eq] != '=' && t[eq] != '\n') {
                if (t[eq] == '"' || t[eq] == '\'') {
                    auto e = scan_value(t, eq);
                    if (!e) break;
                    eq = *e;
                } else {
                    ++eq;
                }
            }
            if (eq >= t.size() || t[eq] != '=')
                return std::unexpected("line " + std::to_string(line_no) + ": not a `key = value` line");
            key.clear();
        }
        std::size_t v = eq + 1;
        while (v < t.size() && (t[v] == ' ' || t[v] == '\t')) ++v;
        const auto end = scan_value(t, v);
        if (!end) return std::unexpected("line " + std::to_string(line_no) + ": a value that does not end");
        Entry e;
        e.section = section;
        e.key = key;
        e.value_begin = v;
        e.value_end = *end;
        e.line_no = line_no;
        const std::string_view value = t.substr(v, *end - v);
        const auto newlines = static_cast<std::size_t>(std::count(value.begin(), value.end(), '\n'));
        e.multi_line = newlines > 0;
        e.line_end = after_line(t, *end);
        s.entries.push_back(e);
        line_no += newlines + 1;
        pos = e.line_end;
    }
    return s;
}

struct Splice {
    std::size_t begin, end;
    std::string text;
};

}  // namespace

std::expected<std::string, std::string> edit_toml(std::string_view text, const std::vector<TomlEdit>& edits) {
    auto scanned = scan_file(text);
    if (!scanned) return std::unexpected(scanned.error());
    const std::string nl = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
    std::vector<Splice> splices;
    std::map<std::string, std::vector<const TomlEdit*>> missing_by_section;
    std::vector<std::string> new_sections;  // in the order first needed
    for (const auto& edit : edits) {
        const Entry* found = nullptr;
        for (const auto& e : scanned->entries) {
            if (e.section != edit.section || e.key != edit.key) continue;
            if (found != nullptr)
                return std::unexpected("[" + edit.section + "] " + edit.key + " is set twice (lines " +
                                       std::to_string(found->line_no) + " and " + std::to_string(e.line_no) +
                                       "); remove one, then run this again");
            found = &e;
        }
        if (found == nullptr) {
            auto& list = missing_by_section[edit.section];
            if (list.empty() && std::none_of(scanned->headers.begin(), scanned->headers.end(),
                                             [&](const Header& h) { return h.section == edit.section; }))
                new_sections.push_back(edit.section);
            list.push_back(&edit);
            continue;
        }
        if (found->multi_line)
            return std::unexpected("[" + edit.section + "] " + edit.key + " (line " + std::to_string(found->line_no) +
                                   ") runs over several lines; put it on one line, then run this again");
        // Keep a trailing comment where it was: take the new value's extra length out of the spaces before it.
        const std::size_t old_len = found->value_end - found->value_begin;
        std::size_t gap_end = found->value_end;
        while (gap_end < text.size() && (text[gap_end] == ' ' || text[gap_end] == '\t')) ++gap_end;
        std::string replacement = edit.literal;
        std::size_t splice_end = found->value_end;
        if (gap_end < text.size() && text[gap_end] == '#') {
            const std::size_t column = old_len + (gap_end - found->value_end);  // where '#' is, after the value
            const std::size_t spaces = column > edit.literal.size() + 1 ? column - edit.literal.size() : 1;
            replacement += std::string(spaces, ' ');
            splice_end = gap_end;
        }
        splices.push_back(Splice{found->value_begin, splice_end, std::move(replacement)});
    }
    for (const auto& [section, list] : missing_by_section) {
        if (std::find(new_sections.begin(), new_sections.end(), section) != new_sections.end()) continue;
        // After the section's last key (or its header), before any blank lines and comments that follow it.
        std::size_t at = 0;
        for (const auto& h : scanned->headers)
            if (h.section == section) at = h.line_end;
        for (const auto& e : scanned->entries)
            if (e.section == section && e.line_end > at) at = e.line_end;
        std::string lines;
        if (at > 0 && text[at - 1] != '\n') lines += nl;  // the section's last line had no newline (end of file)
        for (const auto* edit : list) lines += edit->key + " = " + edit->literal + nl;
        splices.push_back(Splice{at, at, std::move(lines)});
    }
    std::sort(splices.begin(), splices.end(), [](const Splice& a, const Splice& b) { return a.begin > b.begin; });
    std::string out(text);
    for (const auto& s : splices) out.replace(s.begin, s.end - s.begin, s.text);
    for (const auto& section : new_sections) {
        if (!out.empty() && !out.ends_with("\n")) out += nl;
        if (!out.empty()) out += nl;
        out += "[" + section + "]" + nl;
        for (const auto* edit : missing_by_section[section]) out += edit->key + " = " + edit->literal + nl;
    }
    return out;
}

std::string mask(std::string_view secret) {
    if (secret.size() <= 8) return "… (" + std::to_string(secret.size()) + " characters)";
    return std::string(secret.substr(0, 4)) + "… (" + std::to_string(secret.size()) + " characters)";
}

}  // namespace fieldkiosk::tools
