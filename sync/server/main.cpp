// fieldkiosk-server: the reference council receiver. Verbs: serve, add-kiosk, add-admin, add-metrics, revoke-kiosk,
// export, audit, kiosks,
// keygen and decrypt (sealed answers: run where the private key is, not on the receiver).
#include "core/loader.hpp"
#include "sync/protocol/digest.hpp"
#include "sync/server/auth.hpp"
#include "sync/server/export_audit.hpp"
#include "sync/server/export_csv.hpp"
#include "sync/server/export_formats.hpp"
#include "sync/server/fleet.hpp"
#include "sync/server/process.hpp"
#include "sync/server/report_command.hpp"
#include "sync/server/sealed_commands.hpp"
#include "sync/server/server.hpp"
#include "sync/server/server_config.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>
#include <cstdlib>

#include <pthread.h>
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace fieldkiosk;
using namespace fieldkiosk::sync::server;

namespace {

constexpr int k_exit_ok = 0, k_exit_fail = 1, k_exit_usage = 2;

std::unique_ptr<Storage> open_or_say(const std::string& db) {
    auto s = open_storage(db);
    if (!s) {
        std::cerr << "fieldkiosk-server: " << s.error().message << "\n";
        return nullptr;
    }
    return std::move(*s);
}

// Reads --surveys again; all or nothing. A file with any problem, or a version already served whose
// content changed (SurveyLibrary::changed_since), is reported (stderr, one line each) and the surveys in
// force stay; otherwise the new library replaces the old one at once (batches being judged finish with
// the old one). One line on stdout says which happened.
void reload_surveys(Server& server, const std::vector<fs::path>& paths) {
    const auto refuse = [&server](const std::vector<std::string>& problems) {
        for (const auto& e : problems) std::cerr << "surveys: reload: " << e << "\n";
        std::cout << "surveys: reload refused (" << problems.size()
                  << " problem(s), listed on stderr); still serving: " << server.surveys()->summary() << std::endl;
    };
    auto loaded = SurveyLibrary::load(paths, /*strict=*/true);
    if (!loaded) return refuse(loaded.error());
    if (const auto changed = loaded->library->changed_since(*server.surveys()); !changed.empty()) return refuse(changed);
    server.replace_surveys(loaded->library);
    std::cout << "surveys: reloaded: " << loaded->library->summary() << std::endl;
}

// SIGHUP (systemctl reload fieldkiosk-server) -> reload_surveys(), on a thread of its own that waits for
// the signal. Construct it before any other thread starts: it blocks SIGHUP for the whole process.
class SurveyReloader {
public:
    SurveyReloader(Server& server, std::vector<fs::path> paths) : m_server(&server), m_paths(std::move(paths)) {
        sigemptyset(&m_set);
        sigaddset(&m_set, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &m_set, nullptr);
        m_thread = std::thread([this] {
            while (true) {
                int sig = 0;
                if (sigwait(&m_set, &sig) != 0) continue;
                if (m_stop.load()) return;
                reload_surveys(*m_server, m_paths);
            }
        });
    }
    ~SurveyReloader() {
        m_stop = true;
        pthread_kill(m_thread.native_handle(), SIGHUP);  // wakes the sigwait above
        m_thread.join();
    }
    SurveyReloader(const SurveyReloader&) = delete;
    SurveyReloader& operator=(const SurveyReloader&) = delete;

private:
    Server* m_server;
    std::vector<fs::path> m_paths;
    sigset_t m_set{};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

int add_token(const std::string& db, const std::string& name, const std::string& role) {
    auto storage = open_or_say(db);
    if (!storage) return k_exit_fail;
    const std::string token = make_token();
    core::SystemClock clock;
    const auto hash = sync::protocol::sha256_hex(token);
    if (!hash) {
        std::cerr << "fieldkiosk-server: " << hash.error() << "\n";
        return k_exit_fail;
    }
    if (auto r = storage->add_token(name, role, *hash, core::format_utc(clock.wall_now())); !r) {
        std::cerr << "fieldkiosk-server: " << r.error().message << "\n";
        return k_exit_fail;
    }
    std::cout << "Added " << role << " '" << name << "'. Its token is shown once, below; the server keeps only a hash.\n"
              << token << "\n";
    return k_exit_ok;
}

// Everything the command line (and, for serve, --config) sets.
struct Settings {
    std::string db = "sqlite:fieldkiosk-server.db";
    // serve
    std::string listen = "127.0.0.1:8080";
    std::vector<std::string> surveys;
    ServerOptions opt;
    int stall_ms = 0;
    int read_timeout_s = 10;
    std::string config_file;
    std::string serve_quiet_after = "24h";
    // the other verbs
    std::string name, survey, format = "csv", output;
    std::string labels, from_csv;  // export
    std::string quality_config;    // export: server.toml whose [quality] table sets the flags' thresholds
    std::string quiet_after = "24h";
    bool kiosks_json = false;
    std::string scopes = "read";        // add-admin
    std::string since;                  // audit
    bool audit_json = false;
    std::string key_out, key_id;       // keygen
    std::vector<std::string> key_files;  // decrypt
};

struct Verbs {
    CLI::App *serve, *add_kiosk, *add_admin, *add_metrics, *revoke, *exp, *audit, *kiosks, *keygen, *decrypt;
};

const std::string k_db_help = "Database: sqlite:PATH (default sqlite:fieldkiosk-server.db) or postgresql://USER@HOST:PORT/DB";

CLI::App* add_serve_verb(CLI::App& app, Settings& s) {
    auto* serve = app.add_subcommand("serve", "Receive batches over HTTP(S)");
    serve->add_option("--config", s.config_file,
                      "TOML file with these settings, e.g. /etc/fieldkiosk/server.toml (its keys are the flags' names: "
                      "listen, db, surveys, read_timeout, ...; a last [quality] table holds the quality flags' thresholds, "
                      "docs/quality_flags.md); flags given here override it. Any problem in it stops the server (exit 2)");
    serve->add_option("--db", s.db, k_db_help);
    serve->add_option("--listen", s.listen, "HOST:PORT to listen on (port 0: any free port; printed on start)");
    // Required, from here or --config.
    serve->add_option("--surveys", s.surveys,
                      "Survey definitions (folders or files). Every version found is accepted; the newest of each is served "
                      "to kiosks (GET /v1/surveys). SIGHUP reads them again (a broken file keeps the old ones)");
    serve->add_option("--threads", s.opt.threads, "Worker threads (each handles one complete request at a time)")
        ->check(CLI::Range(1, 256));
    serve->add_option("--max-connections", s.opt.max_connections,
                      "Connections open at once, idle ones included (more are answered 503); per process")
        ->check(CLI::Range(16, 1'000'000));
    serve->add_option("--read-timeout", s.read_timeout_s, "Seconds a client may stay silent mid-request")
        ->check(CLI::Range(1, 600));
    serve->add_option("--max-body", s.opt.limits.max_body_bytes, "Largest body accepted as sent, in bytes");
    serve->add_option("--max-decompressed", s.opt.limits.max_decompressed_bytes, "Largest body accepted after gzip, in bytes");
    serve->add_option("--max-items", s.opt.limits.max_items, "Most responses in one batch");
    serve->add_option("--rate", s.opt.limits.rate_per_second, "Batches per second per kiosk, sustained (0: no limit)");
    serve->add_option("--burst", s.opt.limits.rate_burst, "Batches per kiosk at once before --rate applies");
    serve->add_option("--tls-cert", s.opt.tls_cert, "PEM certificate: serve HTTPS directly (with --tls-key)");
    serve->add_option("--tls-key", s.opt.tls_key, "PEM private key for --tls-cert");
    serve->add_option("--quiet-after", s.serve_quiet_after,
                      "/metrics: a kiosk not heard from for longer than this is quiet (fieldkiosk_kiosks_quiet); "
                      "e.g. 30m, 24h, 3d (default 24h)");
    serve->add_option("--fault-stall-before-commit-ms", s.stall_ms, "Tests only: hold each batch's transaction open this long")
        ->group("");
    return serve;
}

CLI::App* add_kiosks_verb(CLI::App& app, Settings& s) {
    auto* kiosks =
        app.add_subcommand("kiosks", "List every kiosk token with what was last heard from it, and flag the quiet ones");
    kiosks->add_option("--db", s.db, k_db_help);
    kiosks->add_option("--quiet-after", s.quiet_after,
                       "A kiosk not heard from for longer than this is QUIET: 30m, 24h, 3d (default 24h)");
    kiosks->add_flag("--json", s.kiosks_json, "Machine-readable output (one JSON document) instead of the table");
    kiosks->footer(
        "One line per kiosk token, revoked ones included and marked: last batch received (UTC, and how long ago), the\n"
        "app version, queue depth, free disk and last sync error from the kiosk's last heartbeat. A kiosk never heard\n"
        "from is QUIET once its token is older than --quiet-after. Every batch a kiosk sends counts, even an empty one.\n"
        "Exit status: 0 every active kiosk was heard from in time; 3 at least one is QUIET (for cron or monitoring);\n"
        "1 the database could not be read; 2 a bad --quiet-after.");
    return kiosks;
}

Verbs add_verbs(CLI::App& app, Settings& s) {
    Verbs v{};
    v.serve = add_serve_verb(app, s);
    v.add_kiosk = app.add_subcommand("add-kiosk", "Create a kiosk token (printed once, alone on the last line)");
    v.add_kiosk->add_option("NAME", s.name, "The kiosk's name, e.g. kentish-town-library")->required();
    v.add_kiosk->add_option("--db", s.db, k_db_help);
    v.add_admin = app.add_subcommand("add-admin", "Create an admin token (read: GET /v1/export/SURVEY.csv)");
    v.add_admin->add_option("NAME", s.name, "Who holds it")->required();
    v.add_admin->add_option("--db", s.db, k_db_help);
    v.add_admin->add_option("--scopes", s.scopes,
                            "What it may do: read (exports and reports), manage (kiosks and surveys), or read,manage "
                            "(default read)");
    v.add_metrics = app.add_subcommand("add-metrics", "Create a token for GET /metrics only (for Prometheus: authorization "
                                                      "credentials)");
    v.add_metrics->add_option("NAME", s.name, "Who scrapes with it, e.g. prometheus")->required();
    v.add_metrics->add_option("--db", s.db, k_db_help);
    v.audit = app.add_subcommand("audit", "Show the audit log: every export (who, when, what, how many rows)");
    v.audit->add_option("--db", s.db, k_db_help);
    v.audit->add_option("--since", s.since, "Only entries at or after this UTC time, e.g. 2027-01-01 or 2027-01-01T09:00:00Z");
    v.audit->add_flag("--json", s.audit_json, "Machine-readable output (one JSON document)");
    v.revoke = app.add_subcommand("revoke-kiosk", "Revoke a kiosk's (or admin's) token at once");
    v.revoke->add_option("NAME", s.name)->required();
    v.revoke->add_option("--db", s.db, k_db_help);
    v.exp =
        app.add_subcommand("export", "Write a survey's stored responses (one row per response), or its codebook, for analysis");
    v.exp->add_option("--db", s.db, k_db_help);
    v.exp->add_option("--survey", s.survey, "Survey id")->required();
    v.exp
        ->add_option(
            "--format", s.format,
            "csv (the default): every answer in one JSON column (the long CSV); wide: one column per question, a 0/1 column per "
            "option of a multi-select, the calculations; codebook: what each wide column means (CSV); sps: SPSS "
            "variable and value labels; xlsx: a data sheet and a codebook sheet")
        ->check(CLI::IsMember({"csv", "wide", "codebook", "sps", "xlsx"}));
    v.exp->add_option("--labels", s.labels,
                      "wide, codebook, sps, xlsx: choice labels in this language instead of codes (e.g. es); the codebook "
                      "and SPSS labels are in it too");
    v.exp->add_option("--surveys", s.surveys,
                      "wide, codebook, sps, xlsx: survey definition file or folder (repeatable), as for serve; the survey's "
                      "newest version gives the columns. csv: optional; with it, its scale and likert questions are "
                      "checked for straight-lining");
    v.exp->add_option("--output,--out,-o", s.output, "File to write (default, or -: standard output)");
    v.exp->add_option("--config", s.quality_config,
                      "server.toml whose [quality] table sets the thresholds of the quality_flags column (default: the "
                      "documented defaults; docs/quality_flags.md)");
    v.exp->add_option("--from-csv", s.from_csv,
                      "wide only: read a long CSV export (e.g. decrypt's output, where the key is; - for standard input) "
                      "instead of the database, and widen it; not audited, as no database is read");
    v.exp->footer(
        "Formats and columns: docs/exports.md. Every export is recorded in the audit log (fieldkiosk-server audit).\n"
        "Every row has quality_flags (burst;duplicate;too_fast;straight_line) and quality_reasons, computed as the export\n"
        "runs with the thresholds of --config's [quality] table (docs/quality_flags.md).\n"
        "Sealed responses cannot be widened here: their row says sealed=1 with empty answers; run "
        "fieldkiosk-server decrypt where the key is, then export --from-csv on its output.");
    v.kiosks = add_kiosks_verb(app, s);
    v.keygen = app.add_subcommand("keygen", "Make a key pair for a sealed survey: the private key to a file (0600), and the "
                                            "setting to put in the survey file");
    v.keygen->add_option("--out", s.key_out, "The private key file to create (never overwritten)")->required();
    v.keygen->add_option("--key-id", s.key_id, "A name for the key, e.g. food-2027 (default: from its fingerprint)");
    v.decrypt = app.add_subcommand("decrypt", "Open a sealed survey's export: sealed CSV on standard input, the open CSV on "
                                              "standard output (run it where the private key is, not on the receiver)");
    v.decrypt->add_option("--key", s.key_files, "Private key file from keygen; repeat for the keys of older survey versions")
        ->required();
    return v;
}

int revoke_token(const Settings& s) {
    auto storage = open_or_say(s.db);
    if (!storage) return k_exit_fail;
    core::SystemClock clock;
    if (auto r = storage->revoke_token(s.name, core::format_utc(clock.wall_now())); !r) {
        std::cerr << "fieldkiosk-server: " << r.error().message << "\n";
        return k_exit_fail;
    }
    std::cout << "Revoked '" << s.name << "'.\n";
    return k_exit_ok;
}

int kiosks_report(const Settings& s) {
    const auto window = parse_duration(s.quiet_after);
    if (!window) {
        std::cerr << "fieldkiosk-server: --quiet-after " << window.error() << "\n";
        return k_exit_usage;
    }
    // A report on a mistyped SQLite path must not create an empty database and say "all fine".
    if (const auto missing = missing_sqlite_file(s.db)) {
        std::cerr << "fieldkiosk-server: kiosks: no database at '" << *missing << "' (give --db sqlite:PATH or postgresql://...)\n";
        return k_exit_fail;
    }
    auto storage = open_or_say(s.db);
    if (!storage) return k_exit_fail;
    core::SystemClock clock;
    return run_kiosks_report(*storage, clock.wall_now(), *window, s.kiosks_json, std::cout, std::cerr);
}

// Who ran a command, for the audit log: the login behind sudo when there is one.
std::string command_line_user() {
    for (const char* var : {"SUDO_USER", "USER", "LOGNAME"})
        if (const char* v = std::getenv(var); v && *v) return std::string("command line (user ") + v + ")";
    return "command line (uid " + std::to_string(::getuid()) + ")";
}

// report (issue 10): the indicator figures; the work is in report_command.cpp.
CLI::App* add_report_verb(CLI::App& app, ReportOptions& r) {
    auto* v = app.add_subcommand("report",
                                 "The council's indicator figures for one survey (n, %, interval, suppression), "
                                 "from the database or from an export file");
    v->add_option("--db", r.db, "Database: sqlite:PATH or postgresql://USER@HOST:PORT/DB (or give --from-csv)");
    v->add_option("--from-csv", r.from_csv, "Read an export file instead of the database (e.g. one opened by decrypt)");
    v->add_option("--survey", r.survey, "Survey id: food, safety or youth")->required();
    v->add_option("--by", r.by,
                  "Also split each figure by: ward, site, kiosk, mode, age_band, age_group, ethnic_group, "
                  "disability, disability_impact, language, month or quarter (repeat, or a,b)");
    v->add_option("--period", r.period,
                  "A month (2026-07), a quarter (2026-Q3) or 12 months ending with a month "
                  "(12m-2026-09); proportions are compared with the same period a year earlier");
    v->add_option("--weights", r.weights, "Population totals CSV (variable,category,total, e.g. ward,belsize,11234) to rake to");
    v->add_option("--format", r.format, "table (for reading), csv (tidy, one figure a row) or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    v->add_option("--surveys", r.surveys, "Survey definitions folder (default: the installed surveys)");
    v->add_option("--indicators", r.indicators, "Indicator definitions folder (default: SURVEYS/indicators)");
    v->add_option("--language", r.language, "Language of the labels (default en)");
    v->add_option("--config", r.config,
                  "server.toml whose [quality] table sets the quality flags' thresholds (default: the documented "
                  "defaults; docs/quality_flags.md)");
    v->add_flag("--include-flagged", r.include_flagged,
                "Count responses with quality flags (burst, duplicate, too_fast, straight_line) like any other; by "
                "default they are left out, and how many and why is shown beside the figures");
    v->footer(
        "Every figure shows the number of people it rests on (n). Groups of fewer than 10 people show <10 and no "
        "figure, and a second group is hidden where a total would reveal the first. Respondents chose to take part, "
        "so intervals assume random sampling: they are not a margin of error for Camden. Responses with a quality "
        "flag (docs/quality_flags.md) are left out unless --include-flagged; the count and the reason are shown. "
        "docs/results.md explains every indicator.\n"
        "Example: fieldkiosk-server report --db sqlite:/var/lib/fieldkiosk/server.db --survey food --by ward "
        "--period 2026-Q3 --format csv > food-2026-Q3.csv\nExit status: 0 done, 1 failed, 2 a bad option value.");
    return v;
}

// process (issue 10): how the collection goes; the work is in process.cpp.
CLI::App* add_process_verb(CLI::App& app, ProcessOptions& p) {
    auto* v = app.add_subcommand("process",
                                 "How collection goes for one survey: completions per site and day, completion rate and "
                                 "where residents left, minutes to complete, item non-response per question");
    v->add_option("--db", p.db, "Database: sqlite:PATH or postgresql://USER@HOST:PORT/DB")->required();
    v->add_option("--survey", p.survey, "Survey id: food, safety or youth")->required();
    v->add_option("--format", p.format, "table (for reading) or json")->check(CLI::IsMember({"table", "json"}));
    v->add_option("--surveys", p.surveys, "Survey definitions folder (default: the installed surveys)");
    v->footer(
        "Drop-offs are counted by the kiosks (the survey, its version, the last question reached and the site; never an "
        "answer) and sent with their heartbeats. The completion rate is kiosk completions over kiosk starts (completions "
        "plus drop-offs); interviews with an outreach worker count as completions only. Item non-response is among the "
        "responses that were asked the question. docs/dashboard.md, \"Process figures\", defines each figure.\n"
        "Example: fieldkiosk-server process --db sqlite:/var/lib/fieldkiosk/server.db --survey food\n"
        "Exit status: 0 done, 1 failed, 2 a bad option value.");
    return v;
}

// export --from-csv: a long CSV file (decrypt's output) widened where the key is.
std::optional<QualitySettings> quality_from_config(const std::string& file, std::string_view verb);

int export_from_csv(const Settings& s, ExportFormat format, const core::Catalog& catalog) {
    if (format != ExportFormat::Wide) {
        std::cerr << "fieldkiosk-server: export: --from-csv makes the wide CSV only: add --format wide\n";
        return k_exit_usage;
    }
    std::ifstream in_file;
    if (s.from_csv != "-") {
        in_file.open(s.from_csv, std::ios::binary);
        if (!in_file) {
            std::cerr << "fieldkiosk-server: export: cannot read " << s.from_csv << "\n";
            return k_exit_usage;
        }
    }
    std::istream& in = s.from_csv == "-" ? std::cin : in_file;
    std::ofstream file;
    const bool to_stdout = s.output.empty() || s.output == "-";
    if (!to_stdout) file.open(s.output, std::ios::binary);
    std::ostream& out = to_stdout ? std::cout : file;
    const std::string name = s.from_csv == "-" ? "standard input" : s.from_csv;
    const auto write = [&out](std::string_view text) { return static_cast<bool>(out << text); };
    const auto warn = [&name](const std::string& line) {
        std::cerr << "fieldkiosk-server: export: " << name << ": " << line << "\n";
    };
    const auto quality = quality_from_config(s.quality_config, "export");
    if (!quality) return k_exit_usage;
    auto done = export_wide_from_csv(in, catalog, ExportRequest{s.survey, format, s.labels, *quality}, write, warn);
    if (!done) {
        std::cerr << "fieldkiosk-server: export: " << name << ": " << done.error().message << "\n";
        return done.error().kind == ExportFailure::Kind::Failed ? k_exit_fail : k_exit_usage;
    }
    out.flush();
    return out ? k_exit_ok : k_exit_fail;
}

// --config FILE for export and report: its [quality] table (the rest of the file is checked, not used).
std::optional<QualitySettings> quality_from_config(const std::string& file, std::string_view verb) {
    if (file.empty()) return QualitySettings{};
    auto config = load_server_config(file);
    if (!config) {
        std::istringstream lines(config.error());
        for (std::string line; std::getline(lines, line);)
            std::cerr << "fieldkiosk-server: " << verb << ": --config " << line << "\n";
        return std::nullopt;
    }
    return config->quality.value_or(QualitySettings{});
}

int export_survey(const Settings& s) {
    const auto format = export_format_from_string(s.format).value_or(ExportFormat::Csv);
    const auto quality = quality_from_config(s.quality_config, "export");
    if (!quality) return k_exit_usage;
    core::Catalog catalog;
    if (format != ExportFormat::Csv || !s.surveys.empty()) {
        if (s.surveys.empty()) {
            std::cerr << "fieldkiosk-server: export: --format " << s.format
                      << " needs the survey definitions: give --surveys DIR (the folder serve reads)\n";
            return k_exit_usage;
        }
        std::vector<fs::path> paths(s.surveys.begin(), s.surveys.end());
        catalog = core::load_paths(paths, core::LoadOptions{.all_versions = true});
        for (const auto& d : catalog.diagnostics) std::cerr << "fieldkiosk-server: export: " << d.to_string() << "\n";
    }
    if (!s.from_csv.empty()) return export_from_csv(s, format, catalog);
    auto storage = open_or_say(s.db);
    if (!storage) return k_exit_fail;
    std::ofstream file;
    const bool to_stdout = s.output.empty() || s.output == "-";
    if (!to_stdout) {
        file.open(s.output, std::ios::binary);
        if (!file) {
            std::cerr << "fieldkiosk-server: export: cannot write " << s.output << "\n";
            return k_exit_fail;
        }
    }
    std::ostream& out = to_stdout ? std::cout : file;
    core::SystemClock clock;
    const std::string what = format == ExportFormat::Csv ? std::string("CSV") : s.format;
    const ExportAudit audit{*storage, clock, command_line_user(),
                            "survey '" + s.survey + "' as " + what + (s.labels.empty() ? "" : " (labels " + s.labels + ")") +
                                " to " + (s.output.empty() ? "standard output" : s.output)};
    const ExportRequest request{s.survey, format, s.labels, *quality};
    const auto write = [&out](std::string_view text) { return static_cast<bool>(out << text); };
    const auto warn = [](const std::string& line) { std::cerr << "fieldkiosk-server: export: " << line << "\n"; };
    auto done = export_survey_to(*storage, &catalog, request, write, audit, warn);
    if (!done) {
        std::cerr << "fieldkiosk-server: export: " << done.error().message << "\n";
        return done.error().kind == ExportFailure::Kind::Failed ? k_exit_fail : k_exit_usage;
    }
    out.flush();
    return out ? k_exit_ok : k_exit_fail;
}

// serve, step 1: --config under the flags (sync/server/server_config.hpp; flags given on the command line win).
bool apply_config_file(const CLI::App* serve, Settings& s) {
    const auto flag_given = [serve](std::string_view flag) { return serve->count(std::string(flag)) > 0; };
    auto file = load_server_config(s.config_file);
    if (file)
        if (auto applied = apply_server_config(
                *file, flag_given, ServeTargets{s.listen, s.db, s.surveys, s.read_timeout_s, s.opt, &s.serve_quiet_after});
            !applied)
            file = std::unexpected(s.config_file + ": " + applied.error());
    if (file) return true;
    std::istringstream lines(file.error());
    for (std::string line; std::getline(lines, line);) std::cerr << "fieldkiosk-server: --config " << line << "\n";
    return false;
}

// Tests only (--fault-stall-before-commit-ms): every batch holds its transaction open, and says so first.
std::function<Fault(std::uint64_t)> stall_before_commit(int stall_ms) {
    return [stall_ms](std::uint64_t n) {
        return Fault{.kind = Fault::Kind::StallBeforeCommit, .delay = std::chrono::milliseconds(stall_ms), .on_stall = [n] {
                         // Tests wait for this line: the batch's transaction is open and not committed.
                         std::cout << "fault: batch " << n << " stalled before commit" << std::endl;
                     }};
    };
}

// serve, step 2: the settings checked and turned into ServerOptions. false: said why on stderr (exit 2).
bool settle_serve_options(Settings& s) {
    if (auto window = parse_duration(s.serve_quiet_after)) {
        s.opt.quiet_after = *window;
    } else {
        std::cerr << "fieldkiosk-server: --quiet-after " << window.error() << "\n";
        return false;
    }
    if (s.surveys.empty()) {
        std::cerr << "fieldkiosk-server: serve needs survey definitions: --surveys DIR, or surveys = [\"DIR\"] in "
                     "--config\n";
        return false;
    }
    const auto colon = s.listen.rfind(':');
    if (colon == std::string::npos) {
        std::cerr << "fieldkiosk-server: --listen wants HOST:PORT\n";
        return false;
    }
    s.opt.host = s.listen.substr(0, colon);
    try {
        s.opt.port = std::stoi(s.listen.substr(colon + 1));
    } catch (const std::exception&) {
        std::cerr << "fieldkiosk-server: --listen: '" << s.listen.substr(colon + 1) << "' is not a port\n";
        return false;
    }
    s.opt.read_timeout = std::chrono::seconds(s.read_timeout_s);
    if (s.stall_ms > 0) s.opt.fault = stall_before_commit(s.stall_ms);
    // The dashboard's defaults (docs/dashboard.md): the indicator files and ward codes beside the first surveys folder.
    auto& d = s.opt.dashboard;
    std::error_code ec;
    if (d.indicators.empty() && fs::is_directory(fs::path(s.surveys.front()) / "indicators", ec))
        d.indicators = fs::path(s.surveys.front()) / "indicators";
    if (d.ward_codes.empty() && !d.indicators.empty() && fs::is_regular_file(d.indicators / "ward_codes.csv", ec))
        d.ward_codes = d.indicators / "ward_codes.csv";
    for (const auto* p : {&d.boundaries, &d.ward_codes, &d.population_totals})
        if (!p->empty() && !fs::is_regular_file(*p, ec)) {
            std::cerr << "fieldkiosk-server: [dashboard]: " << p->string() << " is not a file that can be read\n";
            return false;
        }
    return true;
}

// serve, step 4: listen until SIGINT or SIGTERM (blocked in `set` by the caller, so every thread inherits the mask).
int run_until_signal(Server& server, const std::vector<fs::path>& paths, const ServerOptions& opt, sigset_t set) {
    std::cout << "surveys: " << server.surveys()->summary() << std::endl;
    const SurveyReloader reloader(server, paths);  // before any other thread starts: it blocks SIGHUP
    std::cout << "listening on " << opt.host << ":" << server.port() << (opt.tls_cert.empty() ? " (http)" : " (https)")
              << std::endl;
    if (opt.dashboard.indicators.empty())
        std::cout << "dashboard: off (no indicators folder beside the surveys; [dashboard] indicators in server.toml)" << std::endl;
    else
        std::cout << "dashboard: /dashboard/ with the indicators in " << opt.dashboard.indicators.string() << "; "
                  << (opt.dashboard.boundaries.empty() ? "wards as bars (no [dashboard] boundaries file)"
                                                       : "ward map from " + opt.dashboard.boundaries.string())
                  << std::endl;
    std::atomic<bool> run_over{false};
    std::thread waiter([&server, &run_over, set] {
        int sig = 0;
        sigwait(&set, &sig);
        // Wait for run() to be listening (or to have failed) before stopping it, so that a signal right
        // after the start is never lost (`systemctl stop` just after a start).
        while (!server.is_running() && !run_over.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        server.stop();
    });
    const bool ok = server.run();
    run_over = true;
    pthread_kill(waiter.native_handle(), SIGTERM);  // wake the waiter if run() ended by itself
    waiter.join();
    return ok ? k_exit_ok : k_exit_fail;
}

int serve(const CLI::App* verb, Settings& s) {
    if (!s.config_file.empty() && !apply_config_file(verb, s)) return k_exit_usage;
    if (!settle_serve_options(s)) return k_exit_usage;
    // serve, step 3: every version in --surveys (old ones too, so responses made with them are accepted); broken
    // files are left out with a warning. A reload (SIGHUP, SurveyReloader) is stricter: all or nothing.
    std::vector<fs::path> paths(s.surveys.begin(), s.surveys.end());
    auto loaded = SurveyLibrary::load(paths, /*strict=*/false);
    if (!loaded) {
        for (const auto& e : loaded.error()) std::cerr << "warning: " << e << "\n";
        std::cerr << "fieldkiosk-server: no valid survey in --surveys; every response would be rejected\n";
        return k_exit_usage;
    }
    for (const auto& w : loaded->warnings) std::cerr << "warning: " << w << "\n";
    auto storage = open_or_say(s.db);
    if (!storage) return k_exit_fail;

    // SIGINT/SIGTERM stop the server cleanly: block them here (every thread inherits the mask) and wait
    // for them on one thread.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    core::SystemClock clock;
    Server server(std::shared_ptr<Storage>(std::move(storage)), loaded->library->validator_ptr(), s.opt, clock);
    if (!server.bind()) {
        std::cerr << "fieldkiosk-server: " << server.error() << "\n";
        return k_exit_fail;
    }
    return run_until_signal(server, paths, s.opt, set);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldkiosk-server: receives survey responses from fieldkiosk kiosks (docs/sync_protocol.md).",
                 "fieldkiosk-server"};
    app.set_version_flag("--version", std::string("fieldkiosk-server ") + FIELDKIOSK_VERSION);
    app.require_subcommand(1);
    Settings settings;
    const Verbs verbs = add_verbs(app, settings);
    ReportOptions report_options;
    CLI::App* report = add_report_verb(app, report_options);
    ProcessOptions process_options;
    CLI::App* process = add_process_verb(app, process_options);
    CLI11_PARSE(app, argc, argv);

    if (verbs.add_kiosk->parsed()) return add_token(settings.db, settings.name, "kiosk");
    if (verbs.add_admin->parsed()) {
        const auto role = admin_role(settings.scopes);
        if (!role) {
            std::cerr << "fieldkiosk-server: add-admin --scopes: " << role.error() << "\n";
            return k_exit_usage;
        }
        return add_token(settings.db, settings.name, *role);
    }
    if (verbs.add_metrics->parsed()) return add_token(settings.db, settings.name, std::string(k_role_metrics));
    if (verbs.audit->parsed()) {
        auto storage = open_or_say(settings.db);
        return storage ? run_audit_report(*storage, settings.since, settings.audit_json, std::cout, std::cerr) : k_exit_fail;
    }
    if (verbs.revoke->parsed()) return revoke_token(settings);
    if (verbs.kiosks->parsed()) return kiosks_report(settings);
    if (verbs.exp->parsed()) return export_survey(settings);
    if (verbs.keygen->parsed()) return run_keygen(settings.key_out, settings.key_id, std::cout, std::cerr);
    if (verbs.decrypt->parsed()) {
        std::ios::sync_with_stdio(false);
        return run_decrypt({settings.key_files.begin(), settings.key_files.end()}, std::cin, std::cout, std::cerr);
    }
    if (report->parsed()) {
        report_options.who = command_line_user();
        return run_report(report_options, std::cout, std::cerr);
    }
    if (process->parsed()) {
        process_options.who = command_line_user();
        return run_process(process_options, std::cout, std::cerr);
    }
    return serve(verbs.serve, settings);
}
