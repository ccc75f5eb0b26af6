// fieldkiosk::core::Expression — XLSForm expressions, parsed once into an AST and evaluated often.
//
// Index:
//   ExpressionError   where and why a text did not parse
//   EvalContext       what an expression reads: answers by slot, and '.' (the answer being checked)
//   Expression        parse(), references(), bind(), evaluate()
//
// Grammar (XPath 1.0 precedence, lowest first):
//   or  := and ('or' and)*          and := cmp ('and' cmp)*
//   cmp := add (('='|'!='|'<'|'<='|'>'|'>=') add)*
//   add := mul (('+'|'-') mul)*     mul := unary (('*'|'div'|'mod') unary)*
//   unary := '-' unary | primary
//   primary := number | 'string' | "string" | ${name} | '.' | function '(' args ')' | '(' or ')'
//            | name   (choice filters only: a property of the choice being filtered; Syntax::ChoiceFilter)
// Functions: not, selected, count-selected, string-length, if, coalesce, number, round, true, false.
//
// Evaluation never throws and never fails: an unanswered question is '' (see value.hpp).
#pragma once

#include "core/value.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::core {

struct ExpressionError {
    std::size_t column = 0;  // 1-based column in the expression text where the problem was found
    std::string message;     // e.g. "expected ')' to close '(' opened at column 3"
};

// Supplies values to an evaluating expression. Implemented by Session (answers) and by tests.
class EvalContext {
public:
    virtual ~EvalContext() = default;
    [[nodiscard]] virtual const Value& value_of(std::uint32_t slot) const = 0;  // a bound ${name}
    [[nodiscard]] virtual const Value& self() const = 0;                        // '.'
    // A bare name in a choice filter: the property of the choice being filtered ('' if it has none).
    [[nodiscard]] virtual Value property(std::string_view /*name*/) const { return Value{}; }
};

class Expression {
public:
    // Standard: a bare name is an error (write ${name} or 'text'). ChoiceFilter: a bare name is a property
    // of the choice being filtered (XLSForm's choice_filter: `county = ${county}`; `name` is its value).
    enum class Syntax : std::uint8_t { Standard, ChoiceFilter };

    // Parses `text`. The result is unbound: call bind() before evaluate() if it has references.
    [[nodiscard]] static std::expected<Expression, ExpressionError> parse(std::string_view text,
                                                                          Syntax syntax = Syntax::Standard);

    [[nodiscard]] const std::string& text() const { return m_text; }
    // Distinct names referenced with ${name}, in order of first appearance.
    [[nodiscard]] const std::vector<std::string>& references() const { return m_references; }
    [[nodiscard]] bool uses_self() const { return m_uses_self; }  // contains '.'
    // Distinct bare names (choice properties), in order of first appearance; empty for Syntax::Standard.
    [[nodiscard]] const std::vector<std::string>& properties() const { return m_properties; }

    // Resolves each ${name} to a slot. Returns the names `resolve` could not find (empty = all bound).
    std::vector<std::string> bind(const std::function<std::optional<std::uint32_t>(std::string_view)>& resolve);

    // Evaluates against `ctx`. Precondition: bind() resolved every reference (asserted in debug builds).
    [[nodiscard]] Value evaluate(const EvalContext& ctx) const;
    [[nodiscard]] bool evaluate_bool(const EvalContext& ctx) const { return evaluate(ctx).to_bool(); }

    enum class Op : std::uint8_t {
        Number,
        String,
        Ref,
        Self,
        Or,
        And,
        Eq,
        Ne,
        Lt,
        Le,
        Gt,
        Ge,
        Add,
        Sub,
        Mul,
        Div,
        Mod,
        Neg,
        Not,
        Selected,
        CountSelected,
        StringLength,
        If,
        Coalesce,
        ToNumber,
        Round,
        True,
        False,
        Property,  // a bare name in a choice filter (text: the name)
    };
    struct Node {
        Op op = Op::Number;
        std::uint32_t a = 0, b = 0, c = 0;  // child node indices (by arity)
        std::uint32_t slot = k_unbound;     // Ref: bound slot
        std::uint32_t depth = 1;            // height of the subtree; bounds evaluation's recursion
        double number = 0.0;                // Number literal
        std::string text;                   // String literal, or Ref name
    };
    static constexpr std::uint32_t k_unbound = 0xFFFFFFFFu;

    // The parsed tree, for static checks (the loader compares literals with choice values).
    [[nodiscard]] const std::vector<Node>& nodes() const { return m_nodes; }

private:
    friend class ExpressionParser;
    Value eval(std::uint32_t node, const EvalContext& ctx) const;

    std::string m_text;
    std::vector<Node> m_nodes;  // m_nodes[m_root] is the root; children precede parents
    std::uint32_t m_root = 0;
    std::vector<std::string> m_references;
    std::vector<std::string> m_properties;
    bool m_uses_self = false;
};

// True when `list` (space-separated values, as a select_multiple answer) contains `value`.
[[nodiscard]] bool list_contains(std::string_view list, std::string_view value);
// Number of space-separated values in `list`.
[[nodiscard]] std::size_t list_count(std::string_view list);

}  // namespace fieldkiosk::core
