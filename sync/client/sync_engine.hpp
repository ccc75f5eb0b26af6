// fieldkiosk::sync::client::SyncEngine — the kiosk's background sync: its own thread, its own store
// connection and its own transport (libcurl easy handle).
//
// Index:
//   SyncStatus, StatusQueue   what the UI shows; posted by the engine, drained by the main loop each frame
//   SyncSchedule              pure timing rules (debounce, period, back-off), tested with a fake clock
//   EngineOptions, SyncEngine start(), notify_response_completed(), sync_now(), stop()
//
// Triggers: shortly after a response completes (debounced), every `period`, and "Sync now". After a
// failure the next attempt waits Backoff::next() (Retry-After honoured); "Sync now" skips the wait.
// Thread-safety: every public method of SyncEngine and StatusQueue is safe from any thread. The engine
// never calls into the UI; it only posts SyncStatus values.
#pragma once

#include "core/clock.hpp"
#include "sync/client/backoff.hpp"
#include "sync/client/transport.hpp"
#include "sync/client/uploader.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace fieldkiosk::sync::client {

struct SyncStatus {
    enum class State : std::uint8_t { Idle, Syncing, UpToDate, Waiting, Failing };
    State state = State::Idle;
    std::optional<std::chrono::system_clock::time_point> last_success;
    std::int64_t queued = 0;       // responses still to send
    std::int64_t quarantined = 0;  // rejected + conflict, kept with the server's reasons
    std::string last_error;        // plain words; empty when the last attempt succeeded
    std::optional<Failure::Kind> failure;
    std::int64_t delivered_total = 0;  // since the engine started
};

class StatusQueue {
public:
    void post(SyncStatus s);
    [[nodiscard]] std::vector<SyncStatus> drain();  // everything posted since the last drain, oldest first
private:
    std::mutex m_mutex;
    std::deque<SyncStatus> m_items;
};

// When to sync next, in the Clock's steady time. Pure: no threads, no sleeping.
class SyncSchedule {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    SyncSchedule(std::chrono::milliseconds debounce, std::chrono::milliseconds period, TimePoint now)
        : m_debounce(debounce), m_period(period), m_due(now) {}
    void on_response_completed(TimePoint now);                       // due within `debounce`, never before a back-off ends
    void on_sync_now(TimePoint now);                                 // due now, back-off or not
    void on_success(TimePoint now);                                  // due after `period`
    void on_failure(TimePoint now, std::chrono::milliseconds wait);  // due after `wait`
    [[nodiscard]] TimePoint due() const { return m_due; }
    [[nodiscard]] bool is_due(TimePoint now) const { return now >= m_due; }

private:
    std::chrono::milliseconds m_debounce, m_period;
    TimePoint m_due;
    TimePoint m_not_before{};
};

struct EngineOptions {
    std::filesystem::path database;  // the kiosk's store (the engine opens its own connection)
    SyncConfig sync;
    std::chrono::milliseconds debounce{3'000};
    std::chrono::milliseconds period{5 * 60'000};
    BackoffPolicy backoff;
    // Retention (off unless the operator asks): after a successful sync, drop the payloads of responses
    // acknowledged longer ago than this, keeping a tombstone row (ResponseStore::purge_acknowledged).
    std::optional<std::chrono::hours> retention;
    // Called on the engine's thread right after each status is posted (e.g. to wake a UI loop that
    // sleeps until an event arrives). Must be quick and thread-safe; must not call back into the engine.
    std::function<void()> on_status;
};

class SyncEngine {
public:
    using TransportFactory = std::function<std::unique_ptr<HttpTransport>()>;  // called on the engine's thread

    SyncEngine(EngineOptions options, TransportFactory transport, const core::Clock& clock, core::Rng& rng);
    ~SyncEngine();  // stop()s
    SyncEngine(const SyncEngine&) = delete;
    SyncEngine& operator=(const SyncEngine&) = delete;

    void start();
    void stop();  // waits for the current request to finish (bounded by the transport's time-outs)
    void notify_response_completed();
    void sync_now();
    [[nodiscard]] StatusQueue& status() { return m_status; }

private:
    void run();
    void post(const SyncStatus& s);  // to the queue, then on_status

    EngineOptions m_options;
    TransportFactory m_factory;
    const core::Clock* m_clock;
    core::Rng* m_rng;
    StatusQueue m_status;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    bool m_completed = false, m_now = false;  // pending triggers, read by the engine thread
    std::thread m_thread;
};

}  // namespace fieldkiosk::sync::client
