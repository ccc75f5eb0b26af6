// fieldkiosk::core::json_view — see json_view.hpp.
//
// Index:
//   Validator     one pass over the text: the grammar of RFC 8259 and UTF-8 inside strings, as nlohmann's lexer
//   skip_value    the end of a value already validated (no checks: strings by their quotes, nesting by brackets)
//   decoding      text_of, key_equals, numbers
#include "core/json_view.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstring>

namespace fieldkiosk::core::json_view {

namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Four hex digits at t[i..i+4) as a code unit, or -1.
int hex4(std::string_view t, std::size_t i) {
    if (i + 4 > t.size()) return -1;
    int v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        const int d = hex_digit(t[i + k]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

// ---------------------------------------------------------------------------------------------
// Validator
// ---------------------------------------------------------------------------------------------
class Validator {
public:
    explicit Validator(std::string_view t) : m_t(t) {}

    // A value at m_i; false when it is not valid. Leaves m_i after it.
    bool value(int depth) {
        if (m_i >= m_t.size()) return false;
        switch (m_t[m_i]) {
            case '{': return object(depth + 1);
            case '[': return array(depth + 1);
            case '"': return string();
            case 't': return literal("true");
            case 'f': return literal("false");
            case 'n': return literal("null");
            default: return number();
        }
    }

    void ws() {
        while (m_i < m_t.size() && is_ws(m_t[m_i])) ++m_i;
    }
    [[nodiscard]] std::size_t at() const { return m_i; }

private:
    bool literal(std::string_view word) {
        if (m_t.substr(m_i, word.size()) != word) return false;
        m_i += word.size();
        return true;
    }

    bool object(int depth) {
        if (depth > k_max_depth) return false;
        ++m_i;  // '{'
        ws();
        if (m_i < m_t.size() && m_t[m_i] == '}') {
            ++m_i;
            return true;
        }
        for (;;) {
            if (m_i >= m_t.size() || m_t[m_i] != '"' || !string()) return false;
            ws();
            if (m_i >= m_t.size() || m_t[m_i] != ':') return false;
            ++m_i;
            ws();
            if (!value(depth)) return false;
            ws();
            if (m_i >= m_t.size()) return false;
            if (m_t[m_i] == '}') {
                ++m_i;
                return true;
            }
            if (m_t[m_i] != ',') return false;
            ++m_i;
            ws();
        }
    }

    bool array(int depth) {
        if (depth > k_max_depth) return false;
        ++m_i;  // '['
        ws();
        if (m_i < m_t.size() && m_t[m_i] == ']') {
            ++m_i;
            return true;
        }
        for (;;) {
            if (!value(depth)) return false;
            ws();
            if (m_i >= m_t.size()) return false;
            if (m_t[m_i] == ']') {
                ++m_i;
                return true;
            }
            if (m_t[m_i] != ',') return false;
            ++m_i;
            ws();
        }
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, and (as nlohmann) a fraction or exponent whose value
    // is not finite (1e400) is refused.
    bool number() {
        const std::size_t start = m_i;
        if (m_i < m_t.size() && m_t[m_i] == '-') ++m_i;
        if (m_i >= m_t.size() || !is_digit(m_t[m_i])) return false;
        if (m_t[m_i] == '0')
            ++m_i;
        else
            while (m_i < m_t.size() && is_digit(m_t[m_i])) ++m_i;
        bool is_float = false;
        if (m_i < m_t.size() && m_t[m_i] == '.') {
            ++m_i;
            if (m_i >= m_t.size() || !is_digit(m_t[m_i])) return false;
            while (m_i < m_t.size() && is_digit(m_t[m_i])) ++m_i;
            is_float = true;
        }
        if (m_i < m_t.size() && (m_t[m_i] == 'e' || m_t[m_i] == 'E')) {
            ++m_i;
            if (m_i < m_t.size() && (m_t[m_i] == '+' || m_t[m_i] == '-')) ++m_i;
            if (m_i >= m_t.size() || !is_digit(m_t[m_i])) return false;
            while (m_i < m_t.size() && is_digit(m_t[m_i])) ++m_i;
            is_float = true;
        }
        if (!is_float) return true;  // a too-large integer becomes a finite double in nlohmann too
        const auto v = number_of(Node{Type::Number, m_t.substr(start, m_i - start)});
        return v && std::isfinite(*v);
    }

    // A string at m_i ('"'): escapes (\u with surrogate pairs whole) and UTF-8 (RFC 3629), no control characters.
    bool string() {
        ++m_i;  // '"'
        while (m_i < m_t.size()) {
            const auto c = static_cast<unsigned char>(m_t[m_i]);
            if (c == '"') {
                ++m_i;
                return true;
            }
            if (c < 0x20) return false;
            if (c == '\\') {
                if (!escape()) return false;
                continue;
            }
            if (c < 0x80) {
                ++m_i;
                continue;
            }
            if (!utf8(c)) return false;
        }
        return false;  // unterminated
    }

    bool escape() {
        if (m_i + 1 >= m_t.size()) return false;
        const char e = m_t[m_i + 1];
        if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
            m_i += 2;
            return true;
        }
        if (e != 'u') return false;
        const int u = hex4(m_t, m_i + 2);
        if (u < 0) return false;
        m_i += 6;
        if (u >= 0xDC00 && u <= 0xDFFF) return false;  // a low surrogate alone
        if (u < 0xD800 || u > 0xDBFF) return true;
        // A high surrogate must be followed by \u and a low one.
        if (m_i + 1 >= m_t.size() || m_t[m_i] != '\\' || m_t[m_i + 1] != 'u') return false;
        const int low = hex4(m_t, m_i + 2);
        if (low < 0xDC00 || low > 0xDFFF) return false;
        m_i += 6;
        return true;
    }

    bool utf8(unsigned char c) {
        const auto in = [&](std::size_t k, unsigned lo, unsigned hi) {
            if (m_i + k >= m_t.size()) return false;
            const auto b = static_cast<unsigned char>(m_t[m_i + k]);
            return b >= lo && b <= hi;
        };
        std::size_t n = 0;
        if (c >= 0xC2 && c <= 0xDF)
            n = in(1, 0x80, 0xBF) ? 2 : 0;
        else if (c == 0xE0)
            n = in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
        else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
            n = in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
        else if (c == 0xED)
            n = in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0;
        else if (c == 0xF0)
            n = in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
        else if (c >= 0xF1 && c <= 0xF3)
            n = in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
        else if (c == 0xF4)
            n = in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
        m_i += n;
        return n != 0;
    }

    std::string_view m_t;
    std::size_t m_i = 0;
};

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// The decoded text of a string's inside (between its quotes), which parse() has validated.
std::string decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size();) {
        const std::size_t backslash = in.find('\\', i);
        if (backslash == std::string_view::npos) {
            out.append(in.substr(i));
            break;
        }
        out.append(in.substr(i, backslash - i));
        if (backslash + 1 >= in.size()) break;
        const char e = in[backslash + 1];
        i = backslash + 2;
        switch (e) {
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                const int u = hex4(in, i);
                if (u < 0) return out;
                i += 4;
                std::uint32_t cp = static_cast<std::uint32_t>(u);
                if (u >= 0xD800 && u <= 0xDBFF && i + 6 <= in.size() && in[i] == '\\' && in[i + 1] == 'u') {
                    const int low = hex4(in, i + 2);
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        cp = 0x10000 + ((static_cast<std::uint32_t>(u) - 0xD800) << 10) + (static_cast<std::uint32_t>(low) - 0xDC00);
                        i += 6;
                    }
                }
                append_utf8(out, cp);
                break;
            }
            default: out += e; break;  // " \ /
        }
    }
    return out;
}

}  // namespace

std::optional<Node> parse(std::string_view text) {
    Validator v(text);
    v.ws();
    const std::size_t start = v.at();
    if (!v.value(0)) return std::nullopt;
    const std::size_t end = v.at();
    v.ws();
    if (v.at() != text.size()) return std::nullopt;
    return Node{type_at(text, start), text.substr(start, end - start)};
}

Type type_at(std::string_view t, std::size_t pos) {
    if (pos >= t.size()) return Type::Null;
    switch (t[pos]) {
        case '{': return Type::Object;
        case '[': return Type::Array;
        case '"': return Type::String;
        case 't': return Type::True;
        case 'f': return Type::False;
        case 'n': return Type::Null;
        default: return Type::Number;
    }
}

std::size_t skip_value(std::string_view t, std::size_t i) {
    if (i >= t.size()) return t.size();
    const char c = t[i];
    if (c == '"') {
        for (++i; i < t.size(); ++i) {
            if (t[i] == '\\') {
                ++i;
                continue;
            }
            if (t[i] == '"') return i + 1;
        }
        return t.size();
    }
    if (c == '{' || c == '[') {
        int depth = 0;
        for (; i < t.size(); ++i) {
            const char d = t[i];
            if (d == '"') {
                i = skip_value(t, i) - 1;
                continue;
            }
            if (d == '{' || d == '[') ++depth;
            if ((d == '}' || d == ']') && --depth == 0) return i + 1;
        }
        return t.size();
    }
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && !is_ws(t[i])) ++i;  // number or literal
    return i;
}

bool key_equals(std::string_view raw_key, std::string_view name) {
    if (raw_key.find('\\') == std::string_view::npos) return raw_key == name;
    return decode(raw_key) == name;
}

std::string text_of_key(std::string_view raw_key) { return decode(raw_key); }

std::string_view key_text(std::string_view raw_key, std::string& scratch) {
    if (raw_key.find('\\') == std::string_view::npos) return raw_key;
    scratch = decode(raw_key);
    return scratch;
}

std::optional<Node> find(const Node& object, std::string_view name) {
    std::optional<Node> found;
    members(object, [&](std::string_view key, const Node& value) {
        if (key_equals(key, name)) found = value;
        return true;
    });
    return found;
}

std::string text_of(const Node& s) {
    if (s.type != Type::String || s.raw.size() < 2) return {};
    return decode(s.raw.substr(1, s.raw.size() - 2));
}

bool text_equals(const Node& s, std::string_view text) {
    if (s.type != Type::String || s.raw.size() < 2) return false;
    const std::string_view inside = s.raw.substr(1, s.raw.size() - 2);
    if (inside.find('\\') == std::string_view::npos) return inside == text;
    return decode(inside) == text;
}

bool is_integer(const Node& n) {
    if (n.type != Type::Number || n.raw.find_first_of(".eE") != std::string_view::npos) return false;
    if (integer_of(n)) return true;
    std::uint64_t u = 0;
    const auto [p, ec] = std::from_chars(n.raw.data(), n.raw.data() + n.raw.size(), u);
    return ec == std::errc{} && p == n.raw.data() + n.raw.size();
}

std::optional<std::int64_t> integer_of(const Node& n) {
    if (n.type != Type::Number || n.raw.find_first_of(".eE") != std::string_view::npos) return std::nullopt;
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(n.raw.data(), n.raw.data() + n.raw.size(), v);
    if (ec != std::errc{} || p != n.raw.data() + n.raw.size()) return std::nullopt;
    return v;
}

std::optional<double> number_of(const Node& n) {
    if (n.type != Type::Number) return std::nullopt;
    double v = 0;
    const auto [p, ec] = std::from_chars(n.raw.data(), n.raw.data() + n.raw.size(), v);
    if (ec == std::errc::result_out_of_range) {
        // from_chars reports overflow and underflow alike; strtod tells them apart (inf vs a tiny number or 0).
        const std::string copy(n.raw);
        return std::strtod(copy.c_str(), nullptr);
    }
    if (ec != std::errc{} || p != n.raw.data() + n.raw.size()) return std::nullopt;
    return v;
}

nlohmann::json to_json(const Node& n) {
    switch (n.type) {
        case Type::Null: return nullptr;
        case Type::False: return false;
        case Type::True: return true;
        case Type::String: return text_of(n);
        case Type::Number: {
            if (const auto i = integer_of(n)) return *i;
            if (is_integer(n)) {
                std::uint64_t u = 0;
                std::from_chars(n.raw.data(), n.raw.data() + n.raw.size(), u);
                return u;
            }
            return number_of(n).value_or(0.0);
        }
        case Type::Array: {
            auto a = nlohmann::json::array();
            elements(n, [&](const Node& e) {
                a.push_back(to_json(e));
                return true;
            });
            return a;
        }
        case Type::Object: {
            auto o = nlohmann::json::object();
            members(n, [&](std::string_view key, const Node& v) {
                o[text_of_key(key)] = to_json(v);
                return true;
            });
            return o;
        }
    }
    return nullptr;
}

}  // namespace fieldkiosk::core::json_view
