// fieldkiosk::sync::client::Uploader — one drain of a kiosk's outbox: read a batch with
// ResponseStore::next_batch, POST it (gzip above a size), apply the per-item answer with
// ResponseStore::apply_results (one transaction), repeat until the queue is empty or a send fails.
//
// Nothing is marked sent before the server's per-item answer is applied; if the process dies at any
// point, the items are still queued and are sent again, and the server answers "duplicate".
// Thread-safety: one Uploader per thread (it uses a ResponseStore and a transport of that thread).
#pragma once

#include "core/clock.hpp"
#include "storage/response_store.hpp"
#include "sync/client/transport.hpp"
#include "sync/protocol/wire.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fieldkiosk::sync::client {

// Where responses go instead of fieldkiosk-server: an OpenRosa server (ODK Central, KoboToolbox), one
// submission per response (openrosa_uploader.hpp, docs/openrosa.md).
struct OpenRosaTarget {
    // The form submission URL. ODK Central: https://HOST/v1/key/APP-USER-TOKEN/projects/P/submission (the
    // app user's token is in the URL, so keep it like the kiosk's token). KoboToolbox:
    // https://HOST/submission, with `authorization` or "https://USER:PASSWORD@HOST/submission" (Basic, TLS only).
    std::string submission_url;
    std::string authorization;  // the Authorization header's value, e.g. "Token abc…" (KoboToolbox); empty: none
    // Survey files and folders, for the XForm's field order and write-in fields; a response whose survey
    // version is not among them is sent with its answers in stored order.
    std::vector<std::filesystem::path> survey_paths;
};

struct SyncConfig {
    std::string server_url;  // e.g. "https://surveys.camden.gov.uk" (no trailing /v1/batches)
    std::string token;       // the kiosk's bearer token
    storage::BatchLimits batch;
    bool gzip = true;
    std::size_t gzip_min_bytes = 1024;  // smaller bodies go uncompressed
    std::optional<OpenRosaTarget> openrosa;  // set: responses go there, and server_url and token are unused
};

struct Failure {
    enum class Kind : std::uint8_t {
        Offline,       // could not reach the server, or it stopped answering (time-out, dropped)
        Tls,           // the certificate or pinned key did not verify, or plain http:// to a non-loopback host
        Unauthorized,  // 401: the token is wrong or revoked
        Throttled,     // 429 or 503: the server asked us to wait
        ServerError,   // other 5xx
        Refused,       // 400 / 413 / other 4xx: the server will not take this batch as it is
        BadAnswer,     // 200 with an answer we could not read
        Store,         // the kiosk's own database failed
    };
    Kind kind = Kind::Offline;
    int http_status = 0;
    std::optional<std::chrono::seconds> retry_after;
    std::string detail;  // technical words, for logs
};

struct DrainSummary {
    std::int64_t accepted = 0, duplicate = 0, rejected = 0, conflict = 0;
    std::int64_t retry_later = 0;  // answered retry_later (e.g. a survey version the server does not know yet): deferred
    std::int64_t batches = 0;  // requests answered (an OpenRosa submission is one request)
    std::int64_t held = 0;     // kept queued because this kind of server cannot take them (sealed answers to OpenRosa)
    std::uint64_t bytes_sent = 0;
    bool heartbeat_sent = false;     // the drain's heartbeat reached the server (answered 200)
    std::optional<Failure> failure;  // why the drain stopped early, if it did
    [[nodiscard]] std::int64_t delivered() const { return accepted + duplicate; }
};

// One drain of the outbox to wherever responses go: Uploader (fieldkiosk-server) or OpenRosaUploader.
class OutboxSender {
public:
    virtual ~OutboxSender() = default;
    // Sends until the queue is empty, a send fails, or `keep_going` returns false. `heartbeat`: see Uploader.
    [[nodiscard]] virtual DrainSummary drain(const std::function<bool()>& keep_going, std::optional<protocol::Heartbeat> heartbeat) = 0;
};

class Uploader final : public OutboxSender {
public:
    // `clock` sets deferral times (retry_later items, a response the server refuses alone); without one,
    // the system clock.
    Uploader(storage::ResponseStore& store, HttpTransport& transport, SyncConfig config, core::Rng& rng,
             const core::Clock& clock = system_clock())
        : m_store(&store),
          m_transport(&transport),
          m_config(std::move(config)),
          m_limits(m_config.batch),
          m_rng(&rng),
          m_clock(&clock) {}

    // Back-off for an item answered retry_later after `attempts` earlier tries: 1 min doubling, at most 6 h.
    [[nodiscard]] static std::chrono::seconds retry_later_delay(int attempts);
    // How long a single response the server refuses on its own (413, or a 400 naming it) is set aside.
    static constexpr std::chrono::hours k_refused_item_defer{24};

    // Sends batches until the queue is empty, a send fails, or `keep_going` returns false.
    // With a `heartbeat`, it rides on the drain's first batch (again on the next one if that batch was not
    // answered 200); when nothing is queued it goes alone, in a batch with zero responses
    // (docs/sync_protocol.md, "Heartbeat"). A failed heartbeat-only POST is a failure like any other.
    [[nodiscard]] DrainSummary drain(const std::function<bool()>& keep_going = {},
                                     std::optional<protocol::Heartbeat> heartbeat = std::nullopt) override;

private:
    enum class Step : std::uint8_t { Sent, Empty, Failed };
    struct Outgoing;  // a batch being sent and what was decided before sending (uploader.cpp)
    Step send_one(DrainSummary& summary);
    [[nodiscard]] Outgoing make_batch(std::vector<storage::OutboxItem>& items);
    Step refused(const protocol::Batch& batch, const HttpResponse& res, DrainSummary& summary);
    Step record_answer(const Outgoing& out, const protocol::BatchAnswer& answer, DrainSummary& summary);
    Step send_heartbeat_only(DrainSummary& summary);
    [[nodiscard]] HttpRequest make_request(const protocol::Batch& batch) const;

    static const core::Clock& system_clock();

    storage::ResponseStore* m_store;
    HttpTransport* m_transport;
    SyncConfig m_config;         // m_config.batch: the normal batch limits
    storage::BatchLimits m_limits;  // the limits for the next batch: smaller after a 413 / item 400, normal after a 200
    core::Rng* m_rng;
    const core::Clock* m_clock;
    std::optional<protocol::Heartbeat> m_heartbeat;  // still to deliver in this drain
};

// The failure an HTTP status other than success means, with `detail` (technical words, for logs): 401/403
// Unauthorized, 429/503 Throttled, other 5xx ServerError, other 4xx Refused, anything else BadAnswer.
[[nodiscard]] Failure failure_of_status(int status, std::optional<std::chrono::seconds> retry_after, std::string detail);

// Plain words for the admin screen: "No connection since 10:42", "The server refused this kiosk's key".
// `since` is when the current run of failures began (local time is shown).
[[nodiscard]] std::string describe(const Failure& f, std::chrono::system_clock::time_point since);

}  // namespace fieldkiosk::sync::client
