// fieldkiosk::core::Session — one respondent's walk through a survey. A pure state machine: no I/O,
// no threads, time and randomness injected. Not thread-safe: one Session belongs to one thread.
//
// Index:
//   ValidationError   why an answer or a Continue was refused, in the resident's language
//   Progress          "question 4 of about 12"
//   Session           states, transitions, queries
//
// States (docs/session.md has the full table and invariants):
//
//            Session()                     next() [valid, a later relevant question exists]
//               │                         ┌───────────────┐
//               ▼                         │               ▼
//        ┌─────────────┐   next() [valid, none left]  ┌──────────┐  complete()  ┌───────────┐
//        │ Answering(i)│ ────────────────────────────▶│ Finished │ ───────────▶ │ Completed │
//        └─────────────┘ ◀──────────────────────────  └──────────┘              └───────────┘
//           ▲        │          back()
//           └────────┘ back() [to the previous relevant question]
//
// Invariants (checked by debug_check_invariants() after every transition in debug builds):
//   - Answering: current() is shown (not calculate) and relevant.
//   - A question that is not relevant has the empty value; its answer (if any) is hidden: answer()
//     returns null and the Response leaves it out. Only questions that take an answer hold one.
//   - Every held answer passes check_answer() unchanged (choices exist, exclusivity, lengths, ranges).
//   - A relevant select's held answer lists only choices its choice_filter offers now (recompute() drops the
//     others, as ODK does).
//   - Completed: no action changes anything; response() stays as it was returned.
#pragma once

#include "core/answer.hpp"
#include "core/clock.hpp"
#include "core/survey.hpp"

#include <expected>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fieldkiosk::core {

struct ValidationError {
    enum class Kind : std::uint8_t { Required, Constraint, NotAChoice, Exclusive, TooLong, OutOfRange, WrongType };
    Kind kind = Kind::Required;
    std::string question;  // the question's name
    // For the resident: the survey's own message (required_message, constraint_message) in the session's
    // language, else the engine's default in English (default_message()).
    std::string message;
    // When `message` is the engine's default: its key in the UI strings (assets/strings/<lang>.json,
    // "validation_required"...), where the kiosk finds it in the resident's language; empty when the survey
    // gave its own. {n} and {m} in that text stand for `n` and `m`.
    std::string key;
    long n = 0, m = 0;
};

// Result of the type checks an answer must pass for its question (choice exists, exclusive alone,
// length, range, numeric type). check_answer() also normalises: choice order, int/double.
// The longest write-in (the text of a chosen "other" choice), in code points (core/utf8.hpp). The kiosk's
// keyboard stops there and check_answer() refuses more, so both sides read it from here.
inline constexpr std::size_t k_max_write_in = 200;

enum class AnswerCheck : std::uint8_t { Ok, Empty };  // Empty: nothing chosen or typed; means "clear"
[[nodiscard]] std::expected<AnswerCheck, ValidationError::Kind> check_answer(const Question& q, Answer& answer);

struct Progress {
    // Notes are not questions: they count in neither. On a note, position is the number of questions before it.
    std::size_t position = 0;  // 1-based position of the current question among relevant shown questions
    std::size_t total = 0;     // relevant shown questions given the answers so far ("about": it can change)
};

class Session {
public:
    enum class State : std::uint8_t { Answering, Finished, Completed };
    enum class Step : std::uint8_t { Moved, ReachedEnd };

    struct Options {
        std::string language;  // empty: the survey's default language
        Mode mode = Mode::Kiosk;
        std::string site;
        std::string worker;
    };

    // Starts a walk: makes the response id (from `rng`) and records the start time (from `clock`).
    // `clock` must outlive the Session. Throws std::invalid_argument if options.language is not one of
    // the survey's languages (callers choose from survey.languages).
    Session(SurveyPtr survey, Options options, const Clock& clock, Rng& rng);

    // --- queries ---
    [[nodiscard]] const Survey& survey() const { return *m_survey; }
    [[nodiscard]] const SurveyPtr& survey_ptr() const { return m_survey; }
    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const std::string& id() const { return m_id; }
    [[nodiscard]] const std::string& language() const { return m_language; }
    [[nodiscard]] std::size_t current_index() const { return m_current; }
    [[nodiscard]] const Question& current() const;  // precondition: state() == Answering
    [[nodiscard]] const Answer* answer(std::size_t index) const;
    [[nodiscard]] const Answer* answer(std::string_view name) const;
    [[nodiscard]] const Answer* current_answer() const { return answer(m_current); }
    [[nodiscard]] bool is_relevant(std::size_t index) const { return m_relevant[index] != 0; }
    [[nodiscard]] const Value& value(std::size_t index) const { return m_values[index]; }  // answers and calculations
    // The choices question `index` offers now, in survey order: all of them, or those its choice_filter
    // keeps given the answers so far. May be empty (the kiosk then says so and Continue is allowed).
    [[nodiscard]] std::vector<const Choice*> choices(std::size_t index) const;
    [[nodiscard]] bool offers_choice(std::size_t index, std::string_view value) const;
    [[nodiscard]] Progress progress() const;
    [[nodiscard]] bool can_go_back() const;
    [[nodiscard]] std::size_t answered_count() const;
    // Answering, and the current question and every later relevant shown question is a note: nothing is
    // left to answer. The kiosk then completes and saves the response at once and shows these notes after
    // it (docs/session.md, "Trailing notes"); relevance cannot change any more, since notes hold no answer.
    [[nodiscard]] bool only_notes_remain() const;
    // Answering a question that takes an answer, and only notes (or nothing) follow it given the answers so
    // far: Continue here is the last one that can change the response (the kiosk labels it "Finish").
    [[nodiscard]] bool on_last_question() const;
    // The relevant shown questions from the current one to the end (only_notes_remain(): the closing notes).
    [[nodiscard]] std::vector<std::size_t> remaining_shown() const;
    // Would Continue be accepted now? nullopt if yes; else the message to show.
    [[nodiscard]] std::optional<ValidationError> check_current() const;

    // --- actions (each is a transition; none throws) ---
    // Sets the current question's answer after check_answer(); an empty text or selection clears it.
    // Later questions that stop being relevant have their answers hidden (not in the response).
    std::expected<void, ValidationError> set_answer(Answer answer);
    void clear_answer();
    // A tap on a choice. select_one: chooses it. select_multiple: toggles it; an exclusive choice
    // ("None of these") clears the others, and any other choice clears a selected exclusive one.
    // acknowledge: "OK" ticks it, and a second tap unticks it. rank: gives the choice the next place in the
    // order, or, if it has one, takes it out of the order (the choices after it move up a place).
    std::expected<void, ValidationError> toggle_choice(std::string_view value);
    // Validates the current answer (required, constraint) and moves to the next relevant question.
    std::expected<Step, ValidationError> next();
    // Moves to the previous relevant question (from Finished: to the last one). False at the first.
    bool back();
    // Switches the language of every text and message; keeps every answer. False if not declared.
    bool set_language(std::string_view code);
    // Precondition: state() == Finished. Builds the immutable Response and moves to Completed.
    std::expected<Response, ValidationError> complete();

    // Everything needed to resume this walk later (assisted-mode drafts): id, survey id and version,
    // options, language, start time, answers, the current question. It holds answers: store it with
    // the same care as a response.
    [[nodiscard]] nlohmann::json snapshot() const;
    // Resumes a snapshot. Fails (with the reason) if it is for another survey or version or is malformed.
    // An answer that no longer fits its question is dropped; relevance is recomputed.
    [[nodiscard]] static std::expected<Session, std::string> restore(SurveyPtr survey, const nlohmann::json& snapshot,
                                                                     const Clock& clock);

    void debug_check_invariants() const;  // aborts with a message when an invariant is broken

private:
    class Context;
    Session(SurveyPtr survey, Options options, const Clock& clock, std::string id,
            std::chrono::system_clock::time_point started_at);
    void recompute();
    void drop_filtered_out(std::size_t index);
    void arrive(std::size_t index);
    std::optional<std::size_t> next_shown(std::size_t from) const;
    std::optional<std::size_t> previous_shown(std::size_t before) const;
    std::optional<ValidationError> check(std::size_t index) const;
    ValidationError error(ValidationError::Kind kind, std::size_t index) const;
    void check_invariants_in_debug() const;

    SurveyPtr m_survey;
    Options m_options;
    const Clock* m_clock;
    std::string m_id;
    std::string m_language;
    std::chrono::system_clock::time_point m_started_at;
    State m_state = State::Answering;
    std::size_t m_current = 0;
    std::vector<std::optional<Answer>> m_answers;  // by question index
    std::vector<Value> m_values;                   // what expressions see, by question index
    std::vector<char> m_relevant;                  // by question index
    std::vector<char> m_arrived;                   // defaults are applied on first arrival
};

// The engine's default message for `kind`, in English, with {n} and {m} unfilled: what programs without the
// kiosk's UI strings show (fieldkiosk-ctl walk). Translations live in assets/strings/ under message_key().
[[nodiscard]] std::string default_message(ValidationError::Kind kind);
[[nodiscard]] std::string_view message_key(ValidationError::Kind kind);  // "validation_required", ...

}  // namespace fieldkiosk::core
