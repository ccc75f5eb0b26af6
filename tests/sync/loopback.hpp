// Loopback fixture for the sync suites: the real fieldkiosk-server (in-process, on a thread, on a free
// 127.0.0.1 port) and a real kiosk store, driven by the real client (Uploader + CurlTransport).
//
// Backends: "sqlite" always; "postgresql" when FIELDKIOSK_TEST_PG holds a libpq connection string
// (tests/support/start-postgres.sh prints one). Each PostgreSQL fixture works in its own schema, dropped
// at the end, so suites never see each other's rows.
#pragma once

#include "core/loader.hpp"
#include "storage/response_store.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/uploader.hpp"
#include "sync/protocol/digest.hpp"
#include "sync/server/auth.hpp"
#include "sync/server/server.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/wait_until.hpp"
#include "tools/ctl/commands.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <tuple>

namespace fieldkiosk::testing {

// GET with libcurl directly, outside the kiosk transport's rules (any header, any answer): the status (0
// when no answer came) and the body. With `token`, as "Authorization: Bearer TOKEN".
inline std::pair<int, std::string> http_get(const std::string& url, const std::string& token = {}) {
    CURL* h = curl_easy_init();
    std::string body;
    curl_slist* headers = nullptr;
    if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(
        h, CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t s, std::size_t n, void* u) {
            static_cast<std::string*>(u)->append(d, s * n);
            return s * n;
        });
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    return {static_cast<int>(status), body};
}

inline const char* test_pg() {
    const char* pg = std::getenv("FIELDKIOSK_TEST_PG");
    return pg && *pg ? pg : nullptr;
}

inline core::Catalog shipped_catalog() {
    const std::filesystem::path paths[] = {FIELDKIOSK_SURVEY_DEFS_DIR};
    return core::load_paths(paths);
}

// Runs fieldkiosk-ctl in-process with `args` (after the program name): exit status, standard output, standard error.
inline std::tuple<int, std::string, std::string> run_ctl_args(const std::vector<std::string>& args) {
    std::vector<const char*> argv{"fieldkiosk-ctl"};
    for (const auto& a : args) argv.push_back(a.c_str());
    std::istringstream in;
    std::ostringstream out, err;
    const int rc = tools::run_ctl(static_cast<int>(argv.size()), argv.data(), in, out, err);
    return {rc, out.str(), err.str()};
}

// Runs `fieldkiosk-ctl simulate` in-process; returns the ids it saved.
inline std::vector<std::string> simulate(const std::filesystem::path& db, const std::string& survey, int count, int seed = 1) {
    std::vector<std::string> args = {
        "fieldkiosk-ctl", "simulate", "--db",    db.string(),           "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR,
        "--survey",       survey,     "--count", std::to_string(count), "--seed",    std::to_string(seed)};
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::istringstream in;
    std::ostringstream out, err;
    const int rc = tools::run_ctl(static_cast<int>(argv.size()), argv.data(), in, out, err);
    EXPECT_EQ(rc, 0) << err.str();
    std::vector<std::string> ids;
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with("saved ")) ids.push_back(line.substr(6));
    return ids;
}

// Runs one statement on FIELDKIOSK_TEST_PG; throws with PostgreSQL's words if it fails.
inline void pg_exec(const std::string& sql) {
    PGconn* c = PQconnectdb(test_pg());
    PGresult* r = PQexec(c, ("SET client_min_messages = warning; " + sql).c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    const std::string msg = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error(sql + ": " + msg);
}

// A fresh schema on FIELDKIOSK_TEST_PG, dropped with everything in it at the end; url() points the
// server's storage at it (search_path), so suites never see each other's rows.
class PgSchema {
public:
    PgSchema() {
        std::random_device rd;
        m_name = "fk_test_" + std::to_string(rd()) + std::to_string(rd());
        pg_exec("CREATE SCHEMA " + m_name);
        const std::string base = test_pg();
        if (base.starts_with("postgres"))
            m_url = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + m_name;
        else
            m_url = "pg:" + base + " options='-csearch_path=" + m_name + "'";
    }
    ~PgSchema() {
        try {
            pg_exec("DROP SCHEMA " + m_name + " CASCADE");
        } catch (const std::exception&) {}
    }
    PgSchema(const PgSchema&) = delete;
    PgSchema& operator=(const PgSchema&) = delete;
    [[nodiscard]] const std::string& url() const { return m_url; }

private:
    std::string m_name, m_url;
};

class Receiver {
public:
    // rate_per_second 0: no rate limit (most tests send many batches quickly on purpose).
    // tls_cert/tls_key set: HTTPS directly (httplib::SSLServer), and url() says https.
    explicit Receiver(std::string backend, double rate_per_second = 0, int burst = 40, std::string tls_cert = {},
                      std::string tls_key = {}, std::size_t max_decompressed_bytes = 0)
        : m_backend(std::move(backend)) {
        sync::server::ServerOptions options;
        if (m_backend == "postgresql") {
            m_schema.emplace();
            m_url = m_schema->url();
        } else {
            m_url = "sqlite:" + (m_dir.path() / "server.db").string();
        }
        auto s = sync::server::open_storage(m_url);
        if (!s) throw std::runtime_error("open_storage: " + s.error().message);
        storage = std::shared_ptr<sync::server::Storage>(std::move(*s));
        validator = std::make_shared<const sync::server::Validator>(shipped_catalog());
        options.port = 0;
        options.threads = 4;
        options.read_timeout = std::chrono::seconds(5);
        options.limits.rate_per_second = rate_per_second;
        options.limits.rate_burst = burst;
        if (max_decompressed_bytes > 0) options.limits.max_decompressed_bytes = max_decompressed_bytes;
        options.tls_cert = std::move(tls_cert);
        options.tls_key = std::move(tls_key);
        m_scheme = options.tls_cert.empty() ? "http" : "https";
        options.fault = [this](std::uint64_t n) {
            std::lock_guard lock(m_fault_mutex);
            return m_fault ? m_fault(n) : sync::server::Fault{};
        };
        m_options = options;
        start();
        kiosk_token = add_token("kiosk-1", "kiosk");
        admin_token = add_token("council-admin", "admin");
        metrics_token = add_token("prometheus", "metrics");
    }
    ~Receiver() {
        stop();
        storage.reset();
    }
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;

    void start() {
        auto opts = m_options;
        if (m_port != 0) opts.port = m_port;  // a restart keeps the port, so the kiosk's URL stays right
        m_server = std::make_unique<sync::server::Server>(storage, validator, opts, m_clock);
        ASSERT_TRUE(m_server->bind()) << m_server->error();
        m_port = m_server->port();
        m_thread = std::thread([s = m_server.get()] { s->run(); });
        ASSERT_TRUE(wait_until([&] { return m_server->is_running(); }, std::chrono::seconds(5), std::chrono::milliseconds(1)));
    }
    void stop() {
        if (!m_server) return;
        m_server->stop();
        if (m_thread.joinable()) m_thread.join();
        m_server.reset();
    }
    // Stops the server, changes its options (time-outs, caps), and starts it again on the same port.
    void restart_with(const std::function<void(sync::server::ServerOptions&)>& change) {
        stop();
        change(m_options);
        start();
    }
    void set_fault(std::function<sync::server::Fault(std::uint64_t)> f) {
        std::lock_guard lock(m_fault_mutex);
        m_fault = std::move(f);
    }
    std::string add_token(const std::string& name, const std::string& role) {
        const std::string token = sync::server::make_token();
        // Stamped with the receiver's own clock: a literal date would age against the real clock that
        // `kiosks` and the fleet health judge by (a kiosk "never seen" for days turns QUIET).
        auto r = storage->add_token(name, role, sync::protocol::sha256_hex(token).value(), now_utc());
        EXPECT_TRUE(r.has_value()) << r.error().message;
        return token;
    }
    // Judges batches by `catalog` from now on, and after a restart (a suite with surveys of its own).
    void use_catalog(core::Catalog catalog) {
        validator = std::make_shared<const sync::server::Validator>(std::move(catalog));
        if (m_server) m_server->replace_surveys(sync::server::SurveyLibrary::from_validator(validator));
    }
    // The receiver's clock now, as the storage writes times (created_at, revoked_at).
    [[nodiscard]] std::string now_utc() const { return core::format_utc(m_clock.wall_now()); }
    [[nodiscard]] std::string url() const { return m_scheme + "://127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] std::int64_t responses() const { return storage->counts().value().responses; }
    [[nodiscard]] std::int64_t conflicts() const { return storage->counts().value().conflicts; }
    [[nodiscard]] const std::string& db_url() const { return m_url; }

    std::shared_ptr<sync::server::Storage> storage;
    std::shared_ptr<const sync::server::Validator> validator;
    std::string kiosk_token, admin_token, metrics_token;  // admin_token: a plain "admin" (read only, as before scopes)

private:
    std::string m_backend;
    TempDir m_dir;
    std::optional<PgSchema> m_schema;  // dropped after ~Receiver() has stopped the server and closed the storage
    std::string m_url, m_scheme = "http";
    core::SystemClock m_clock;
    sync::server::ServerOptions m_options;
    std::unique_ptr<sync::server::Server> m_server;
    std::thread m_thread;
    int m_port = 0;
    std::mutex m_fault_mutex;
    std::function<sync::server::Fault(std::uint64_t)> m_fault;
};

// A kiosk: its own store, filled by simulate(), drained by the real client.
class Kiosk {
public:
    Kiosk() : db(m_dir.path() / "kiosk.db") {}
    std::vector<std::string> fill(int count, const std::string& survey = "food", int seed = 1) {
        auto ids = simulate(db, survey, count, seed);
        all_ids.insert(all_ids.end(), ids.begin(), ids.end());
        return ids;
    }
    sync::client::DrainSummary drain(const std::string& url, const std::string& token, sync::client::CurlOptions curl = quick(),
                                     int batch = 100) {
        core::SystemClock clock;
        auto store = storage::ResponseStore::open(db, clock);
        EXPECT_TRUE(store.has_value());
        sync::client::CurlTransport transport(curl);
        core::SeededRng rng(7);
        sync::client::SyncConfig config{.server_url = url, .token = token};
        config.batch.max_count = batch;
        sync::client::Uploader up(*store, transport, config, rng);
        return up.drain();
    }
    storage::OutboxCounts counts() {
        core::SystemClock clock;
        auto store = storage::ResponseStore::open(db, clock);
        return store->outbox_counts().value();
    }
    static sync::client::CurlOptions quick() {
        return sync::client::CurlOptions{.connect_timeout = std::chrono::seconds(5), .total_timeout = std::chrono::seconds(30)};
    }

private:
    TempDir m_dir;

public:
    std::filesystem::path db;
    std::vector<std::string> all_ids;
};

// Every id is on the server exactly once.
inline void expect_exactly_once(sync::server::Storage& s, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        auto n = s.copies_of(id);
        ASSERT_TRUE(n.has_value());
        EXPECT_EQ(*n, 1) << id;
    }
}

}  // namespace fieldkiosk::testing
