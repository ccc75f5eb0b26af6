#include "sync/client/sync_engine.hpp"

#include "storage/response_store.hpp"

namespace fieldkiosk::sync::client {

void StatusQueue::post(SyncStatus s) {
    std::lock_guard lock(m_mutex);
    m_items.push_back(std::move(s));
    while (m_items.size() > 256) m_items.pop_front();  // a UI that stopped draining must not grow us forever
}

std::vector<SyncStatus> StatusQueue::drain() {
    std::lock_guard lock(m_mutex);
    std::vector<SyncStatus> out(std::make_move_iterator(m_items.begin()), std::make_move_iterator(m_items.end()));
    m_items.clear();
    return out;
}

void SyncSchedule::on_response_completed(TimePoint now) { m_due = std::min(m_due, std::max(now + m_debounce, m_not_before)); }
void SyncSchedule::on_sync_now(TimePoint now) {
    m_due = now;
    m_not_before = now;
}
void SyncSchedule::on_success(TimePoint now) {
    m_due = now + m_period;
    m_not_before = now;
}
void SyncSchedule::on_failure(TimePoint now, std::chrono::milliseconds wait) {
    m_due = now + wait;
    m_not_before = m_due;
}

SyncEngine::SyncEngine(EngineOptions options, TransportFactory transport, const core::Clock& clock, core::Rng& rng)
    : m_options(std::move(options)), m_factory(std::move(transport)), m_clock(&clock), m_rng(&rng) {}

SyncEngine::~SyncEngine() { stop(); }

void SyncEngine::start() {
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable()) return;
    m_stop = false;
    m_thread = std::thread([this] { run(); });
}

void SyncEngine::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void SyncEngine::notify_response_completed() {
    {
        std::lock_guard lock(m_mutex);
        m_completed = true;
    }
    m_cv.notify_all();
}

void SyncEngine::sync_now() {
    {
        std::lock_guard lock(m_mutex);
        m_now = true;
    }
    m_cv.notify_all();
}

void SyncEngine::post(const SyncStatus& s) {
    m_status.post(s);
    if (m_options.on_status) m_options.on_status();
}

void SyncEngine::run() {
    SyncStatus status;
    auto store = storage::ResponseStore::open(m_options.database, *m_clock);
    if (!store) {
        status.state = SyncStatus::State::Failing;
        status.failure = Failure::Kind::Store;
        status.last_error = "The kiosk's database could not be opened: " + store.error().message;
        post(status);
        return;
    }
    std::unique_ptr<HttpTransport> transport = m_factory();
    Uploader uploader(*store, *transport, m_options.sync, *m_rng, *m_clock);
    Backoff backoff(m_options.backoff, *m_rng);
    SyncSchedule schedule(m_options.debounce, m_options.period, m_clock->steady_now());
    std::optional<std::chrono::system_clock::time_point> failing_since;

    const auto refresh_counts = [&] {
        if (auto c = store->outbox_counts()) {
            status.queued = c->queued;
            status.quarantined = c->rejected + c->conflict;
        }
    };
    refresh_counts();
    post(status);
    while (true) {
        {
            std::unique_lock lock(m_mutex);
            while (!m_stop && !m_completed && !m_now && !schedule.is_due(m_clock->steady_now())) {
                const auto wait = schedule.due() - m_clock->steady_now();
                m_cv.wait_for(lock, std::min<std::chrono::steady_clock::duration>(wait, std::chrono::seconds(1)));
            }
            if (m_stop) return;
            const auto now = m_clock->steady_now();
            if (m_completed) schedule.on_response_completed(now);
            if (m_now) schedule.on_sync_now(now);
            m_completed = m_now = false;
            if (!schedule.is_due(now)) continue;
        }
        status.state = SyncStatus::State::Syncing;
        post(status);
        // The boundary of the engine's thread: an exception (a damaged row, bad_alloc) becomes a status
        // the UI can show, and a later retry, never std::terminate of the whole kiosk.
        DrainSummary s;
        try {
            s = uploader.drain([this] {
                std::lock_guard lock(m_mutex);
                return !m_stop;
            });
        } catch (const std::exception& e) {
            refresh_counts();
            if (!failing_since) failing_since = m_clock->wall_now();
            schedule.on_failure(m_clock->steady_now(), backoff.next(std::nullopt));
            status.state = SyncStatus::State::Failing;
            status.last_error = std::string("Sync stopped on an internal error and will try again: ") + e.what();
            post(status);
            continue;
        }
        status.delivered_total += s.delivered();
        refresh_counts();
        const auto now = m_clock->steady_now();
        if (!s.failure) {
            backoff.reset();
            failing_since.reset();
            schedule.on_success(now);
            status.state = status.queued == 0 ? SyncStatus::State::UpToDate : SyncStatus::State::Idle;
            status.last_success = m_clock->wall_now();
            status.last_error.clear();
            status.failure.reset();
            if (m_options.retention) (void)store->purge_acknowledged(m_clock->wall_now() - *m_options.retention);
        } else {
            if (!failing_since) failing_since = m_clock->wall_now();
            schedule.on_failure(now, backoff.next(s.failure->retry_after));
            status.state = s.failure->kind == Failure::Kind::Throttled ? SyncStatus::State::Waiting : SyncStatus::State::Failing;
            status.last_error = describe(*s.failure, *failing_since);
            status.failure = s.failure->kind;
            if (s.delivered() > 0) status.last_success = m_clock->wall_now();
        }
        post(status);
    }
}

}  // namespace fieldkiosk::sync::client
