// Fuzzes the expression parser and evaluator: any text must parse or be refused with a column inside
// the text, and evaluating a parsed expression must never crash, whatever the answers are.
#include "core/expression.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {
using namespace fieldkiosk::core;

class FuzzContext final : public EvalContext {
public:
    Value values[4] = {Value{}, Value::string("food none"), Value::number(17), Value::string("16_17")};
    Value self_value = Value::number(3);
    [[nodiscard]] const Value& value_of(std::uint32_t slot) const override { return values[slot % 4]; }
    [[nodiscard]] const Value& self() const override { return self_value; }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto e = Expression::parse(text);
    if (!e) {
        if (e.error().column < 1 || e.error().column > text.size() + 1) std::abort();
        if (e.error().message.empty()) std::abort();
        return 0;
    }
    std::uint32_t next = 0;
    (void)e->bind([&](std::string_view) -> std::optional<std::uint32_t> { return next++; });
    FuzzContext ctx;
    (void)e->evaluate(ctx).to_string();
    return 0;
}
