// fieldkiosk-ctl sync: drains a kiosk's outbox once, with the kiosk's own client code, and says how it went.
#include "storage/response_store.hpp"
#include "sync/client/curl_transport.hpp"
#include "core/default_paths.hpp"
#include "sync/client/heartbeat.hpp"
#include "sync/client/openrosa_uploader.hpp"
#include "sync/client/uploader.hpp"
#include "tools/ctl/commands.hpp"
#include "tools/ctl/common.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <expected>
#include <fstream>
#include <iomanip>
#include <memory>
#include <ostream>

namespace fieldkiosk::tools {

namespace {

// The token on the first line of `path`, which must be a regular file no group or other user can read.
std::expected<std::string, std::string> read_token_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::unexpected(std::string(std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) return std::unexpected(std::string("not a regular file"));
    if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0)
        return std::unexpected(std::string("readable by group or others (mode ") + std::to_string((st.st_mode >> 6) & 7) +
                               std::to_string((st.st_mode >> 3) & 7) + std::to_string(st.st_mode & 7) +
                               "); run chmod 600 on it");
    std::ifstream in(path);
    std::string token;
    if (!in || !std::getline(in, token)) return std::unexpected(std::string("cannot be read, or is empty"));
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.front()))) token.erase(0, 1);
    if (token.empty()) return std::unexpected(std::string("its first line is empty"));
    return token;
}

struct SyncArgs {
    std::string db, server, token, token_file, ca_file, pin;
    std::string openrosa, openrosa_file, openrosa_token_file;
    std::vector<std::string> surveys;
    int batch = 100;
    bool no_gzip = false;
    int connect_timeout = 10, timeout = 120;
};

// The token from --token-file, else --token, else FIELDKIOSK_TOKEN; nullopt (said on `err`) when none is usable.
std::optional<std::string> resolve_token(const SyncArgs& args, std::ostream& err) {
    std::string token = args.token;
    if (!args.token_file.empty()) {
        auto t = read_token_file(args.token_file);
        if (!t) {
            err << "error: --token-file " << args.token_file << ": " << t.error() << "\n";
            return std::nullopt;
        }
        token = std::move(*t);
    } else if (token.empty()) {
        if (const char* env = std::getenv("FIELDKIOSK_TOKEN"); env != nullptr) token = env;
    }
    if (token.empty()) {
        err << "error: no token: give --token-file PATH (or set FIELDKIOSK_TOKEN)\n";
        return std::nullopt;
    }
    return token;
}

// The OpenRosa server from --openrosa or --openrosa-file (+ --openrosa-token-file, --surveys); nullopt (said on
// `err`) when a file is unusable.
std::optional<sync::client::OpenRosaTarget> openrosa_target(const SyncArgs& args, std::ostream& err) {
    sync::client::OpenRosaTarget t;
    t.submission_url = args.openrosa;
    if (!args.openrosa_file.empty()) {
        auto url = read_token_file(args.openrosa_file);
        if (!url) {
            err << "error: --openrosa-file " << args.openrosa_file << ": " << url.error() << "\n";
            return std::nullopt;
        }
        t.submission_url = std::move(*url);
    }
    if (!args.openrosa_token_file.empty()) {
        auto token = read_token_file(args.openrosa_token_file);
        if (!token) {
            err << "error: --openrosa-token-file " << args.openrosa_token_file << ": " << token.error() << "\n";
            return std::nullopt;
        }
        t.authorization = "Token " + *token;
    }
    if (args.surveys.empty())
        t.survey_paths = {core::default_surveys_dir()};
    else
        t.survey_paths.assign(args.surveys.begin(), args.surveys.end());
    return t;
}

// One drain of the store with the kiosk's own client, a heartbeat riding along (alone in an empty batch when
// nothing is queued: the server's `kiosks` list then shows this run as "fieldkiosk-ctl VERSION"). The exit status.
int drain_once(const SyncArgs& args, const std::string& token, const std::optional<sync::client::OpenRosaTarget>& target,
               const std::filesystem::path& path, std::ostream& out, std::ostream& err) {
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(path, clock);
    if (!store) {
        err << "error: " << store.error().message << "\n";
        return k_exit_invalid;
    }
    static sync::client::CurlGlobal curl_global;  // once per process, before any transfer
    sync::client::CurlTransport transport(sync::client::CurlOptions{.connect_timeout = std::chrono::seconds(args.connect_timeout),
                                                                    .total_timeout = std::chrono::seconds(args.timeout),
                                                                    .ca_file = args.ca_file,
                                                                    .pinned_public_key = args.pin});
    core::SystemRng rng;
    sync::client::SyncConfig config{.server_url = args.server, .token = token, .gzip = !args.no_gzip, .openrosa = target};
    config.batch.max_count = args.batch;
    std::unique_ptr<sync::client::OutboxSender> uploader;
    if (target)
        uploader = std::make_unique<sync::client::OpenRosaUploader>(*store, transport, config, rng, clock);
    else
        uploader = std::make_unique<sync::client::Uploader>(*store, transport, config, rng);
    sync::client::HeartbeatFacts facts;
    if (auto before = store->outbox_counts()) {
        facts.queued = before->queued;
        facts.quarantined = before->rejected + before->conflict;
    }
    sync::protocol::Heartbeat given;
    given.app_version = std::string("fieldkiosk-ctl ") + FIELDKIOSK_VERSION;
    const auto start = std::chrono::steady_clock::now();
    const auto s = uploader->drain({}, sync::client::complete_heartbeat(std::move(given), facts, path, clock.wall_now()));
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto counts = store->outbox_counts();
    if (!counts) {
        err << "error: " << counts.error().message << "\n";
        return k_exit_invalid;
    }
    out << "sent " << s.delivered() << " (accepted " << s.accepted << ", duplicate " << s.duplicate << "), rejected "
        << s.rejected << ", conflict " << s.conflict << ", remaining " << counts->queued << ", time " << std::fixed
        << std::setprecision(2) << secs << " s\n";    if (s.held > 0)
        out << "kept " << s.held << " response(s) with sealed answers on the kiosk: an OpenRosa server cannot take them\n";

    if (s.failure)
        err << "stopped: " << sync::client::describe(*s.failure, clock.wall_now()) << " (" << s.failure->detail << ")\n";
    return counts->queued == 0 ? k_exit_ok : k_exit_invalid;
}

}  // namespace

Runner add_sync(CLI::App& app, std::ostream& out, std::ostream& err) {
    auto args = std::make_shared<SyncArgs>();
    auto* cmd = app.add_subcommand("sync", "Send the kiosk's queued responses to the server once, then print a summary");
    cmd->add_option("--db", args->db, "The kiosk's database (default: " + storage::default_database_path().string() + ")");
    auto* server_opt = cmd->add_option("--server", args->server, "fieldkiosk-server URL, e.g. https://surveys.example.gov.uk");
    auto* openrosa_opt =
        cmd->add_option("--openrosa", args->openrosa,
                        "Send to an OpenRosa server instead: the form's submission URL, e.g. ODK Central's "
                        "https://HOST/v1/key/TOKEN/projects/1/submission or KoboToolbox's https://HOST/submission. "
                        "WARNING: Central's URL holds a secret; prefer --openrosa-file")
            ->excludes(server_opt);
    auto* openrosa_file_opt = cmd->add_option("--openrosa-file", args->openrosa_file,
                                              "File holding the OpenRosa submission URL (its first line; chmod 600)")
                                  ->excludes(server_opt)
                                  ->excludes(openrosa_opt);
    cmd->add_option("--openrosa-token-file", args->openrosa_token_file,
                    "KoboToolbox: file holding the API token, sent as \"Authorization: Token ...\" (chmod 600)");
    cmd->add_option("--surveys", args->surveys,
                    "OpenRosa: survey files or folders, for each submission's field order and write-in fields (default: " +
                        core::default_surveys_dir().string() + ")");
    (void)openrosa_file_opt;
    auto* token_opt = cmd->add_option(
        "--token", args->token,
        "This kiosk's token (from fieldkiosk-server add-kiosk). WARNING: a token on the command line is visible to "
        "other users of this machine (ps, /proc/*/cmdline) and kept in shell history; prefer --token-file or "
        "FIELDKIOSK_TOKEN");
    cmd->add_option("--token-file", args->token_file,
                    "File holding this kiosk's token (its first line); it must not be readable by group or others "
                    "(chmod 600)")
        ->excludes(token_opt);
    cmd->add_option("--batch", args->batch, "Responses per batch")->check(CLI::Range(1, 1000));
    cmd->add_flag("--no-gzip", args->no_gzip, "Send bodies uncompressed");
    cmd->add_option("--ca-file", args->ca_file, "PEM file of certificate authorities to trust instead of the system's");
    cmd->add_option("--pin", args->pin, "Pinned server public key, e.g. sha256//BASE64=");
    cmd->add_option("--connect-timeout", args->connect_timeout, "Seconds to wait for a connection")->check(CLI::Range(1, 600));
    cmd->add_option("--timeout", args->timeout, "Seconds a whole request may take")->check(CLI::Range(1, 3600));
    cmd->footer(
        "The token comes from --token-file, else --token, else the environment variable FIELDKIOSK_TOKEN.\n"
        "With --openrosa or --openrosa-file, each response goes as one OpenRosa submission (ODK Central, KoboToolbox);\n"
        "the survey must be published there (fieldkiosk-ctl export-xform). Responses with sealed answers stay queued.\n"
        "Exit status: 0 when nothing remains queued, 1 when something does (or the database failed), 2 bad command line.");
    return [args, &out, &err]() -> int {
        std::optional<std::string> token;
        std::optional<sync::client::OpenRosaTarget> target;
        if (!args->openrosa.empty() || !args->openrosa_file.empty()) {
            target = openrosa_target(*args, err);
            if (!target) return k_exit_usage;
            token = std::string();
        } else {
            if (args->server.empty()) {
                err << "error: give --server URL (fieldkiosk-server) or --openrosa URL / --openrosa-file FILE\n";
                return k_exit_usage;
            }
            token = resolve_token(*args, err);
            if (!token) return k_exit_usage;
        }
        const std::string& url = target ? target->submission_url : args->server;
        if (auto problem = sync::client::insecure_url_problem(url)) {
            err << "error: " << (target ? "the OpenRosa URL" : "--server " + args->server) << ": " << *problem << "\n";
            return k_exit_usage;
        }
        const auto path = args->db.empty() ? storage::default_database_path() : std::filesystem::path(args->db);
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
            err << "error: no database at " << path.string() << " (give --db PATH)\n";
            return k_exit_usage;
        }
        return drain_once(*args, *token, target, path, out, err);
    };
}

}  // namespace fieldkiosk::tools
