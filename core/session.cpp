// Index:
//   messages     default validation messages per language
//   Context      EvalContext over the session's values
//   Session      construction, queries, transitions, invariants
#include "core/session.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace fieldkiosk::core {

// ---------------------------------------------------------------------------------------------
// messages
// ---------------------------------------------------------------------------------------------
namespace {

struct MessageRow {
    std::string_view lang;
    std::array<std::string_view, 7> text;  // indexed by ValidationError::Kind; {n} and {m} are filled in
};

// Draft translations (es, pt, fr, so) share the status of the surveys' draft languages.
constexpr std::array<MessageRow, 5> k_messages{{
    {"en",
     {"Please answer this question to continue.", "Please check this answer.", "Please choose one of the answers shown.",
      "This answer can't be combined with the others you chose.", "Please use at most {n} characters.",
      "Please choose a number from {n} to {m}.", "Please enter a number."}},
    {"es",
     {"Responda a esta pregunta para continuar.", "Revise esta respuesta, por favor.",
      "Elija una de las respuestas que se muestran.", "Esta respuesta no se puede combinar con las otras que eligió.",
      "Use como máximo {n} caracteres.", "Elija un número del {n} al {m}.", "Escriba un número."}},
    {"pt",
     {"Responda a esta pergunta para continuar.", "Verifique esta resposta, por favor.",
      "Escolha uma das respostas apresentadas.", "Esta resposta não pode ser combinada com as outras que escolheu.",
      "Use no máximo {n} caracteres.", "Escolha um número de {n} a {m}.", "Escreva um número."}},
    {"fr",
     {"Veuillez répondre à cette question pour continuer.", "Veuillez vérifier cette réponse.",
      "Veuillez choisir l'une des réponses proposées.", "Cette réponse ne peut pas être combinée avec les autres choisies.",
      "Veuillez utiliser {n} caractères au maximum.", "Veuillez choisir un nombre de {n} à {m}.", "Veuillez saisir un nombre."}},
    {"so",
     {"Fadlan ka jawaab su'aashan si aad u sii wadato.", "Fadlan hubi jawaabtan.",
      "Fadlan dooro mid ka mid ah jawaabaha la muujiyey.", "Jawaabtan lama raacin karo jawaabaha kale ee aad dooratay.",
      "Fadlan isticmaal ugu badnaan {n} xaraf.", "Fadlan dooro lambar u dhexeeya {n} iyo {m}.", "Fadlan qor lambar."}},
}};

std::string fill(std::string_view tmpl, long n, long m) {
    std::string out(tmpl);
    auto put = [&](std::string_view key, long v) {
        if (auto p = out.find(key); p != std::string::npos) out.replace(p, key.size(), std::to_string(v));
    };
    put("{n}", n);
    put("{m}", m);
    return out;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0u) != 0x80u ? 1u : 0u;
    return n;
}

constexpr std::size_t k_max_write_in = 200;

}  // namespace

std::string default_message(ValidationError::Kind kind, std::string_view lang) {
    const auto k = static_cast<std::size_t>(kind);
    for (const auto& row : k_messages)
        if (row.lang == lang) return std::string(row.text[k]);
    return std::string(k_messages[0].text[k]);
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

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------
Session::Session(SurveyPtr survey, Options options, const Clock& clock, Rng& rng)
    : m_survey(std::move(survey)), m_options(std::move(options)), m_clock(&clock) {
    if (!m_survey) throw std::invalid_argument("Session needs a survey");
    m_language = m_options.language.empty() ? m_survey->default_language : m_options.language;
    if (!m_survey->has_language(m_language))
        throw std::invalid_argument("survey '" + m_survey->id + "' has no language '" + m_language + "'");
    m_id = make_uuid_v4(rng);
    m_started_at = m_clock->wall_now();
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

const Question& Session::current() const {
    assert(m_state == State::Answering && "Session::current() is only valid while Answering; check state() first");
    return m_survey->questions[m_current];
}

const Answer* Session::answer(std::size_t index) const {
    if (index >= m_answers.size() || !m_answers[index]) return nullptr;
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
        if (!qs[i].is_shown() || !m_relevant[i]) continue;
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
    return static_cast<std::size_t>(std::ranges::count_if(m_answers, [](const auto& a) { return a.has_value(); }));
}

std::optional<ValidationError> Session::check_current() const {
    if (m_state != State::Answering) return std::nullopt;
    return check(m_current);
}

ValidationError Session::error(ValidationError::Kind kind, std::size_t index, std::string detail) const {
    const Question& q = m_survey->questions[index];
    std::string msg;
    if (kind == ValidationError::Kind::Required && !q.required_message.empty())
        msg = q.required_message.get(m_language, m_survey->default_language);
    else if (kind == ValidationError::Kind::Constraint && !q.constraint_message.empty())
        msg = q.constraint_message.get(m_language, m_survey->default_language);
    else
        msg = default_message(kind, m_language);
    if (kind == ValidationError::Kind::TooLong)
        msg = fill(msg, q.type == QuestionType::Text ? q.max_length : static_cast<long>(k_max_write_in), 0);
    if (kind == ValidationError::Kind::OutOfRange) msg = fill(msg, q.scale_min, q.scale_max);
    (void)detail;
    return ValidationError{kind, q.name, std::move(msg)};
}

std::optional<ValidationError> Session::check(std::size_t index) const {
    const Question& q = m_survey->questions[index];
    if (!q.takes_answer()) return std::nullopt;
    const auto& a = m_answers[index];
    if (!a) {
        if (q.required) return error(ValidationError::Kind::Required, index);
        return std::nullopt;
    }
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
    const Question& q = m_survey->questions[i];
    using K = ValidationError::Kind;
    auto fail = [&](K k) { return std::unexpected(error(k, i)); };

    std::string chosen_other;  // the choice value marked "other" that is selected, if any
    switch (q.type) {
        case QuestionType::SelectOne: {
            auto* v = std::get_if<std::string>(&a.data);
            if (!v) return fail(K::WrongType);
            if (v->empty()) {
                clear_answer();
                return {};
            }
            const Choice* c = q.find_choice(*v);
            if (!c) return fail(K::NotAChoice);
            if (c->other) chosen_other = c->value;
            break;
        }
        case QuestionType::SelectMultiple: {
            auto* v = std::get_if<std::vector<std::string>>(&a.data);
            if (!v) return fail(K::WrongType);
            // Keep the survey's choice order and drop repeats, so equal selections compare equal.
            std::vector<std::string> ordered;
            bool exclusive = false;
            for (const auto& c : q.choices) {
                if (std::ranges::find(*v, c.value) == v->end()) continue;
                ordered.push_back(c.value);
                exclusive = exclusive || c.exclusive;
                if (c.other) chosen_other = c.value;
            }
            for (const auto& s : *v)
                if (!q.find_choice(s)) return fail(K::NotAChoice);
            if (exclusive && ordered.size() > 1) return fail(K::Exclusive);
            if (ordered.empty()) {
                clear_answer();
                return {};
            }
            *v = std::move(ordered);
            break;
        }
        case QuestionType::Integer:
            if (auto* d = std::get_if<double>(&a.data); d && std::isfinite(*d) && *d == std::trunc(*d) && std::abs(*d) < 9e15)
                a.data = static_cast<std::int64_t>(*d);
            if (!std::holds_alternative<std::int64_t>(a.data)) return fail(K::WrongType);
            break;
        case QuestionType::Decimal:
            if (auto* n = std::get_if<std::int64_t>(&a.data)) a.data = static_cast<double>(*n);
            if (auto* d = std::get_if<double>(&a.data); !d || !std::isfinite(*d)) return fail(K::WrongType);
            break;
        case QuestionType::Scale: {
            auto* n = std::get_if<std::int64_t>(&a.data);
            if (!n) return fail(K::WrongType);
            if (*n < q.scale_min || *n > q.scale_max) return fail(K::OutOfRange);
            break;
        }
        case QuestionType::Text: {
            auto* s = std::get_if<std::string>(&a.data);
            if (!s) return fail(K::WrongType);
            if (s->empty()) {
                clear_answer();
                return {};
            }
            if (utf8_length(*s) > static_cast<std::size_t>(q.max_length)) return fail(K::TooLong);
            break;
        }
        case QuestionType::Note:
        case QuestionType::Calculate:
            return fail(K::WrongType);
    }
    if (chosen_other.empty())
        a.write_in.clear();  // a write-in belongs to an "other" choice only
    else if (utf8_length(a.write_in) > k_max_write_in)
        return fail(K::TooLong);

    m_answers[i] = std::move(a);
    recompute();
    check_invariants_in_debug();
    return {};
}

void Session::clear_answer() {
    if (m_state != State::Answering) return;
    m_answers[m_current].reset();
    recompute();
    check_invariants_in_debug();
}

std::expected<Session::Step, ValidationError> Session::next() {
    if (m_state != State::Answering) return Step::ReachedEnd;
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
            m_answers[i].reset();  // an answer to a question that no longer applies is dropped
            m_values[i] = Value{};
            continue;
        }
        if (q.type == QuestionType::Calculate)
            m_values[i] = q.calculation->evaluate(ctx);
        else if (m_answers[i])
            m_values[i] = m_answers[i]->to_value();
        else
            m_values[i] = Value{};
    }
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
        if (!m_answers[i]) continue;
        if (!m_relevant[i]) fail("an irrelevant question holds an answer (recompute() must drop it)");
        if (!qs[i].takes_answer()) fail("a note or calculate question holds an answer");
    }
}

void Session::check_invariants_in_debug() const {
#ifndef NDEBUG
    debug_check_invariants();
#endif
}

}  // namespace fieldkiosk::core
