// fieldkiosk-ctl verbs over a kiosk's database: stats, export, simulate, check.
#include "core/csv.hpp"
#include "core/session.hpp"
#include "exports/wide.hpp"
#include "storage/response_store.hpp"
#include "tools/ctl/commands.hpp"
#include "tools/ctl/common.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <ostream>
#include <random>

namespace fieldkiosk::tools {

using nlohmann::json;

namespace {

void add_db_option(CLI::App& cmd, std::string& db) {
    cmd.add_option("--db", db, "The kiosk's database (default: " + storage::default_database_path().string() + ")");
}

std::filesystem::path db_path(const std::string& db) {
    return db.empty() ? storage::default_database_path() : std::filesystem::path(db);
}

// Opens an existing store; a missing file is an error here (only the kiosk and simulate create one).
std::optional<storage::ResponseStore> open_existing(const std::string& db, const core::Clock& clock, std::ostream& err) {
    const auto path = db_path(db);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        err << "error: no database at " << path.string() << " (give --db PATH)\n";
        return std::nullopt;
    }
    auto store = storage::ResponseStore::open(path, clock);
    if (!store) {
        err << "error: " << store.error().message << "\n";
        return std::nullopt;
    }
    return std::move(*store);
}

using core::csv_field;

// ---------------------------------------------------------------------------------------------
// simulate --spread-days: each walk's clock starts at a moment in the last N days and moves on 6 minutes each time it
// is read (the session reads it when it starts and when it completes), so that a walk takes minutes as a resident's
// does and the responses fall
// across months: a dashboard's trend, and no quality flag for a burst or a too-fast walk, for a demonstration.
class WalkClock final : public core::Clock {
public:
    explicit WalkClock(std::chrono::system_clock::time_point start) : m_now(start) {}
    [[nodiscard]] std::chrono::system_clock::time_point wall_now() const override {
        const auto t = m_now;
        m_now += std::chrono::minutes(6);
        return t;
    }
    [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override { return std::chrono::steady_clock::now(); }
    void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                    std::chrono::steady_clock::time_point deadline) const override {
        cv.wait_until(lock, deadline);
    }

private:
    mutable std::chrono::system_clock::time_point m_now;
};

// simulate: random valid walks, saved through the kiosk's own code path
// ---------------------------------------------------------------------------------------------
class Walker {
public:
    // mostly_substantive: "don't know" and "prefer not to say" only one time in 20, as most residents answer
    // (simulate --spread-days, for demonstrations); otherwise every choice is as likely (load tests).
    explicit Walker(std::uint64_t seed, bool mostly_substantive = false) : m_gen(seed), m_mostly_substantive(mostly_substantive) {}

    // Answers whatever the current question asks with a random valid answer, or leaves it empty.
    void answer(core::Session& s) {
        const auto& q = s.current();
        if (!q.takes_answer()) return;
        if (!q.required && pick(5) == 0) return;  // optional questions are sometimes skipped
        const core::Question* ask = &q;
        core::Question offered;  // a choice_filter's choices only; none: the question is passed unanswered
        if (q.choice_filter) {
            offered = q;
            offered.choices.clear();
            for (const core::Choice* c : s.choices(s.current_index())) offered.choices.push_back(*c);
            if (offered.choices.empty()) return;
            ask = &offered;
        }
        for (int attempt = 0; attempt < 20; ++attempt) {
            if (s.set_answer(random_answer(*ask)) && !s.check_current()) return;
        }
        s.clear_answer();
    }

private:
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(m_gen); }

    core::Answer random_answer(const core::Question& q) {
        switch (q.type) {
            case core::QuestionType::SelectOne: {
                const core::Choice* c = &q.choices[pick(q.choices.size())];
                const auto evasive = [](const core::Choice& x) { return x.value == "dont_know" || x.value.starts_with("prefer_not"); };
                for (int retry = 0; m_mostly_substantive && evasive(*c) && retry < 8 && pick(20) != 0; ++retry)
                    c = &q.choices[pick(q.choices.size())];
                return core::Answer::choice(c->value, c->other ? "simulated write-in" : "");
            }
            case core::QuestionType::SelectMultiple: {
                std::vector<std::string> chosen;
                std::string write_in;
                for (const auto& c : q.choices)
                    if (!c.exclusive && pick(3) == 0) {
                        chosen.push_back(c.value);
                        if (c.other) write_in = "simulated write-in";
                    }
                if (chosen.empty()) chosen.push_back(q.choices[pick(q.choices.size())].value);
                return core::Answer::choices(std::move(chosen), std::move(write_in));
            }
            case core::QuestionType::Integer:
                return core::Answer::integer(static_cast<std::int64_t>(pick(100)));
            case core::QuestionType::Decimal:
                return core::Answer::decimal(static_cast<double>(pick(1000)) / 10.0);
            case core::QuestionType::Scale:
                return core::Answer::integer(
                    q.scale_min + static_cast<std::int64_t>(pick(static_cast<std::size_t>(q.scale_max - q.scale_min + 1))));
            case core::QuestionType::Text:
                return core::Answer::text(std::string(1 + pick(std::min(40, q.max_length)), 'a' + static_cast<char>(pick(26))));
            case core::QuestionType::Acknowledge:
                return core::Answer::text(std::string(core::k_acknowledged));
            case core::QuestionType::Rank: {  // every choice, in a random order
                std::vector<std::string> order;
                for (const auto& c : q.choices) order.push_back(c.value);
                std::shuffle(order.begin(), order.end(), m_gen);
                return core::Answer::choices(std::move(order));
            }
            case core::QuestionType::Date: {  // 1950-01-01 .. 2019-12-28: every day of the month exists
                char date[48];
                std::snprintf(date, sizeof date, "%04d-%02d-%02d", 1950 + static_cast<int>(pick(70)),
                              1 + static_cast<int>(pick(12)), 1 + static_cast<int>(pick(28)));
                return core::Answer::text(date);
            }
            default:
                return core::Answer::text("");
        }
    }

    std::mt19937_64 m_gen;
    bool m_mostly_substantive = false;
};

}  // namespace

Runner add_stats(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        std::string db;
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("stats", "Counts from a kiosk's database: completed today and in total, queue, drop-off");
    add_db_option(*cmd, args->db);
    cmd->add_flag("--json", args->json, "Print the figures as JSON");
    return [args, &out, &err]() -> int {
        core::SystemClock clock;
        auto store = open_existing(args->db, clock, err);
        if (!store) return k_exit_usage;
        auto st = store->stats();
        if (!st) {
            err << "error: " << st.error().message << "\n";
            return k_exit_invalid;
        }
        if (args->json) {
            json surveys = json::array(), drops = json::array();
            for (const auto& s : st->surveys)
                surveys.push_back(
                    {{"survey", s.survey_id}, {"completed_today", s.completed_today}, {"completed_total", s.completed_total}});
            for (const auto& d : st->dropoffs)
                drops.push_back({{"survey", d.survey_id}, {"last_question", d.last_question}, {"count", d.count}});
            json j = {{"kiosk_id", store->kiosk_id()},
                      {"surveys", surveys},
                      {"queue",
                       {{"queued", st->outbox.queued},
                        {"acknowledged", st->outbox.acknowledged},
                        {"rejected", st->outbox.rejected},
                        {"conflict", st->outbox.conflict},
                        {"oldest_unsent", st->outbox.oldest_queued_completed_at.value_or("")}}},
                      {"dropoffs", drops},
                      {"drafts", st->drafts}};
            out << j.dump(2) << "\n";
            return k_exit_ok;
        }
        out << "kiosk " << store->kiosk_id() << "\n\n";
        out << "survey          today   total\n";
        for (const auto& s : st->surveys) {
            std::string name = s.survey_id;
            name.resize(std::max<std::size_t>(name.size(), 14), ' ');
            out << name << " " << std::string(6 - std::min<std::size_t>(6, std::to_string(s.completed_today).size()), ' ')
                << s.completed_today << " "
                << std::string(7 - std::min<std::size_t>(7, std::to_string(s.completed_total).size()), ' ') << s.completed_total
                << "\n";
        }
        if (st->surveys.empty()) out << "(no responses yet)\n";
        out << "\nqueue: " << st->outbox.queued << " waiting to send";
        if (st->outbox.oldest_queued_completed_at) out << " (oldest completed " << *st->outbox.oldest_queued_completed_at << ")";
        out << "; " << st->outbox.acknowledged << " delivered; " << st->outbox.rejected << " rejected; " << st->outbox.conflict
            << " conflicts\n";
        if (st->drafts) out << "drafts: " << st->drafts << " unfinished interviews\n";
        if (!st->dropoffs.empty()) {
            out << "\ndrop-off (kiosk sessions abandoned, by the last question reached):\n";
            for (const auto& d : st->dropoffs) out << "  " << d.survey_id << "." << d.last_question << ": " << d.count << "\n";
        }
        return k_exit_ok;
    };
}

namespace {

// `export --wide`: the receiver's wide table (exports/wide.hpp) over this kiosk's store, row by row. Labels in
// `lang` (the survey's default when empty) when `labels`.
int export_wide(storage::ResponseStore& store, const core::SurveyPtr& survey, const std::string& lang, bool labels,
                std::ostream& out, std::ostream& err) {
    auto table =
        exports::WideTable::make(survey, exports::WideOptions{labels ? (lang.empty() ? survey->default_language : lang) : ""});
    if (!table) {
        err << "error: --lang: " << table.error() << "\n";
        return k_exit_usage;
    }
    out << exports::csv_line(table->header());
    std::size_t rows = 0;
    std::string problem;
    auto r = store.for_each_response(survey->id, [&](const storage::StoredResponse& sr) {
        const exports::ResponseRecord rec{.id = sr.id,
                                          .survey_version = sr.survey_version,
                                          .completed_at = sr.completed_at,
                                          .payload = sr.payload.value_or("")};
        out << exports::csv_line(table->row(rec, &problem));
        ++rows;
        if (!problem.empty()) err << "warning: row " << rows + 1 << " (response " << sr.id << "): " << problem << "\n";
    });
    if (!r) {
        err << "error: " << r.error().message << "\n";
        return k_exit_invalid;
    }
    err << rows << " response" << (rows == 1 ? "" : "s") << " exported\n";
    return k_exit_ok;
}

// The kiosk's own CSV: one row per response, one column per question (and write-in), then the calculations;
// values, or labels in `lang` (default: the survey's) with `labels`.
class LongCsv {
public:
    LongCsv(const core::Survey& survey, bool labels, const std::string& lang)
        : m_survey(survey), m_labels(labels), m_lang(lang.empty() ? survey.default_language : lang) {
        for (const auto& q : survey.questions) {
            if (q.takes_answer()) m_cols.push_back(&q);
            if (q.type == core::QuestionType::Calculate) m_calcs.push_back(&q);
        }
    }

    [[nodiscard]] std::string header() const {
        std::string h = "id,survey_version,language,mode,site,worker,started_at,completed_at,sync_state";
        for (const auto* q : m_cols) {
            h += "," + q->name;
            if (has_other(*q)) h += "," + q->name + "_other";
        }
        for (const auto* q : m_calcs) h += "," + q->name;
        return h;
    }

    [[nodiscard]] std::string row(const storage::StoredResponse& sr) const {
        json j = sr.payload ? json::parse(*sr.payload, nullptr, false) : json::object();
        if (j.is_discarded()) j = json::object();
        auto field = [&](const char* k) { return csv_field(j.value(k, std::string{})); };
        std::string line = csv_field(sr.id) + "," + csv_field(sr.survey_version) + "," + field("language") + "," +
                           field("mode") + "," + field("site") + "," + field("worker") + "," + field("started_at") + "," +
                           csv_field(sr.completed_at) + "," + csv_field(storage::to_string(sr.state));
        const json answers = j.value("answers", json::object());
        const json write_ins = j.value("write_ins", json::object());
        const json calculated = j.value("calculated", json::object());
        for (const auto* q : m_cols) {
            const auto it = answers.find(q->name);
            line += "," + csv_field(it == answers.end() ? std::string{} : cell(*q, *it));
            if (has_other(*q)) line += "," + csv_field(write_ins.value(q->name, std::string{}));
        }
        for (const auto* q : m_calcs) {
            auto it = calculated.find(q->name);
            line += "," + csv_field(it == calculated.end() ? std::string{}
                                    : it->is_string()      ? it->get<std::string>()
                                                           : it->dump());
        }
        return line;
    }

private:
    static bool has_other(const core::Question& q) {
        return std::ranges::any_of(q.choices, [](const core::Choice& c) { return c.other; });
    }

    [[nodiscard]] std::string label_of(const core::Question& q, const std::string& value) const {
        const core::Choice* c = q.find_choice(value);
        return c && m_labels ? c->label.get(m_lang, m_survey.default_language) : value;
    }

    // One answer: choices separated by ' ' (values) or '; ' (labels).
    [[nodiscard]] std::string cell(const core::Question& q, const json& a) const {
        if (a.is_array()) {
            std::string out;
            for (const auto& v : a) {
                if (!out.empty()) out += m_labels ? "; " : " ";
                out += label_of(q, v.get<std::string>());
            }
            return out;
        }
        if (a.is_string()) return q.is_select() ? label_of(q, a.get<std::string>()) : a.get<std::string>();
        return a.dump();
    }

    const core::Survey& m_survey;
    bool m_labels;
    std::string m_lang;
    std::vector<const core::Question*> m_cols, m_calcs;
};

int export_long(storage::ResponseStore& store, const core::Survey& survey, bool labels, const std::string& lang,
                std::ostream& out, std::ostream& err) {
    const LongCsv csv(survey, labels, lang);
    out << csv.header() << "\r\n";
    std::size_t rows = 0;
    auto r = store.for_each_response(survey.id, [&](const storage::StoredResponse& sr) {
        out << csv.row(sr) << "\r\n";
        ++rows;
    });
    if (!r) {
        err << "error: " << r.error().message << "\n";
        return k_exit_invalid;
    }
    err << rows << " response" << (rows == 1 ? "" : "s") << " exported\n";
    return k_exit_ok;
}

}  // namespace

Runner add_export(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        std::string db;
        SurveyArgs survey;
        std::string format = "csv";
        bool labels = false;
        std::string lang;
        bool wide = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("export", "Export a survey's responses from a kiosk's database (one row per response)");
    add_db_option(*cmd, args->db);
    add_survey_options(*cmd, args->survey);
    cmd->add_option("--format", args->format, "Output format")->check(CLI::IsMember({"csv"}));
    cmd->add_flag("--labels", args->labels, "Write choice labels instead of values");
    cmd->add_option("--lang", args->lang, "Language of the labels (default: the survey's default)");
    cmd->add_flag("--wide", args->wide,
                  "The receiver's analysis-ready wide table instead (docs/exports.md): metadata, a sealed flag, a 0/1 column "
                  "per option of a multi-select after its original, the calculations (computed when missing); no sync_state");
    cmd->footer(
        "Columns: id, survey_version, language, mode, site, worker, started_at, completed_at, sync_state, then one per\n"
        "question in survey order (a write-in column NAME_other after questions with an 'other' choice), then one per\n"
        "calculation. Multiple choices are separated by ' ' (values) or '; ' (labels). Responses whose payload was\n"
        "purged by retention have empty answer columns. Cells starting with = + - @ are prefixed with ' for spreadsheets.");
    return [args, &out, &err]() -> int {
        auto survey = resolve_survey(args->survey, err);
        if (!survey) return k_exit_usage;
        core::SystemClock clock;
        auto store = open_existing(args->db, clock, err);
        if (!store) return k_exit_usage;
        if (args->wide) return export_wide(*store, survey, args->labels ? args->lang : "", args->labels, out, err);
        return export_long(*store, *survey, args->labels, args->lang, out, err);
    };
}

Runner add_simulate(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        std::string db;
        SurveyArgs survey;
        int count = 10;
        std::uint64_t seed = 1;
        std::string site = "Simulation";
        int spread_days = 0;
    };
    auto args = std::make_shared<Args>();
    auto* cmd =
        app.add_subcommand("simulate", "Complete random valid walks and save each exactly as the kiosk does (load tests, demos)");
    add_db_option(*cmd, args->db);
    add_survey_options(*cmd, args->survey);
    cmd->add_option("--count", args->count, "How many responses to complete")->check(CLI::Range(1, 10'000'000));
    cmd->add_option("--seed", args->seed, "Seed for the answers (response ids are always random)");
    cmd->add_option("--site", args->site, "Site recorded on each response");
    cmd->add_option("--spread-days", args->spread_days,
                    "Date the walks over the last N days (a random moment each, from --seed), each taking minutes as a "
                    "resident's would; 0 (default): now, as fast as the machine goes")
        ->check(CLI::Range(0, 3660));
    cmd->footer("Prints 'saved <id>' after each response is durable on disk (the store's commit returned).");
    return [args, &out, &err]() -> int {
        auto survey = resolve_survey(args->survey, err);
        if (!survey) return k_exit_usage;
        core::SystemClock clock;
        auto store = storage::ResponseStore::open(db_path(args->db), clock);
        if (!store) {
            err << "error: " << store.error().message << "\n";
            return k_exit_invalid;
        }
        Walker walker(args->seed, args->spread_days > 0);
        core::SystemRng ids;
        std::mt19937_64 when(args->seed ^ 0x5eedULL);
        const std::int64_t spread_s = std::int64_t{args->spread_days} * 24 * 3600;
        for (int i = 0; i < args->count; ++i) {
            std::optional<WalkClock> walk_clock;
            if (spread_s > 0)
                walk_clock.emplace(clock.wall_now() - std::chrono::seconds(std::uniform_int_distribution<std::int64_t>(3600, spread_s)(when)));
            const core::Clock& session_clock = walk_clock ? static_cast<const core::Clock&>(*walk_clock) : clock;
            core::Session s(survey, {.mode = core::Mode::Kiosk, .site = args->site}, session_clock, ids);
            int guard = 0;
            while (s.state() == core::Session::State::Answering && ++guard < 10'000) {
                walker.answer(s);
                if (!s.next()) (void)s.back();  // cannot happen after walker.answer(); never loop forever
            }
            auto r = s.complete();
            if (!r) {
                err << "error: walk " << i + 1 << " did not complete: " << r.error().message << "\n";
                return k_exit_invalid;
            }
            if (auto saved = store->save_completed(*r); !saved) {
                err << "error: " << saved.error().message << "\n";
                return k_exit_invalid;
            }
            out << "saved " << r->id << "\n" << std::flush;
        }
        return k_exit_ok;
    };
}

Runner add_check(CLI::App& app, std::ostream& out, std::ostream& err) {
    auto db = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("check", "Check a kiosk's database: SQLite integrity and the store's own rules");
    add_db_option(*cmd, *db);
    cmd->footer("Exit status: 0 when everything is in order, 1 when a problem was found.");
    return [db, &out, &err]() -> int {
        core::SystemClock clock;
        auto store = open_existing(*db, clock, err);
        if (!store) return k_exit_usage;
        auto report = store->check();
        if (!report) {
            err << "error: " << report.error().message << "\n";
            return k_exit_invalid;
        }
        for (const auto& p : report->problems) out << "problem: " << p << "\n";
        out << (report->ok ? "ok" : "NOT OK") << ": " << report->responses << " responses checked\n";
        return report->ok ? k_exit_ok : k_exit_invalid;
    };
}

}  // namespace fieldkiosk::tools
