// Index:
//   messages     default validation messages (English; translations in assets/strings/)
//   Context      EvalContext over the session's values
//   Session      construction, queries, transitions, invariants
#include "core/session.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace fieldkiosk::core {

// ---------------------------------------------------------------------------------------------
// messages
// ---------------------------------------------------------------------------------------------
namespace {

// English only: the translations, and English itself for the kiosk, are in assets/strings/ under these keys.
constexpr std::array<std::string_view, 7> k_message_keys{"validation_required",     "validation_constraint",
                                                         "validation_not_a_choice", "validation_exclusive",
                                                         "validation_too_long",     "validation_out_of_range",
                                                         "validation_wrong_type"};
constexpr std::array<std::string_view, 7> k_english{
    "Please answer this question to continue.", "Please check this answer.", "Please choose one of the answers shown.",
    "This answer can't be combined with the others you chose.", "Please use at most {n} characters.",
    "Please choose a number from {n} to {m}.", "Please enter a number."};

std::string fill(std::string_view tmpl, long n, long m) {
    std::string out(tmpl);
    auto put = [&](std::string_view key, long v) {
        if (auto p = out.find(key); p != std::string::npos) out.replace(p, key.size(), std::to_string(v));
    };
    put("{n}", n);
    put("{m}", m);
    return out;
}

}  // namespace

std::string default_message(ValidationError::Kind kind) { return std::string(k_english[static_cast<std::size_t>(kind)]); }

std::string_view message_key(ValidationError::Kind kind) { return k_message_keys[static_cast<std::size_t>(kind)]; }

// ---------------------------------------------------------------------------------------------
// check_answer: the type checks shared by set_answer() and the loader's check of defaults
// ---------------------------------------------------------------------------------------------
std::expected<AnswerCheck, ValidationError::Kind> check_answer(const Question& q, Answer& a) {
    using K = ValidationError::Kind;
    std::string chosen_other;  // the choice value marked "other" that is selected, if any
    switch (q.type) {
        case QuestionType::SelectOne: {
            auto* v = std::get_if<std::string>(&a.data);
            if (!v) return std::unexpected(K::WrongType);
            if (v->empty()) return AnswerCheck::Empty;
            const Choice* c = q.find_choice(*v);
            if (!c) return std::unexpected(K::NotAChoice);
            if (c->other) chosen_other = c->value;
            break;
        }
        case QuestionType::SelectMultiple: {
            auto* v = std::get_if<std::vector<std::string>>(&a.data);
            if (!v) return std::unexpected(K::WrongType);
            for (const auto& s : *v)
                if (!q.find_choice(s)) return std::unexpected(K::NotAChoice);
            // Keep the survey's choice order and drop repeats, so equal selections compare equal.
            std::vector<std::string> ordered;
            bool exclusive = false;
            for (const auto& c : q.choices) {
                if (std::ranges::find(*v, c.value) == v->end()) continue;
                ordered.push_back(c.value);
                exclusive = exclusive || c.exclusive;
                if (c.other) chosen_other = c.value;
            }
            if (exclusive && ordered.size() > 1) return std::unexpected(K::Exclusive);
            if (ordered.empty()) return AnswerCheck::Empty;
            *v = std::move(ordered);
            break;
        }
        case QuestionType::Integer:
            if (auto* d = std::get_if<double>(&a.data); d && std::isfinite(*d) && *d == std::trunc(*d) && std::abs(*d) < 9e15)
                a.data = static_cast<std::int64_t>(*d);
            if (!std::holds_alternative<std::int64_t>(a.data)) return std::unexpected(K::WrongType);
            break;
        case QuestionType::Decimal:
            if (auto* n = std::get_if<std::int64_t>(&a.data)) a.data = static_cast<double>(*n);
            if (auto* d = std::get_if<double>(&a.data); !d || !std::isfinite(*d)) return std::unexpected(K::WrongType);
            break;
        case QuestionType::Scale: {
            auto* n = std::get_if<std::int64_t>(&a.data);
            if (!n) return std::unexpected(K::WrongType);
            if (*n < q.scale_min || *n > q.scale_max) return std::unexpected(K::OutOfRange);
            break;
        }
        case QuestionType::Text: {
            auto* s = std::get_if<std::string>(&a.data);
            if (!s) return std::unexpected(K::WrongType);
            // Only spaces is no answer: it must not satisfy `required`.
            if (s->find_first_not_of(" \t\r\n") == std::string::npos) return AnswerCheck::Empty;
            if (utf8_length(*s) > static_cast<std::size_t>(q.max_length)) return std::unexpected(K::TooLong);
            break;
        }
        case QuestionType::Acknowledge: {
            auto* s = std::get_if<std::string>(&a.data);
            if (!s) return std::unexpected(K::WrongType);
            if (s->empty()) return AnswerCheck::Empty;
            if (*s != k_acknowledged) return std::unexpected(K::NotAChoice);
            break;
        }
        case QuestionType::Rank: {  // the order is the answer: kept as given; each choice at most once
            auto* v = std::get_if<std::vector<std::string>>(&a.data);
            if (!v) return std::unexpected(K::WrongType);
            for (std::size_t i = 0; i < v->size(); ++i) {
                if (!q.find_choice((*v)[i])) return std::unexpected(K::NotAChoice);
                const auto before = v->begin() + static_cast<std::ptrdiff_t>(i);
                if (std::find(v->begin(), before, (*v)[i]) != before) return std::unexpected(K::NotAChoice);
            }
            if (v->empty()) return AnswerCheck::Empty;
            break;
        }
        case QuestionType::Date: {
            auto* s = std::get_if<std::string>(&a.data);
            if (!s) return std::unexpected(K::WrongType);
            if (s->empty()) return AnswerCheck::Empty;
            if (!is_iso_date(*s)) return std::unexpected(K::WrongType);
            break;
        }
        case QuestionType::Note:
        case QuestionType::Calculate:
            return std::unexpected(K::WrongType);
    }
    if (chosen_other.empty())
        a.write_in.clear();  // a write-in belongs to an "other" choice only
    else if (utf8_length(a.write_in) > k_max_write_in)
        return std::unexpected(K::TooLong);
    return AnswerCheck::Ok;
}

// ---------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------
class Session::Context final : public EvalContext {
public:
    Context(const std::vector<Value>& values, const Value& self) : m_values(values), m_self(self) {}
    [[nodiscard]] const Value& value_of(std::uint32_t slot) const override { return m_values[slot]; }
    [[nodiscard]] const Value& self() const override { return m_self; }

private:
    const std::vector<Value>& m_values;
    const Value& m_self;
};

// What a choice_filter reads: the answers, and the bare names of one choice (`name` is its value).
class FilterContext final : public EvalContext {
public:
    FilterContext(const std::vector<Value>& values, const Choice& choice) : m_values(values), m_choice(choice) {}
    [[nodiscard]] const Value& value_of(std::uint32_t slot) const override { return m_values[slot]; }
    [[nodiscard]] const Value& self() const override { return k_empty; }
    [[nodiscard]] Value property(std::string_view name) const override {
        if (name == "name") return Value::string(m_choice.value);
        const std::string* p = m_choice.property(name);
        return p ? Value::string(*p) : Value{};
    }

private:
    static inline const Value k_empty{};
    const std::vector<Value>& m_values;
    const Choice& m_choice;
};

namespace {

// The values a select answer holds (one for select_one, the list for select_multiple and rank).
std::vector<std::string> chosen_values(const Answer& a) {
    if (const auto* one = std::get_if<std::string>(&a.data)) return {*one};
    if (const auto* many = std::get_if<std::vector<std::string>>(&a.data)) return *many;
    return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------
Session::Session(SurveyPtr survey, Options options, const Clock& clock, Rng& rng)
    : Session(std::move(survey), std::move(options), clock, make_uuid_v4(rng), clock.wall_now()) {}

Session::Session(SurveyPtr survey, Options options, const Clock& clock, std::string id,
                 std::chrono::system_clock::time_point started_at)
    : m_survey(std::move(survey)), m_options(std::move(options)), m_clock(&clock), m_id(std::move(id)), m_started_at(started_at) {
    if (!m_survey) throw std::invalid_argument("Session needs a survey");
    m_language = m_options.language.empty() ? m_survey->default_language : m_options.language;
    if (!m_survey->has_language(m_language))
        throw std::invalid_argument("survey '" + m_survey->id + "' has no language '" + m_language + "'");
    const auto n = m_survey->questions.size();
    m_answers.resize(n);
    m_values.resize(n);
    m_relevant.assign(n, 0);
    m_arrived.assign(n, 0);
    recompute();
    if (auto first = next_shown(0)) {
        arrive(*first);
    } else {
        m_state = State::Finished;  // nothing is relevant: an empty (but valid) walk
    }
    check_invariants_in_debug();
}

nlohmann::json Session::snapshot() const {
    using nlohmann::json;
    json answers = json::object();
    json arrived = json::array();
    const auto& qs = m_survey->questions;
    for (std::size_t i = 0; i < qs.size(); ++i) {
        if (const Answer* a = answer(i)) answers[qs[i].name] = answer_to_json(*a);
        if (m_arrived[i]) arrived.push_back(qs[i].name);
    }
    return json{
        {"format", 1},
        {"id", m_id},
        {"survey", m_survey->id},
        {"survey_version", m_survey->version},
        {"language", m_language},
        {"mode", to_string(m_options.mode)},
        {"site", m_options.site},
        {"worker", m_options.worker},
        {"started_at_ms", std::chrono::duration_cast<std::chrono::milliseconds>(m_started_at.time_since_epoch()).count()},
        {"state", m_state == State::Answering  ? "answering"
                  : m_state == State::Finished ? "finished"
                                               : "completed"},
        {"current", m_state == State::Answering ? qs[m_current].name : std::string{}},
        {"answers", std::move(answers)},
        {"arrived", std::move(arrived)},
    };
}

std::expected<Session, std::string> Session::restore(SurveyPtr survey, const nlohmann::json& j, const Clock& clock) {
    if (!survey) return std::unexpected(std::string("no survey"));
    if (!j.is_object() || j.value("format", 0) != 1) return std::unexpected(std::string("not a session snapshot (format 1)"));
    try {
        if (j.at("survey").get<std::string>() != survey->id)
            return std::unexpected("the draft is for survey '" + j.at("survey").get<std::string>() + "'");
        if (j.at("survey_version").get<std::string>() != survey->version)
            return std::unexpected("the draft was started on version " + j.at("survey_version").get<std::string>() + " of '" +
                                   survey->id + "', which is no longer loaded");
        const auto mode = mode_from_string(j.at("mode").get<std::string>());
        if (!mode) return std::unexpected(std::string("unknown mode in the draft"));
        Options o{j.at("language").get<std::string>(), *mode, j.at("site").get<std::string>(), j.at("worker").get<std::string>()};
        if (!survey->has_language(o.language)) o.language = survey->default_language;
        const std::chrono::system_clock::time_point started{std::chrono::milliseconds{j.at("started_at_ms").get<std::int64_t>()}};
        Session s(survey, std::move(o), clock, j.at("id").get<std::string>(), started);
        // Start from nothing (the constructor may have applied a default the resident had cleared).
        s.m_answers.assign(survey->questions.size(), std::nullopt);
        s.m_arrived.assign(survey->questions.size(), 0);
        s.recompute();
        for (const auto& name : j.at("arrived"))
            if (auto i = survey->index_of(name.get<std::string>())) s.m_arrived[*i] = 1;
        // Replay answers in survey order through the same checks as set_answer().
        for (std::size_t i = 0; i < survey->questions.size(); ++i) {
            const auto& q = survey->questions[i];
            auto it = j.at("answers").find(q.name);
            if (it == j.at("answers").end() || !s.m_relevant[i] || !q.takes_answer()) continue;
            auto a = answer_from_json(q, *it);
            if (!a) continue;
            s.m_state = State::Answering;
            s.m_current = i;
            (void)s.set_answer(std::move(*a));
        }
        s.m_state = State::Answering;
        const auto current = j.at("current").get<std::string>();
        auto ci = survey->index_of(current);
        if (j.at("state") == "answering" && ci && s.m_relevant[*ci] && survey->questions[*ci].is_shown()) {
            s.m_current = *ci;
        } else if (auto last = s.previous_shown(survey->questions.size()); j.at("state") != "answering" && last) {
            s.m_current = *last;  // a finished draft resumes on its last question
        } else if (auto first = s.next_shown(0)) {
            s.m_current = *first;
        } else {
            s.m_state = State::Finished;
        }
        s.check_invariants_in_debug();
        return s;
    } catch (const nlohmann::json::exception& e) { return std::unexpected(std::string("the draft is damaged: ") + e.what()); }
}

const Question& Session::current() const {
    assert(m_state == State::Answering && "Session::current() is only valid while Answering; check state() first");
    return m_survey->questions[m_current];
}

const Answer* Session::answer(std::size_t index) const {
    if (index >= m_answers.size() || !m_answers[index] || !m_relevant[index]) return nullptr;
    return &*m_answers[index];
}

const Answer* Session::answer(std::string_view name) const {
    auto i = m_survey->index_of(name);
    return i ? answer(*i) : nullptr;
}

Progress Session::progress() const {
    Progress p;
    const auto& qs = m_survey->questions;
    for (std::size_t i = 0; i < qs.size(); ++i) {
        // Notes are read, not answered: "Question 1 of about 16" on an introduction was wrong (issue 16).
        if (!qs[i].is_shown() || !m_relevant[i] || qs[i].type == QuestionType::Note) continue;
        ++p.total;
        if (m_state != State::Answering || i <= m_current) ++p.position;
    }
    return p;
}

bool Session::can_go_back() const {
    if (m_state == State::Completed) return false;
    if (m_state == State::Finished) return previous_shown(m_survey->questions.size()).has_value();
    return previous_shown(m_current).has_value();
}

std::size_t Session::answered_count() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < m_answers.size(); ++i) n += (m_answers[i] && m_relevant[i]) ? 1u : 0u;
    return n;
}

std::vector<const Choice*> Session::choices(std::size_t index) const {
    std::vector<const Choice*> out;
    const Question& q = m_survey->questions[index];
    for (const auto& c : q.choices) {
        if (q.choice_filter && !q.choice_filter->evaluate_bool(FilterContext(m_values, c))) continue;
        // A value repeated in a cascading list ('king' in two states) is offered once, the first that passes.
        if (std::ranges::any_of(out, [&](const Choice* o) { return o->value == c.value; })) continue;
        out.push_back(&c);
    }
    return out;
}

bool Session::offers_choice(std::size_t index, std::string_view value) const {
    const Question& q = m_survey->questions[index];
    for (const auto& c : q.choices)  // every choice with that value: a cascading list may repeat it
        if (c.value == value && (!q.choice_filter || q.choice_filter->evaluate_bool(FilterContext(m_values, c)))) return true;
    return false;
}

std::optional<ValidationError> Session::check_current() const {
    if (m_state != State::Answering) return std::nullopt;
    return check(m_current);
}

ValidationError Session::error(ValidationError::Kind kind, std::size_t index) const {
    const Question& q = m_survey->questions[index];
    ValidationError e{kind, q.name, {}, {}, 0, 0};
    if (kind == ValidationError::Kind::Required && !q.required_message.empty()) {
        e.message = q.required_message.get(m_language, m_survey->default_language);
    } else if (kind == ValidationError::Kind::Constraint && !q.constraint_message.empty()) {
        e.message = q.constraint_message.get(m_language, m_survey->default_language);
    } else {
        e.message = default_message(kind);
        e.key = message_key(kind);
    }
    if (kind == ValidationError::Kind::TooLong) {
        e.n = q.type == QuestionType::Text ? q.max_length : static_cast<long>(k_max_write_in);
        e.message = fill(e.message, e.n, 0);
    }
    if (kind == ValidationError::Kind::OutOfRange) {
        e.n = q.scale_min;
        e.m = q.scale_max;
        e.message = fill(e.message, e.n, e.m);
    }
    return e;
}

std::optional<ValidationError> Session::check(std::size_t index) const {
    const Question& q = m_survey->questions[index];
    if (!q.takes_answer()) return std::nullopt;
    const auto& a = m_answers[index];
    if (!a) {
        // A filter that leaves no choices cannot hold the resident here for ever (docs/survey_format.md,
        // "Choice filters"): the question is passed unanswered.
        if (q.required && !(q.choice_filter && choices(index).empty())) return error(ValidationError::Kind::Required, index);
        return std::nullopt;
    }
    if (q.choice_filter)
        for (const auto& v : chosen_values(*a))
            if (!offers_choice(index, v)) return error(ValidationError::Kind::NotAChoice, index);
    if (q.constraint) {
        const Context ctx(m_values, m_values[index]);
        if (!q.constraint->evaluate_bool(ctx)) return error(ValidationError::Kind::Constraint, index);
    }
    return std::nullopt;
}

std::expected<void, ValidationError> Session::set_answer(Answer a) {
    if (m_state != State::Answering)
        return std::unexpected(ValidationError{ValidationError::Kind::WrongType, {}, "the survey is not waiting for an answer"});
    const std::size_t i = m_current;
    const auto checked = check_answer(m_survey->questions[i], a);
    if (!checked) return std::unexpected(error(checked.error(), i));
    if (*checked == AnswerCheck::Empty) {
        clear_answer();
        return {};
    }
    if (m_survey->questions[i].choice_filter)
        for (const auto& v : chosen_values(a))
            if (!offers_choice(i, v)) return std::unexpected(error(ValidationError::Kind::NotAChoice, i));
    m_answers[i] = std::move(a);
    recompute();
    check_invariants_in_debug();
    return {};
}

std::expected<void, ValidationError> Session::toggle_choice(std::string_view value) {
    if (m_state != State::Answering)
        return std::unexpected(ValidationError{ValidationError::Kind::WrongType, {}, "the survey is not waiting for an answer"});
    const Question& q = m_survey->questions[m_current];
    if (q.type == QuestionType::Acknowledge) {  // the one tick: on, or off again
        if (value != k_acknowledged) return std::unexpected(error(ValidationError::Kind::NotAChoice, m_current));
        if (current_answer() == nullptr) return set_answer(Answer::text(std::string(k_acknowledged)));
        clear_answer();
        return {};
    }
    const Choice* c = q.find_choice(value);
    if (!c || !offers_choice(m_current, value)) return std::unexpected(error(ValidationError::Kind::NotAChoice, m_current));
    if (q.type == QuestionType::SelectOne)
        return set_answer(Answer::choice(std::string(value), current_answer() ? current_answer()->write_in : ""));
    if (q.type == QuestionType::Rank) {  // the next place, or out of the order (the later ones move up)
        std::vector<std::string> order;
        if (const Answer* a = current_answer()) order = std::get<std::vector<std::string>>(a->data);
        if (auto it = std::ranges::find(order, value); it != order.end())
            order.erase(it);
        else
            order.emplace_back(value);
        if (order.empty()) {
            clear_answer();
            return {};
        }
        return set_answer(Answer::choices(std::move(order)));
    }
    if (q.type != QuestionType::SelectMultiple) return std::unexpected(error(ValidationError::Kind::WrongType, m_current));
    std::vector<std::string> selected;
    std::string write_in;
    if (const Answer* a = current_answer()) {
        selected = std::get<std::vector<std::string>>(a->data);
        write_in = a->write_in;
    }
    if (auto it = std::ranges::find(selected, value); it != selected.end()) {
        selected.erase(it);
    } else if (c->exclusive) {
        selected = {std::string(value)};  // "None of these" / "Prefer not to say" stands alone
    } else {
        std::erase_if(selected, [&](const std::string& v) { return q.find_choice(v)->exclusive; });
        selected.emplace_back(value);
    }
    return set_answer(Answer::choices(std::move(selected), std::move(write_in)));
}

void Session::clear_answer() {
    if (m_state != State::Answering) return;
    m_answers[m_current].reset();
    recompute();
    check_invariants_in_debug();
}

std::expected<Session::Step, ValidationError> Session::next() {
    if (m_state == State::Finished) return Step::ReachedEnd;
    if (m_state == State::Completed)
        return std::unexpected(ValidationError{ValidationError::Kind::WrongType, {}, "the survey is already complete"});
    if (auto err = check(m_current)) return std::unexpected(std::move(*err));
    if (auto j = next_shown(m_current + 1)) {
        arrive(*j);
        check_invariants_in_debug();
        return Step::Moved;
    }
    m_state = State::Finished;
    check_invariants_in_debug();
    return Step::ReachedEnd;
}

bool Session::back() {
    if (m_state == State::Completed) return false;
    const std::size_t before = m_state == State::Finished ? m_survey->questions.size() : m_current;
    auto j = previous_shown(before);
    if (!j) return false;
    m_state = State::Answering;
    arrive(*j);
    check_invariants_in_debug();
    return true;
}

bool Session::set_language(std::string_view code) {
    if (m_state == State::Completed || !m_survey->has_language(code)) return false;
    m_language = std::string(code);
    return true;
}

std::expected<Response, ValidationError> Session::complete() {
    if (m_state != State::Finished)
        return std::unexpected(ValidationError{ValidationError::Kind::Required, m_state == State::Answering ? current().name : "",
                                               "the survey is not finished"});
    // Every relevant question was validated on the way here; check again in case of a caller's misuse.
    const auto& qs = m_survey->questions;
    for (std::size_t i = 0; i < qs.size(); ++i)
        if (m_relevant[i] && qs[i].is_shown())
            if (auto err = check(i)) return std::unexpected(std::move(*err));

    Response r;
    r.id = m_id;
    r.survey_id = m_survey->id;
    r.survey_version = m_survey->version;
    r.language = m_language;
    r.mode = m_options.mode;
    r.site = m_options.site;
    r.worker = m_options.worker;
    r.started_at = m_started_at;
    r.completed_at = m_clock->wall_now();
    r.sealed_to = m_survey->encryption;
    for (std::size_t i = 0; i < qs.size(); ++i) {
        if (!m_relevant[i]) continue;
        if (m_answers[i]) r.answers.emplace_back(qs[i].name, *m_answers[i]);
        if (qs[i].type == QuestionType::Calculate && !m_values[i].is_empty()) r.calculated.emplace_back(qs[i].name, m_values[i]);
    }
    m_state = State::Completed;
    check_invariants_in_debug();
    return r;
}

// One forward pass settles everything: expressions refer only to earlier questions (the loader checks).
void Session::recompute() {
    const auto& qs = m_survey->questions;
    static const Value k_empty;
    for (std::size_t i = 0; i < qs.size(); ++i) {
        const Question& q = qs[i];
        const Context ctx(m_values, k_empty);
        const bool relevant = !q.relevant || q.relevant->evaluate_bool(ctx);
        m_relevant[i] = relevant ? 1 : 0;
        if (!relevant) {
            // The answer is hidden, not forgotten: expressions see '', answer() and the response
            // leave it out, and it comes back if a mis-tap is undone. Session is per respondent and
            // is destroyed on time-out, so nothing outlives the walk.
            m_values[i] = Value{};
            continue;
        }
        if (q.choice_filter) drop_filtered_out(i);
        if (q.type == QuestionType::Calculate)
            m_values[i] = q.calculation->evaluate(ctx);
        else if (m_answers[i])
            m_values[i] = m_answers[i]->to_value();
        else
            m_values[i] = Value{};
    }
}

// An earlier answer changed and the filter no longer offers a chosen value: it is removed, as ODK Collect
// does (a select_one is cleared; a select_multiple or rank keeps the rest of its values, in order). Unlike an
// irrelevant answer it does not come back: the resident chose from a list that is no longer shown.
void Session::drop_filtered_out(std::size_t index) {
    auto& a = m_answers[index];
    if (!a) return;
    if (auto* one = std::get_if<std::string>(&a->data)) {
        if (!offers_choice(index, *one)) a.reset();
        return;
    }
    auto* many = std::get_if<std::vector<std::string>>(&a->data);
    if (!many) return;
    const auto removed = std::erase_if(*many, [&](const std::string& v) { return !offers_choice(index, v); });
    if (removed == 0) return;
    if (many->empty()) {
        a.reset();
        return;
    }
    // check_answer() drops a write-in whose "other" choice went; the rest still passes (it did before).
    if (auto c = check_answer(m_survey->questions[index], *a); !c || *c != AnswerCheck::Ok) a.reset();
}

void Session::arrive(std::size_t index) {
    m_current = index;
    if (m_arrived[index]) return;
    m_arrived[index] = 1;
    const Question& q = m_survey->questions[index];
    if (!q.default_value || m_answers[index]) return;
    // Defaults are validated by the loader, so parsing them cannot fail here.
    if (auto a = answer_from_text(q, *q.default_value)) {
        if (q.type == QuestionType::SelectOne) a = Answer::choice(*q.default_value);
        (void)set_answer(std::move(*a));
    }
}

bool Session::only_notes_remain() const {
    if (m_state != State::Answering) return false;
    const auto& qs = m_survey->questions;
    for (std::size_t i = m_current; i < qs.size(); ++i)
        if (qs[i].is_shown() && m_relevant[i] && qs[i].type != QuestionType::Note) return false;
    return true;
}

bool Session::on_last_question() const {
    if (m_state != State::Answering || current().type == QuestionType::Note) return false;
    const auto& qs = m_survey->questions;
    for (std::size_t i = m_current + 1; i < qs.size(); ++i)
        if (qs[i].is_shown() && m_relevant[i] && qs[i].type != QuestionType::Note) return false;
    return true;
}

std::vector<std::size_t> Session::remaining_shown() const {
    std::vector<std::size_t> out;
    if (m_state != State::Answering) return out;
    for (auto i = std::optional(m_current); i; i = next_shown(*i + 1)) out.push_back(*i);
    return out;
}

std::optional<std::size_t> Session::next_shown(std::size_t from) const {
    const auto& qs = m_survey->questions;
    for (std::size_t i = from; i < qs.size(); ++i)
        if (qs[i].is_shown() && m_relevant[i]) return i;
    return std::nullopt;
}

std::optional<std::size_t> Session::previous_shown(std::size_t before) const {
    const auto& qs = m_survey->questions;
    for (std::size_t i = std::min(before, qs.size()); i-- > 0;)
        if (qs[i].is_shown() && m_relevant[i]) return i;
    return std::nullopt;
}

void Session::debug_check_invariants() const {
    auto fail = [](const char* what) {
        std::fprintf(stderr, "fieldkiosk: Session invariant broken: %s\n", what);
        std::abort();
    };
    const auto& qs = m_survey->questions;
    if (m_answers.size() != qs.size() || m_values.size() != qs.size() || m_relevant.size() != qs.size())
        fail("per-question vectors must match the survey's question count");
    if (m_state == State::Answering) {
        if (m_current >= qs.size()) fail("current index out of range");
        if (!qs[m_current].is_shown()) fail("current question is a calculate question");
        if (!m_relevant[m_current]) fail("current question is not relevant");
    }
    for (std::size_t i = 0; i < qs.size(); ++i) {
        if (!m_relevant[i] && !m_values[i].is_empty()) fail("an irrelevant question has a value (recompute() must blank it)");
        if (!m_answers[i]) continue;
        if (!qs[i].takes_answer()) fail("a note or calculate question holds an answer");
        Answer copy = *m_answers[i];
        if (auto c = check_answer(qs[i], copy); !c || *c != AnswerCheck::Ok || !(copy == *m_answers[i]))
            fail("a held answer does not pass check_answer() unchanged");
        if (m_relevant[i] && qs[i].choice_filter)
            for (const auto& v : chosen_values(*m_answers[i]))
                if (!offers_choice(i, v)) fail("a held answer lists a choice its choice_filter no longer offers");
    }
}

void Session::check_invariants_in_debug() const {
#ifndef NDEBUG
    debug_check_invariants();
#endif
}

}  // namespace fieldkiosk::core
