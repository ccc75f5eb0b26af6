// fieldkiosk-server: the reference council receiver. Verbs: serve, add-kiosk, add-admin, revoke-kiosk, export.
#include "core/loader.hpp"
#include "sync/server/auth.hpp"
#include "sync/server/export_csv.hpp"
#include "sync/server/server.hpp"

#include <CLI/CLI.hpp>

#include <pthread.h>
#include <csignal>
#include <fstream>
#include <iostream>
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

int add_token(const std::string& db, const std::string& name, const char* role) {
    auto storage = open_or_say(db);
    if (!storage) return k_exit_fail;
    const std::string token = make_token();
    core::SystemClock clock;
    if (auto r = storage->add_token(name, role, sha256_hex(token), core::format_utc(clock.wall_now())); !r) {
        std::cerr << "fieldkiosk-server: " << r.error().message << "\n";
        return k_exit_fail;
    }
    std::cout << "Added " << role << " '" << name << "'. Its token is shown once, below; the server keeps only a hash.\n"
              << token << "\n";
    return k_exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldkiosk-server: receives survey responses from fieldkiosk kiosks (docs/sync_protocol.md).",
                 "fieldkiosk-server"};
    app.set_version_flag("--version", std::string("fieldkiosk-server ") + FIELDKIOSK_VERSION);
    app.require_subcommand(1);
    std::string db = "sqlite:fieldkiosk-server.db";
    const std::string db_help = "Database: sqlite:PATH (default sqlite:fieldkiosk-server.db) or postgresql://USER@HOST:PORT/DB";

    auto* serve = app.add_subcommand("serve", "Receive batches over HTTP(S)");
    std::string listen = "127.0.0.1:8080";
    std::vector<std::string> surveys;
    ServerOptions opt;
    int stall_ms = 0;
    int read_timeout_s = 10;
    serve->add_option("--db", db, db_help);
    serve->add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port; printed on start)");
    serve->add_option("--surveys", surveys, "Survey definitions (folders or files) to validate against")->required();
    serve->add_option("--threads", opt.threads, "Worker threads (each serves one connection at a time)")
        ->check(CLI::Range(1, 256));
    serve->add_option("--read-timeout", read_timeout_s, "Seconds a client may stay silent mid-request")
        ->check(CLI::Range(1, 600));
    serve->add_option("--max-body", opt.limits.max_body_bytes, "Largest body accepted as sent, in bytes");
    serve->add_option("--max-decompressed", opt.limits.max_decompressed_bytes, "Largest body accepted after gzip, in bytes");
    serve->add_option("--max-items", opt.limits.max_items, "Most responses in one batch");
    serve->add_option("--rate", opt.limits.rate_per_second, "Batches per second per kiosk, sustained (0: no limit)");
    serve->add_option("--burst", opt.limits.rate_burst, "Batches per kiosk at once before --rate applies");
    serve->add_option("--tls-cert", opt.tls_cert, "PEM certificate: serve HTTPS directly (with --tls-key)");
    serve->add_option("--tls-key", opt.tls_key, "PEM private key for --tls-cert");
    serve->add_option("--fault-stall-before-commit-ms", stall_ms, "Tests only: hold each batch's transaction open this long")
        ->group("");

    std::string name;
    auto* add_kiosk = app.add_subcommand("add-kiosk", "Create a kiosk token (printed once, alone on the last line)");
    add_kiosk->add_option("NAME", name, "The kiosk's name, e.g. kentish-town-library")->required();
    add_kiosk->add_option("--db", db, db_help);
    auto* add_admin = app.add_subcommand("add-admin", "Create an admin token (for GET /v1/export/SURVEY.csv)");
    add_admin->add_option("NAME", name, "Who holds it")->required();
    add_admin->add_option("--db", db, db_help);
    auto* revoke = app.add_subcommand("revoke-kiosk", "Revoke a kiosk's (or admin's) token at once");
    revoke->add_option("NAME", name)->required();
    revoke->add_option("--db", db, db_help);

    auto* exp = app.add_subcommand("export", "Write a survey's stored responses as CSV, one row per response");
    std::string survey, format = "csv", output;
    exp->add_option("--db", db, db_help);
    exp->add_option("--survey", survey, "Survey id")->required();
    exp->add_option("--format", format, "Output format")->check(CLI::IsMember({"csv"}));
    exp->add_option("--output,-o", output, "File to write (default: standard output)");

    CLI11_PARSE(app, argc, argv);

    if (add_kiosk->parsed()) return add_token(db, name, "kiosk");
    if (add_admin->parsed()) return add_token(db, name, "admin");
    if (revoke->parsed()) {
        auto storage = open_or_say(db);
        if (!storage) return k_exit_fail;
        core::SystemClock clock;
        if (auto r = storage->revoke_token(name, core::format_utc(clock.wall_now())); !r) {
            std::cerr << "fieldkiosk-server: " << r.error().message << "\n";
            return k_exit_fail;
        }
        std::cout << "Revoked '" << name << "'.\n";
        return k_exit_ok;
    }
    if (exp->parsed()) {
        auto storage = open_or_say(db);
        if (!storage) return k_exit_fail;
        std::ofstream file;
        if (!output.empty()) file.open(output, std::ios::binary);
        std::ostream& out = output.empty() ? std::cout : file;
        out << csv_header();
        auto r = storage->for_each_response(survey, [&](const ExportRow& row) {
            out << csv_row(row);
            return static_cast<bool>(out);
        });
        if (!r) {
            std::cerr << "fieldkiosk-server: " << r.error().message << "\n";
            return k_exit_fail;
        }
        return out ? k_exit_ok : k_exit_fail;
    }

    // serve
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
        std::cerr << "fieldkiosk-server: --listen wants HOST:PORT\n";
        return k_exit_usage;
    }
    opt.host = listen.substr(0, colon);
    try {
        opt.port = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
        std::cerr << "fieldkiosk-server: --listen: '" << listen.substr(colon + 1) << "' is not a port\n";
        return k_exit_usage;
    }
    opt.read_timeout = std::chrono::seconds(read_timeout_s);
    if (stall_ms > 0)
        opt.fault = [stall_ms](std::uint64_t n) {
            return Fault{.kind = Fault::Kind::StallBeforeCommit,
                         .delay = std::chrono::milliseconds(stall_ms),
                         .on_stall = [n] {
                             // Tests wait for this line: the batch's transaction is open and not committed.
                             std::cout << "fault: batch " << n << " stalled before commit" << std::endl;
                         }};
        };
    std::vector<fs::path> paths(surveys.begin(), surveys.end());
    auto catalog = core::load_paths(paths);
    for (const auto& d : catalog.diagnostics) std::cerr << "warning: " << d.to_string() << "\n";
    if (catalog.surveys.empty()) {
        std::cerr << "fieldkiosk-server: no valid survey in --surveys; every response would be rejected\n";
        return k_exit_usage;
    }
    auto storage = open_or_say(db);
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
    Server server(std::shared_ptr<Storage>(std::move(storage)), std::make_shared<const Validator>(std::move(catalog)), opt,
                  clock);
    if (!server.bind()) {
        std::cerr << "fieldkiosk-server: " << server.error() << "\n";
        return k_exit_fail;
    }
    std::cout << "listening on " << opt.host << ":" << server.port() << (opt.tls_cert.empty() ? " (http)" : " (https)")
              << std::endl;
    std::thread waiter([&server, set] {
        int sig = 0;
        sigwait(&set, &sig);
        server.stop();
    });
    const bool ok = server.run();
    pthread_kill(waiter.native_handle(), SIGTERM);  // wake the waiter if run() ended by itself
    waiter.join();
    return ok ? k_exit_ok : k_exit_fail;
}
