// fieldkiosk::sync::server::Server — the HTTP receiver: POST /v1/batches, GET /v1/health, GET /v1/limits,
// GET /metrics, GET /v1/export/SURVEY.csv, GET /v1/surveys[/ID/VERSION] (docs/sync_protocol.md), and the results
// dashboard under /dashboard/ (dashboard.hpp, docs/dashboard.md).
//
// Index:
//   Fault           fault injection for tests (status, delay, stall before commit, drop after commit)
//   ServerOptions   listen address, thread pool, time-outs, limits, optional TLS
//   Server          bind() then run() (blocks) on one thread; stop() from any other
//
// The network side is HttpCore (http_core.hpp): one epoll loop buffers each request whole, then hands it to
// `threads` workers, so slow or idle clients never hold a worker. The route handlers below it see only
// HttpRequest/HttpResponse (http_message.hpp).
//
// Thread-safety: run() blocks its caller; handlers run on a bounded pool of `threads` workers. stop()
// and port() are safe from any thread.
#pragma once

#include "core/clock.hpp"
#include "sync/protocol/wire.hpp"
#include "sync/server/dashboard.hpp"
#include "sync/server/quality.hpp"
#include "sync/server/storage.hpp"
#include "sync/server/survey_library.hpp"
#include "sync/server/validator.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace fieldkiosk::sync::server {

// What the server does with the Nth batch request (N counts from 1). Tests only.
struct Fault {
    enum class Kind : std::uint8_t {
        None,
        Status,             // answer `status` (with Retry-After if retry_after_s > 0) and store nothing
        Delay,              // wait `delay` before handling (slow answers, client time-outs)
        StallBeforeCommit,  // wait `delay` inside the transaction, before COMMIT (kill -9 mid-batch)
        DropAfterCommit,    // commit, then break the connection before the answer is complete
    };
    Kind kind = Kind::None;
    int status = 0;
    int retry_after_s = 0;
    std::optional<std::size_t> item;  // Status: the answer's "item" (a 400 that names the response at fault)
    std::chrono::milliseconds delay{0};
    std::function<void()> on_stall;  // StallBeforeCommit: called inside the transaction, just before the wait
};
using FaultHook = std::function<Fault(std::uint64_t batch_number)>;

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080;  // 0: any free port (see Server::port())
    int threads = 8;  // the bounded worker pool; each runs one complete request at a time
    // read_timeout: the whole header must arrive within it (and the body within it plus 1 s per 16 KB);
    // write_timeout: the whole answer; keep_alive_timeout: an idle connection between requests.
    std::chrono::seconds read_timeout{10}, write_timeout{10}, keep_alive_timeout{5};
    int max_connections = 1024;  // open at once (idle ones included); more are answered 503 and closed
    protocol::Limits limits;
    int max_in_flight_batches = 0;  // 0: threads; more concurrent batches get 503 + Retry-After
    std::string tls_cert, tls_key;  // both set: HTTPS directly (OpenSSL, in HttpCore's loop)
    FaultHook fault;
    std::chrono::seconds quiet_after{24 * 3600};  // /metrics: a kiosk not heard from for longer is quiet (fleet.hpp)
    QualitySettings quality;                      // the exports' quality flags (quality.hpp; server.toml [quality])
    DashboardOptions dashboard;                   // /dashboard/ (dashboard.hpp; server.toml [dashboard])
};

class Server {
public:
    Server(std::shared_ptr<Storage> storage, std::shared_ptr<const Validator> validator, ServerOptions options,
           const core::Clock& clock);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds the listening socket; returns false (with a message in error()) when it cannot.
    [[nodiscard]] bool bind();
    // Serves until stop(); returns false if the listener failed.
    bool run();
    void stop();
    [[nodiscard]] int port() const { return m_port.load(); }
    // Survey updates (GET /v1/surveys...): swaps in a new library atomically; batches already being judged
    // finish with the library they started with. Safe from any thread (fieldkiosk-server: on SIGHUP).
    void replace_surveys(std::shared_ptr<const SurveyLibrary> library);
    [[nodiscard]] std::shared_ptr<const SurveyLibrary> surveys() const;
    [[nodiscard]] bool is_running() const;
    [[nodiscard]] const std::string& error() const { return m_error; }

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::atomic<int> m_port{0};
    std::string m_error;
};

}  // namespace fieldkiosk::sync::server
