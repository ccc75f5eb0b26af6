// The survey expression language (docs/survey_format.md, "Expressions"): tokenizer, parser and evaluator.
// Over 600 lines on purpose: the three share the token and node types and are read together.
#include "core/expression.hpp"
#include "core/utf8.hpp"

#include <cassert>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

namespace fieldkiosk::core {

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------
namespace {

enum class Tok : std::uint8_t {
    End,
    Number,
    String,
    Ref,
    Dot,
    Name,
    LParen,
    RParen,
    Comma,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Error,
};

struct Token {
    Tok kind = Tok::End;
    std::size_t pos = 0;  // 0-based offset
    std::string text;     // Name / String / Ref contents, or an error message
    double number = 0.0;
};

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
public:
    explicit Lexer(std::string_view s) : m_s(s) {}

    Token next() {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n' || m_s[m_i] == '\r')) ++m_i;
        Token t;
        t.pos = m_i;
        if (m_i >= m_s.size()) return t;
        const char c = m_s[m_i];
        auto one = [&](Tok k) {
            ++m_i;
            t.kind = k;
            return t;
        };
        switch (c) {
            case '(':
                return one(Tok::LParen);
            case ')':
                return one(Tok::RParen);
            case ',':
                return one(Tok::Comma);
            case '+':
                return one(Tok::Plus);
            case '-':
                return one(Tok::Minus);
            case '*':
                return one(Tok::Star);
            case '=':
                return one(Tok::Eq);
            case '!':
                if (m_i + 1 < m_s.size() && m_s[m_i + 1] == '=') {
                    m_i += 2;
                    t.kind = Tok::Ne;
                    return t;
                }
                return error(t, "'!' must be followed by '=' (use not(...) for negation)");
            case '<':
            case '>': {
                const bool eq = m_i + 1 < m_s.size() && m_s[m_i + 1] == '=';
                m_i += eq ? 2 : 1;
                t.kind = c == '<' ? (eq ? Tok::Le : Tok::Lt) : (eq ? Tok::Ge : Tok::Gt);
                return t;
            }
            case '\'':
            case '"':
                return quoted(t, c);
            case '$':
                return reference(t);
            default:
                break;
        }
        if (is_digit(c) || (c == '.' && m_i + 1 < m_s.size() && is_digit(m_s[m_i + 1]))) return number(t);
        if (c == '.') return one(Tok::Dot);
        if (is_name_start(c)) {
            std::size_t j = m_i;
            while (j < m_s.size() && is_name_char(m_s[j])) ++j;
            t.kind = Tok::Name;
            t.text = std::string(m_s.substr(m_i, j - m_i));
            m_i = j;
            return t;
        }
        return unexpected(t, c);
    }

private:
    // 'text' or "text".
    Token quoted(Token t, char quote) {
        const auto close = m_s.find(quote, m_i + 1);
        if (close == std::string_view::npos) return error(t, std::string("unterminated string: add the closing ") + quote);
        t.kind = Tok::String;
        t.text = std::string(m_s.substr(m_i + 1, close - m_i - 1));
        m_i = close + 1;
        return t;
    }

    // ${question_name}
    Token reference(Token t) {
        if (m_i + 1 >= m_s.size() || m_s[m_i + 1] != '{') return error(t, "'$' must start a reference like ${question_name}");
        const auto close = m_s.find('}', m_i + 2);
        if (close == std::string_view::npos) return error(t, "reference is missing its closing '}'");
        const auto name = m_s.substr(m_i + 2, close - m_i - 2);
        if (name.empty() || !is_name_start(name[0])) return error(t, "a reference needs a question name, like ${age_band}");
        for (char n : name)
            if (!is_name_char(n)) return error(t, "'" + std::string(name) + "' is not a valid question name");
        t.kind = Tok::Ref;
        t.text = std::string(name);
        m_i = close + 1;
        return t;
    }

    // 12, 3.5, .5
    Token number(Token t) {
        std::size_t j = m_i;
        while (j < m_s.size() && is_digit(m_s[j])) ++j;
        if (j < m_s.size() && m_s[j] == '.') {
            ++j;
            while (j < m_s.size() && is_digit(m_s[j])) ++j;
        }
        t.kind = Tok::Number;
        t.number = parse_xpath_number(m_s.substr(m_i, j - m_i));
        m_i = j;
        return t;
    }

    // A character no token starts with; curly quotes and other non-ASCII characters said in words.
    Token unexpected(Token t, char c) {
        const auto rest = m_s.substr(m_i);
        for (std::string_view curly : {"\u2018", "\u2019", "\u201C", "\u201D"})
            if (rest.starts_with(curly))
                return error(t, "curly quotes are not quotes here: use straight ' or \" (a word processor may have changed them)");
        if (static_cast<unsigned char>(c) >= 0x80) return error(t, "unexpected non-ASCII character: only quoted text may contain it");
        return error(t, std::string("unexpected character '") + c + "'");
    }

    Token error(Token t, std::string msg) {
        t.kind = Tok::Error;
        t.text = std::move(msg);
        m_i = m_s.size();
        return t;
    }
    std::string_view m_s;
    std::size_t m_i = 0;
};

struct FunctionInfo {
    std::string_view name;
    Expression::Op op;
    int arity;
};
constexpr FunctionInfo k_functions[] = {
    {"not", Expression::Op::Not, 1},
    {"selected", Expression::Op::Selected, 2},
    {"count-selected", Expression::Op::CountSelected, 1},
    {"string-length", Expression::Op::StringLength, 1},
    {"if", Expression::Op::If, 3},
    {"coalesce", Expression::Op::Coalesce, 2},
    {"number", Expression::Op::ToNumber, 1},
    {"round", Expression::Op::Round, 1},
    {"true", Expression::Op::True, 0},
    {"false", Expression::Op::False, 0},
};

std::string known_functions() {
    std::string out;
    for (const auto& f : k_functions) {
        if (!out.empty()) out += ", ";
        out += f.name;
        out += "()";
    }
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Parser: recursive descent, one token of look-ahead, nodes appended to a flat vector.
// ---------------------------------------------------------------------------------------------
class ExpressionParser {
public:
    ExpressionParser(std::string_view text, Expression::Syntax syntax) : m_lex(text), m_syntax(syntax) { advance(); }

    std::expected<Expression, ExpressionError> run(std::string_view text) {
        m_expr.m_text = std::string(text);
        if (m_tok.kind == Tok::End) return fail(0, "the expression is empty");
        auto root = parse_or();
        if (!root) return std::unexpected(*m_error);
        if (m_tok.kind != Tok::End) {
            if (m_tok.kind == Tok::Error) return fail(m_tok.pos, m_tok.text);
            return fail(m_tok.pos, "unexpected " + describe(m_tok) + " after a complete expression (missing 'and' or 'or'?)");
        }
        m_expr.m_root = *root;
        return std::move(m_expr);
    }

private:
    using Op = Expression::Op;
    static constexpr int k_max_depth = 64;                   // parser recursion (parentheses, calls, unary minus)
    static constexpr std::uint32_t k_max_tree_height = 100;  // evaluation recursion

    std::optional<std::uint32_t> parse_or() { return binary_level(0); }

    // Levels: 0 or, 1 and, 2 comparison, 3 additive, 4 multiplicative.
    std::optional<std::uint32_t> binary_level(int level) {
        auto lhs = level == 4 ? parse_unary() : binary_level(level + 1);
        while (lhs) {
            const auto op = binary_op(level);
            if (!op) break;
            advance();
            auto rhs = level == 4 ? parse_unary() : binary_level(level + 1);
            if (!rhs) return std::nullopt;
            lhs = add(make(*op, *lhs, *rhs));
            if (!lhs) return std::nullopt;
        }

        return lhs;
    }

    std::optional<Op> binary_op(int level) const {
        switch (level) {
            case 0:
                return is_word("or") ? std::optional(Op::Or) : std::nullopt;
            case 1:
                return is_word("and") ? std::optional(Op::And) : std::nullopt;
            case 2:
                switch (m_tok.kind) {
                    case Tok::Eq:
                        return Op::Eq;
                    case Tok::Ne:
                        return Op::Ne;
                    case Tok::Lt:
                        return Op::Lt;
                    case Tok::Le:
                        return Op::Le;
                    case Tok::Gt:
                        return Op::Gt;
                    case Tok::Ge:
                        return Op::Ge;
                    default:
                        return std::nullopt;
                }
            case 3:
                if (m_tok.kind == Tok::Plus) return Op::Add;
                if (m_tok.kind == Tok::Minus) return Op::Sub;
                return std::nullopt;
            default:
                if (m_tok.kind == Tok::Star) return Op::Mul;
                if (is_word("div")) return Op::Div;
                if (is_word("mod")) return Op::Mod;
                return std::nullopt;
        }
    }

    std::optional<std::uint32_t> parse_unary() {
        if (m_tok.kind == Tok::Minus) {
            if (++m_depth > k_max_depth) return fail_opt(m_tok.pos, "the expression is nested too deeply");
            advance();
            auto operand = parse_unary();
            --m_depth;
            if (!operand) return std::nullopt;
            return add(make(Op::Neg, *operand));
        }
        return parse_primary();
    }

    std::optional<std::uint32_t> parse_primary() {
        const Token t = m_tok;
        switch (t.kind) {
            case Tok::Number: {
                advance();
                auto n = make(Op::Number);
                n.number = t.number;
                return add(std::move(n));
            }
            case Tok::String: {
                advance();
                auto n = make(Op::String);
                n.text = t.text;
                return add(std::move(n));
            }
            case Tok::Ref: {
                advance();
                bool seen = false;
                for (const auto& r : m_expr.m_references) seen = seen || r == t.text;
                if (!seen) m_expr.m_references.push_back(t.text);
                auto n = make(Op::Ref);
                n.text = t.text;
                return add(std::move(n));
            }
            case Tok::Dot:
                advance();
                m_expr.m_uses_self = true;
                return add(make(Op::Self));
            case Tok::LParen: {
                advance();
                if (++m_depth > k_max_depth) return fail_opt(t.pos, "the expression is nested too deeply");
                auto inner = parse_or();
                --m_depth;
                if (!inner) return std::nullopt;
                if (m_tok.kind != Tok::RParen)
                    return fail_opt(m_tok.pos, "expected ')' to close '(' opened at column " + std::to_string(t.pos + 1) +
                                                   ", found " + describe(m_tok));
                advance();
                return inner;
            }
            case Tok::Name:
                return parse_call(t);
            case Tok::Error:
                return fail_opt(t.pos, t.text);
            case Tok::End:
                return fail_opt(t.pos, "the expression ends where a value was expected");
            default:
                return fail_opt(t.pos, "expected a value, found " + describe(t));
        }
    }

    std::optional<std::uint32_t> parse_call(const Token& name) {
        advance();
        const FunctionInfo* fn = nullptr;
        for (const auto& f : k_functions)
            if (f.name == name.text) fn = &f;
        if (m_tok.kind != Tok::LParen) {
            if (name.text == "and" || name.text == "or" || name.text == "div" || name.text == "mod")
                return fail_opt(name.pos, "'" + name.text + "' needs a value on its left");
            if (m_syntax == Expression::Syntax::ChoiceFilter) {  // a property of the choice being filtered
                bool seen = false;
                for (const auto& p : m_expr.m_properties) seen = seen || p == name.text;
                if (!seen) m_expr.m_properties.push_back(name.text);
                auto n = make(Op::Property);
                n.text = name.text;
                return add(std::move(n));
            }
            if (fn)
                return fail_opt(name.pos, "'" + name.text + "' is a function: write " + name.text + "(" +
                                              (fn->arity == 0 ? "" : "...") + ")");
            return fail_opt(name.pos, "'" + name.text + "' is not a value: write a question as ${" + name.text +
                                          "}, text in quotes ('" + name.text + "'), or call a function with ()");
        }
        if (!fn) return fail_opt(name.pos, "unknown function '" + name.text + "()'; known functions: " + known_functions());
        advance();
        std::vector<std::uint32_t> args;
        if (m_tok.kind != Tok::RParen) {
            while (true) {
                if (++m_depth > k_max_depth) return fail_opt(m_tok.pos, "the expression is nested too deeply");
                auto arg = parse_or();
                --m_depth;
                if (!arg) return std::nullopt;
                args.push_back(*arg);
                if (m_tok.kind == Tok::Comma) {
                    advance();
                    continue;
                }
                break;
            }
        }
        if (m_tok.kind != Tok::RParen)
            return fail_opt(m_tok.pos, "expected ',' or ')' in the arguments of " + name.text + "(), found " + describe(m_tok));
        advance();
        if (static_cast<int>(args.size()) != fn->arity)
            return fail_opt(name.pos, name.text + "() takes " + std::to_string(fn->arity) + " argument" +
                                          (fn->arity == 1 ? "" : "s") + ", not " + std::to_string(args.size()));
        Expression::Node n = make(fn->op);
        if (!args.empty()) n.a = args[0];
        if (args.size() > 1) n.b = args[1];
        if (args.size() > 2) n.c = args[2];
        return add(std::move(n));
    }

    static std::string describe(const Token& t) {
        switch (t.kind) {
            case Tok::End:
                return "the end of the expression";
            case Tok::Number:
                return "a number";
            case Tok::String:
                return "text '" + t.text + "'";
            case Tok::Ref:
                return "${" + t.text + "}";
            case Tok::Name:
                return "'" + t.text + "'";
            case Tok::LParen:
                return "'('";
            case Tok::RParen:
                return "')'";
            case Tok::Comma:
                return "','";
            case Tok::Dot:
                return "'.'";
            default:
                return "an operator";
        }
    }

    static Expression::Node make(Op op, std::uint32_t a = 0, std::uint32_t b = 0) {
        Expression::Node n;
        n.op = op;
        n.a = a;
        n.b = b;
        return n;
    }
    bool is_word(std::string_view w) const { return m_tok.kind == Tok::Name && m_tok.text == w; }
    void advance() { m_tok = m_lex.next(); }
    // Appends a node. Children are already in m_nodes; a tree taller than k_max_tree_height (a long
    // chain like 1+1+1+... builds a left-deep tree) is refused so that evaluation's recursion stays bounded.
    std::optional<std::uint32_t> add(Expression::Node n) {
        const auto& nodes = m_expr.m_nodes;
        const int arity = child_count(n.op);
        std::uint32_t h = 0;
        if (arity > 0) h = std::max(h, nodes[n.a].depth);
        if (arity > 1) h = std::max(h, nodes[n.b].depth);
        if (arity > 2) h = std::max(h, nodes[n.c].depth);
        n.depth = h + 1;
        if (n.depth > k_max_tree_height)
            return fail_opt(m_tok.pos, "the expression is too long or nested too deeply (split it with a calculate question)");
        m_expr.m_nodes.push_back(std::move(n));
        return static_cast<std::uint32_t>(m_expr.m_nodes.size() - 1);
    }

    static int child_count(Op op) {
        switch (op) {
            case Op::Number:
            case Op::String:
            case Op::Ref:
            case Op::Self:
            case Op::True:
            case Op::False:
            case Op::Property:
                return 0;
            case Op::Neg:
            case Op::Not:
            case Op::CountSelected:
            case Op::StringLength:
            case Op::ToNumber:
            case Op::Round:
                return 1;
            case Op::If:
                return 3;
            default:
                return 2;
        }
    }
    std::unexpected<ExpressionError> fail(std::size_t pos, std::string msg) {
        return std::unexpected(ExpressionError{pos + 1, std::move(msg)});
    }
    std::optional<std::uint32_t> fail_opt(std::size_t pos, std::string msg) {
        if (!m_error) m_error = ExpressionError{pos + 1, std::move(msg)};
        return std::nullopt;
    }

    Lexer m_lex;
    Token m_tok;
    Expression m_expr;
    std::optional<ExpressionError> m_error;
    Expression::Syntax m_syntax;
    int m_depth = 0;
};

std::expected<Expression, ExpressionError> Expression::parse(std::string_view text, Syntax syntax) {
    if (text.size() > 4096) return std::unexpected(ExpressionError{1, "the expression is longer than 4096 characters"});
    ExpressionParser p(text, syntax);
    return p.run(text);
}

std::vector<std::string> Expression::bind(const std::function<std::optional<std::uint32_t>(std::string_view)>& resolve) {
    std::vector<std::string> missing;
    for (auto& n : m_nodes) {
        if (n.op != Op::Ref) continue;
        if (auto slot = resolve(n.text)) {
            n.slot = *slot;
        } else {
            n.slot = k_unbound;
            bool seen = false;
            for (const auto& m : missing) seen = seen || m == n.text;
            if (!seen) missing.push_back(n.text);
        }
    }
    return missing;
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------
bool list_contains(std::string_view list, std::string_view value) {
    if (value.empty()) return false;
    std::size_t i = 0;
    while (i < list.size()) {
        while (i < list.size() && list[i] == ' ') ++i;
        std::size_t j = i;
        while (j < list.size() && list[j] != ' ') ++j;
        if (j > i && list.substr(i, j - i) == value) return true;
        i = j;
    }
    return false;
}

std::size_t list_count(std::string_view list) {
    std::size_t n = 0;
    std::size_t i = 0;
    while (i < list.size()) {
        while (i < list.size() && list[i] == ' ') ++i;
        if (i < list.size()) ++n;
        while (i < list.size() && list[i] != ' ') ++i;
    }
    return n;
}

namespace {

// XPath 1.0 equality: if either side is boolean compare as booleans; else if either is a number,
// compare as numbers; else compare as strings.
bool values_equal(const Value& l, const Value& r) {
    using K = Value::Kind;
    if (l.kind() == K::Boolean || r.kind() == K::Boolean) return l.to_bool() == r.to_bool();
    if (l.kind() == K::Number || r.kind() == K::Number) return l.to_number() == r.to_number();
    return l.text() == r.text();  // Empty and String: text() is "" for Empty
}

// <, <=, >, >= compare numbers (XPath 1.0), except two ISO dates (`YYYY-MM-DD`, a date question's value or a
// literal such as '2000-01-01'): those compare as text, which orders them by date. ODK compares dates as
// days; this gives the same order without date arithmetic, which the kiosk's expressions do not have.
// Returns -1, 0 or 1 for two dates, nullopt otherwise.
std::optional<int> date_order(const Value& l, const Value& r) {
    if (l.kind() != Value::Kind::String || r.kind() != Value::Kind::String) return std::nullopt;
    if (!is_iso_date(l.text()) || !is_iso_date(r.text())) return std::nullopt;
    const int c = l.text().compare(r.text());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

Value Expression::evaluate(const EvalContext& ctx) const {
    if (m_nodes.empty()) return Value{};
    return eval(m_root, ctx);
}

Value Expression::eval(std::uint32_t index, const EvalContext& ctx) const {
    const Node& n = m_nodes[index];
    auto num = [&](std::uint32_t i) { return eval(i, ctx).to_number(); };
    auto boolean = [&](std::uint32_t i) { return eval(i, ctx).to_bool(); };
    switch (n.op) {
        case Op::Number:
            return Value::number(n.number);
        case Op::String:
            return Value::string(n.text);
        case Op::Ref:
            assert(n.slot != k_unbound && "Expression::bind() must resolve every ${name} before evaluate()");
            if (n.slot == k_unbound) return Value{};
            return ctx.value_of(n.slot);
        case Op::Self:
            return ctx.self();
        case Op::Or:
            return Value::boolean(boolean(n.a) || boolean(n.b));
        case Op::And:
            return Value::boolean(boolean(n.a) && boolean(n.b));
        case Op::Eq:
            return Value::boolean(values_equal(eval(n.a, ctx), eval(n.b, ctx)));
        case Op::Ne:
            return Value::boolean(!values_equal(eval(n.a, ctx), eval(n.b, ctx)));
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge: {
            const Value l = eval(n.a, ctx);
            const Value r = eval(n.b, ctx);
            const auto dates = date_order(l, r);
            const double a = dates ? *dates : l.to_number();
            const double b = dates ? 0.0 : r.to_number();
            if (n.op == Op::Lt) return Value::boolean(a < b);
            if (n.op == Op::Le) return Value::boolean(a <= b);
            if (n.op == Op::Gt) return Value::boolean(a > b);
            return Value::boolean(a >= b);
        }
        case Op::Add:
            return Value::number(num(n.a) + num(n.b));
        case Op::Sub:
            return Value::number(num(n.a) - num(n.b));
        case Op::Mul:
            return Value::number(num(n.a) * num(n.b));
        case Op::Div:
            return Value::number(num(n.a) / num(n.b));  // IEEE: x div 0 = ±Infinity/NaN
        case Op::Mod:
            return Value::number(std::fmod(num(n.a), num(n.b)));
        case Op::Neg:
            return Value::number(-num(n.a));
        case Op::Not:
            return Value::boolean(!boolean(n.a));
        case Op::Selected: {
            const Value list = eval(n.a, ctx);
            const Value item = eval(n.b, ctx);
            const std::string wanted = item.to_string();
            return Value::boolean(list_contains(list.kind() == Value::Kind::String ? list.text() : list.to_string(), wanted));
        }
        case Op::CountSelected: {
            const Value list = eval(n.a, ctx);
            return Value::number(static_cast<double>(list_count(list.to_string())));
        }
        case Op::StringLength: {
            // Length in characters (code points), not bytes: residents type accented and non-Latin text.
            return Value::number(static_cast<double>(utf8_length(eval(n.a, ctx).to_string())));
        }
        case Op::If:
            return boolean(n.a) ? eval(n.b, ctx) : eval(n.c, ctx);
        case Op::Coalesce: {
            Value first = eval(n.a, ctx);
            return first.is_empty() ? eval(n.b, ctx) : first;
        }
        case Op::ToNumber:
            return Value::number(num(n.a));
        case Op::Round: {
            const double d = num(n.a);
            return Value::number(std::isfinite(d) ? std::floor(d + 0.5) : d);  // XPath rounds .5 up
        }
        case Op::True:
            return Value::boolean(true);
        case Op::False:
            return Value::boolean(false);
        case Op::Property:
            return ctx.property(n.text);
    }
    return Value{};
}

}  // namespace fieldkiosk::core
