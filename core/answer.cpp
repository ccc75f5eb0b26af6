#include "core/answer.hpp"

#include "core/clock.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cctype>
#include <cmath>
#include <sstream>

namespace fieldkiosk::core {

using nlohmann::json;

Value Answer::to_value() const {
    return std::visit(
        [](const auto& d) -> Value {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, std::string>) {
                return Value::string(d);
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                std::string joined;
                for (const auto& v : d) {
                    if (!joined.empty()) joined += ' ';
                    joined += v;
                }
                return Value::string(std::move(joined));
            } else {
                return Value::number(static_cast<double>(d));
            }
        },
        data);
}

std::string Answer::to_display() const {
    if (const auto* d = std::get_if<double>(&data)) return format_xpath_number(*d);
    return to_value().to_string();
}

namespace {

namespace jv = json_view;

std::expected<Answer::Data, std::string> data_from_json(const Question& q, const jv::Node& j) {
    switch (q.type) {
        case QuestionType::SelectOne:
        case QuestionType::Text:
        case QuestionType::Acknowledge:
            if (j.type != jv::Type::String) return std::unexpected(std::string("expected text in quotes"));
            return Answer::Data{jv::text_of(j)};
        case QuestionType::Date: {
            std::string d = jv::text_of(j);
            if (j.type != jv::Type::String || !is_iso_date(d))
                return std::unexpected(std::string("expected a date written YYYY-MM-DD, like \"2026-05-01\""));
            return Answer::Data{std::move(d)};
        }
        case QuestionType::SelectMultiple:
        case QuestionType::Rank: {
            if (j.type != jv::Type::Array) return std::unexpected(std::string("expected a list of choice values, like [\"a\", \"b\"]"));
            std::vector<std::string> values;
            bool all_text = true;
            jv::elements(j, [&](const jv::Node& v) {
                all_text = v.type == jv::Type::String;
                if (all_text) values.push_back(jv::text_of(v));
                return all_text;
            });
            if (!all_text) return std::unexpected(std::string("every selected value must be text in quotes"));
            return Answer::Data{std::move(values)};
        }
        case QuestionType::Integer:
        case QuestionType::Scale:
            if (const auto i = jv::integer_of(j)) return Answer::Data{*i};
            if (const auto d = jv::number_of(j); d && std::isfinite(*d) && *d == std::trunc(*d) && std::abs(*d) < 9e15)
                return Answer::Data{static_cast<std::int64_t>(*d)};
            return std::unexpected(std::string("expected a whole number"));
        case QuestionType::Decimal:
            if (const auto d = jv::number_of(j); d && std::isfinite(*d)) return Answer::Data{*d};
            return std::unexpected(std::string("expected a number"));
        case QuestionType::Note:
        case QuestionType::Calculate:
            break;
    }
    return std::unexpected(std::string(to_string(q.type)) + " questions take no answer");
}

}  // namespace

std::expected<Answer, std::string> answer_from_json(const Question& q, const jv::Node& j) {
    if (j.type == jv::Type::Object) {
        const auto v = jv::find(j, "value");
        if (!v) return std::unexpected(std::string("an answer object needs a \"value\""));
        auto data = data_from_json(q, *v);
        if (!data) return std::unexpected(data.error());
        Answer a{std::move(*data), {}};
        if (const auto o = jv::find(j, "other")) {
            if (o->type != jv::Type::String) return std::unexpected(std::string("\"other\" must be text"));
            a.write_in = jv::text_of(*o);
        }
        return a;
    }
    auto data = data_from_json(q, j);
    if (!data) return std::unexpected(data.error());
    return Answer{std::move(*data), {}};
}

std::expected<Answer, std::string> answer_from_json(const Question& q, const json& j) {
    // One reading of the rules: the document's compact text, read in place (an answer is a few bytes).
    const std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace);
    const auto node = jv::parse(text);
    if (!node) return std::unexpected(std::string("the answer is not JSON"));  // a document always dumps valid JSON
    return answer_from_json(q, *node);
}

json answer_to_json(const Answer& a) {
    json v = std::visit([](const auto& d) { return json(d); }, a.data);
    if (a.write_in.empty()) return v;
    return json{{"value", std::move(v)}, {"other", a.write_in}};
}

namespace {
std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return std::string(s);
}

// "3" -> the third choice's value; "yes" -> "yes" if it is a value.
std::expected<std::string, std::string> choice_from_token(const Question& q, const std::string& token) {
    // Positions first: they are what a terminal shows, even when choice values are numbers themselves.
    std::size_t n = 0;
    auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
    if (ec == std::errc{} && ptr == token.data() + token.size() && n >= 1 && n <= q.choices.size()) return q.choices[n - 1].value;
    if (q.find_choice(token)) return token;
    return std::unexpected("'" + token + "' is not a choice: type its number (1-" + std::to_string(q.choices.size()) +
                           ") or its value");
}
}  // namespace

std::expected<Answer, std::string> answer_from_text(const Question& q, std::string_view text_in) {
    const std::string text = trim(text_in);
    switch (q.type) {
        case QuestionType::SelectOne: {
            auto v = choice_from_token(q, text);
            if (!v) return std::unexpected(v.error());
            return Answer::choice(*v);
        }
        case QuestionType::SelectMultiple:
        case QuestionType::Rank: {  // rank: the values in order of preference, "2 1 3" or "b a c"
            std::string spaced = text;
            for (char& c : spaced)
                if (c == ',') c = ' ';
            std::istringstream in(spaced);
            std::vector<std::string> values;
            for (std::string tok; in >> tok;) {
                auto v = choice_from_token(q, tok);
                if (!v) return std::unexpected(v.error());
                values.push_back(*v);
            }
            return Answer::choices(std::move(values));
        }
        case QuestionType::Integer:
        case QuestionType::Scale: {
            std::int64_t v = 0;
            auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty())
                return std::unexpected("'" + text + "' is not a whole number");
            return Answer::integer(v);
        }
        case QuestionType::Decimal: {
            const double d = parse_xpath_number(text);
            if (std::isnan(d)) return std::unexpected("'" + text + "' is not a number");
            return Answer::decimal(d);
        }
        case QuestionType::Text:
            return Answer::text(text);
        case QuestionType::Acknowledge: {
            std::string upper = text;
            for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (upper != k_acknowledged) return std::unexpected("'" + text + "': an acknowledge question takes only OK");
            return Answer::text(std::string(k_acknowledged));
        }
        case QuestionType::Date:
            if (!is_iso_date(text)) return std::unexpected("'" + text + "' is not a date: write it YYYY-MM-DD, like 2026-05-01");
            return Answer::text(text);
        case QuestionType::Note:
        case QuestionType::Calculate:
            break;
    }
    return std::unexpected(std::string(to_string(q.type)) + " questions take no answer");
}

std::string_view to_string(Mode m) { return m == Mode::Kiosk ? "kiosk" : "assisted"; }

std::optional<Mode> mode_from_string(std::string_view s) {
    if (s == "kiosk") return Mode::Kiosk;
    if (s == "assisted") return Mode::Assisted;
    return std::nullopt;
}

const Answer* Response::find(std::string_view name) const {
    for (const auto& [n, a] : answers)
        if (n == name) return &a;
    return nullptr;
}

json response_to_json(const Response& r) {
    json answers = json::object();
    json write_ins = json::object();
    for (const auto& [name, a] : r.answers) {
        answers[name] = std::visit([](const auto& d) { return json(d); }, a.data);
        if (!a.write_in.empty()) write_ins[name] = a.write_in;
    }
    json calculated = json::object();
    for (const auto& [name, v] : r.calculated) {
        const double d = v.to_number();
        if (v.kind() == Value::Kind::Number && std::isfinite(d) && d == std::trunc(d) && std::abs(d) < 9e15)
            calculated[name] = static_cast<std::int64_t>(d);
        else if (v.kind() == Value::Kind::Number && std::isfinite(d))
            calculated[name] = d;
        else if (v.kind() == Value::Kind::Boolean)
            calculated[name] = v.to_bool();
        else
            calculated[name] = v.to_string();
    }
    json out = {
        {"id", r.id},
        {"survey", r.survey_id},
        {"survey_version", r.survey_version},
        {"language", r.language},
        {"mode", to_string(r.mode)},
        {"site", r.site},
        {"started_at", format_utc(r.started_at)},
        {"completed_at", format_utc(r.completed_at)},
        {"answers", std::move(answers)},
        {"write_ins", std::move(write_ins)},
        {"calculated", std::move(calculated)},
    };
    if (!r.worker.empty()) out["worker"] = r.worker;
    return out;
}

}  // namespace fieldkiosk::core
