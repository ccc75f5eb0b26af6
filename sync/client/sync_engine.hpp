// fieldkiosk::sync::client::SyncEngine — the kiosk's background sync: its own thread, its own store
// connection and its own transport (libcurl easy handle).
//
// Index:
//   SyncStatus, StatusQueue   what the UI shows; posted by the engine, drained by the main loop each frame
//   SyncSchedule              pure timing rules (debounce, period, back-off), tested with a fake clock
//   EngineOptions, SyncEngine start(), notify_response_completed(), sync_now(), stop()
//
// Triggers: shortly after a response completes (debounced), every `period` (`closed_period` outside opening
// hours, then a jittered first sync on opening), and "Sync now". After a
// failure the next attempt waits Backoff::next() (Retry-After honoured); "Sync now" skips the wait.
// Thread-safety: every public method of SyncEngine and StatusQueue is safe from any thread. The engine
// never calls into the UI; it only posts SyncStatus values.
#pragma once

#include "core/clock.hpp"
#include "sync/client/backoff.hpp"
#include "sync/client/survey_updater.hpp"
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
    // Survey updates (EngineOptions::survey_updates): definition files written since the engine started.
    // It only grows; the kiosk reloads its surveys whenever it sees a higher number than it last did.
    std::int64_t surveys_updated = 0;
    std::vector<std::string> surveys_downloaded;  // "food 2", every file written since the engine started
    std::string survey_error;                     // the last check's problem in plain words; empty when it went well
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
    // Opening hours. Closed: each success waits `closed_period` instead of `period` (a sync already due
    // stays due). Opened: the next sync is due within `jitter` (never before a back-off ends), so that
    // kiosks opening at the same minute spread their first sync (jitter from opening_jitter()).
    void on_closed(std::chrono::milliseconds closed_period);
    void on_opened(TimePoint now, std::chrono::milliseconds jitter);
    [[nodiscard]] bool closed() const { return m_closed; }
    [[nodiscard]] TimePoint due() const { return m_due; }
    [[nodiscard]] bool is_due(TimePoint now) const { return now >= m_due; }
    // Uniform in [0, period), from `rng` (seeded in tests).
    [[nodiscard]] static std::chrono::milliseconds opening_jitter(core::Rng& rng, std::chrono::milliseconds period);

private:
    std::chrono::milliseconds m_debounce, m_period;
    TimePoint m_due;
    TimePoint m_not_before{};
    bool m_closed = false;
    std::chrono::milliseconds m_closed_period{0};
};

struct EngineOptions {
    std::filesystem::path database;  // the kiosk's store (the engine opens its own connection)
    SyncConfig sync;
    std::chrono::milliseconds debounce{3'000};
    std::chrono::milliseconds period{5 * 60'000};
    std::chrono::milliseconds closed_period{60 * 60'000};  // outside opening hours (set_closed(true))
    BackoffPolicy backoff;
    // Retention (off unless the operator asks): after a successful sync, drop the payloads of responses
    // acknowledged longer ago than this, keeping a tombstone row (ResponseStore::purge_acknowledged).
    std::optional<std::chrono::hours> retention;
    // Survey updates (SurveyUpdater): after a successful drain, at most every survey_updates->min_interval.
    // Unset: the engine never asks for surveys. A failure there never holds back sending responses.
    std::optional<SurveyUpdateOptions> survey_updates;
    // Called on the engine's thread right after each status is posted (e.g. to wake a UI loop that
    // sleeps until an event arrives). Must be quick and thread-safe; must not call back into the engine.
    std::function<void()> on_status;
    // Heartbeat (docs/sync_protocol.md): every drain sends one, on its first batch or alone in an empty batch
    // when nothing is queued, so an idle kiosk is still heard. This provider, when set, gives what only the
    // kiosk knows: app_version, the surveys it offers, state ("open"/"closed"); the engine fills the rest
    // (queue depth, quarantined, last error, last success, sent_at, and free_disk_bytes of `database`'s
    // filesystem unless the provider set it). Unset: app_version "fieldkiosk-sync VERSION", no surveys.
    // Called on the engine's thread before each drain: must be quick and thread-safe.
    std::function<protocol::Heartbeat()> heartbeat;
};

class SyncEngine {
public:
    using TransportFactory = std::function<std::unique_ptr<HttpTransport>()>;  // called on the engine's thread

    SyncEngine(EngineOptions options, TransportFactory transport, const core::Clock& clock, core::Rng& rng);
    ~SyncEngine();  // stop()s
    SyncEngine(const SyncEngine&) = delete;
    SyncEngine& operator=(const SyncEngine&) = delete;

    void start();  // no-op when running
    // Waits for the current request to finish (bounded by the transport's time-outs); a no-op when stopped.
    // Like start(), safe from any thread and concurrently with start() and stop(), except from the engine's
    // own thread (on_status, heartbeat), which must never call back into the engine.
    void stop();
    void notify_response_completed();
    void sync_now();
    // Opening hours: closed, sync every closed_period; opened again, sync within a random part of `period`.
    void set_closed(bool closed);
    [[nodiscard]] StatusQueue& status() { return m_status; }

private:
    struct Loop;  // the thread's state between attempts (sync_engine.cpp)
    void run();
    [[nodiscard]] bool wait_until_due(SyncSchedule& schedule);
    [[nodiscard]] std::optional<DrainSummary> attempt(Loop& loop);
    void settle(Loop& loop, const DrainSummary& s);
    void post(const SyncStatus& s);  // to the queue, then on_status
    void check_surveys(SurveyUpdater& updater, SyncStatus& status);

    EngineOptions m_options;
    TransportFactory m_factory;
    const core::Clock* m_clock;
    core::Rng* m_rng;
    StatusQueue m_status;
    std::mutex m_lifecycle;  // held by start() and stop() only: they alone touch m_thread
    std::mutex m_mutex;      // the pending triggers below, shared with the engine's thread
    std::condition_variable m_cv;
    bool m_stop = false;
    bool m_completed = false, m_now = false;  // pending triggers, read by the engine thread
    std::optional<bool> m_closed;             // pending opening-hours change, read by the engine thread
    std::thread m_thread;
};

}  // namespace fieldkiosk::sync::client
