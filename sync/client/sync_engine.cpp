#include "sync/client/sync_engine.hpp"

#include "storage/response_store.hpp"
#include "sync/client/heartbeat.hpp"
#include "sync/client/openrosa_uploader.hpp"

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
    m_due = now + (m_closed ? m_closed_period : m_period);
    m_not_before = now;
}
void SyncSchedule::on_closed(std::chrono::milliseconds closed_period) {
    m_closed = true;
    m_closed_period = closed_period;
}
void SyncSchedule::on_opened(TimePoint now, std::chrono::milliseconds jitter) {
    m_closed = false;
    m_due = std::min(m_due, std::max(now + jitter, m_not_before));
}
std::chrono::milliseconds SyncSchedule::opening_jitter(core::Rng& rng, std::chrono::milliseconds period) {
    if (period <= std::chrono::milliseconds{0}) return std::chrono::milliseconds{0};
    return std::chrono::milliseconds{static_cast<std::int64_t>(rng.next_u64() % static_cast<std::uint64_t>(period.count()))};
}
void SyncSchedule::on_failure(TimePoint now, std::chrono::milliseconds wait) {
    m_due = now + wait;
    m_not_before = m_due;
}

SyncEngine::SyncEngine(EngineOptions options, TransportFactory transport, const core::Clock& clock, core::Rng& rng)
    : m_options(std::move(options)), m_factory(std::move(transport)), m_clock(&clock), m_rng(&rng) {}

SyncEngine::~SyncEngine() { stop(); }

// start() and stop() hold m_lifecycle for their whole length, so m_thread is only ever touched by one of them
// at a time: two stop()s can no longer both see a joinable thread and both join it, nor a start() assign
// m_thread while a stop() reads it. The join happens under m_lifecycle but not under m_mutex, which the
// engine's thread needs to finish; that thread never takes m_lifecycle, so the join cannot deadlock.
void SyncEngine::start() {
    std::lock_guard life(m_lifecycle);
    if (m_thread.joinable()) return;
    {
        std::lock_guard lock(m_mutex);
        m_stop = false;
    }
    m_thread = std::thread([this] { run(); });
}

void SyncEngine::stop() {
    std::lock_guard life(m_lifecycle);
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

void SyncEngine::set_closed(bool closed) {
    {
        std::lock_guard lock(m_mutex);
        m_closed = closed;
    }
    m_cv.notify_all();
}

void SyncEngine::post(const SyncStatus& s) {
    m_status.post(s);
    if (m_options.on_status) m_options.on_status();
}

// After a successful drain: new survey definitions, if any. Whatever happens here is only reported.
void SyncEngine::check_surveys(SurveyUpdater& updater, SyncStatus& status) {
    SurveyUpdateResult r;
    try {
        r = updater.maybe_update();
    } catch (const std::exception& e) {
        status.survey_error = std::string("Survey updates stopped on an internal error: ") + e.what();
        return;
    }
    if (!r.checked) return;
    status.survey_error = r.error;
    status.surveys_updated += static_cast<std::int64_t>(r.downloaded.size());
    status.surveys_downloaded.insert(status.surveys_downloaded.end(), r.downloaded.begin(), r.downloaded.end());
}

// What the engine's thread keeps between attempts (run() and its steps below).
struct SyncEngine::Loop {
    storage::ResponseStore& store;
    OutboxSender& uploader;
    SurveyUpdater* updater;  // null: survey updates are off
    Backoff backoff;
    SyncSchedule schedule;
    SyncStatus status;
    std::optional<std::chrono::system_clock::time_point> failing_since;

    void refresh_counts() {
        if (auto c = store.outbox_counts()) {
            status.queued = c->queued;
            status.quarantined = c->rejected + c->conflict;
        }
    }
};

void SyncEngine::run() {
    auto store = storage::ResponseStore::open(m_options.database, *m_clock);
    if (!store) {
        SyncStatus status;
        status.state = SyncStatus::State::Failing;
        status.failure = Failure::Kind::Store;
        status.last_error = "The kiosk's database could not be opened: " + store.error().message;
        post(status);
        return;
    }
    std::unique_ptr<HttpTransport> transport = m_factory();
    std::unique_ptr<OutboxSender> sender;
    if (m_options.sync.openrosa)
        sender = std::make_unique<OpenRosaUploader>(*store, *transport, m_options.sync, *m_rng, *m_clock);
    else
        sender = std::make_unique<Uploader>(*store, *transport, m_options.sync, *m_rng, *m_clock);
    std::optional<SurveyUpdater> updater;
    if (m_options.survey_updates && !m_options.sync.openrosa)  // an OpenRosa server has no fieldkiosk survey files
        updater.emplace(*m_options.survey_updates, m_options.sync.server_url, m_options.sync.token, *transport, *m_clock);
    Loop loop{*store,
              *sender,
              updater ? &*updater : nullptr,
              Backoff(m_options.backoff, *m_rng),
              SyncSchedule(m_options.debounce, m_options.period, m_clock->steady_now()),
              {},
              std::nullopt};
    loop.refresh_counts();
    post(loop.status);
    while (wait_until_due(loop.schedule)) {
        loop.status.state = SyncStatus::State::Syncing;
        post(loop.status);
        if (auto s = attempt(loop)) settle(loop, *s);
        post(loop.status);
    }
}

// Sleeps on the injected clock (a test's FakeClock wakes it when advanced) until an attempt is due, taking the
// triggers (a completed response, "sync now", opening hours) into the schedule. False: stop() was called.
bool SyncEngine::wait_until_due(SyncSchedule& schedule) {
    std::unique_lock lock(m_mutex);
    while (true) {
        while (!m_stop && !m_completed && !m_now && !m_closed && !schedule.is_due(m_clock->steady_now()))
            m_clock->wait_until(lock, m_cv, schedule.due());
        if (m_stop) return false;
        const auto now = m_clock->steady_now();
        if (m_completed) schedule.on_response_completed(now);
        if (m_now) schedule.on_sync_now(now);
        if (m_closed && *m_closed != schedule.closed()) {
            if (*m_closed)
                schedule.on_closed(m_options.closed_period);
            else
                schedule.on_opened(now, SyncSchedule::opening_jitter(*m_rng, m_options.period));
        }
        m_completed = m_now = false;
        m_closed.reset();
        if (schedule.is_due(now)) return true;
    }
}

// One drain with its heartbeat. The boundary of the engine's thread: an exception (a damaged row, bad_alloc)
// becomes a status the UI can show and a later retry (nullopt), never std::terminate of the whole kiosk.
std::optional<DrainSummary> SyncEngine::attempt(Loop& loop) {
    try {
        protocol::Heartbeat given;
        if (m_options.heartbeat)
            given = m_options.heartbeat();
        else
            given.app_version = std::string("fieldkiosk-sync ") + FIELDKIOSK_VERSION;
        // The queue as it is now (responses completed since the last attempt count), and the last
        // attempt's error only if reaching the server does not disprove it (heartbeat_last_error).
        loop.refresh_counts();
        const SyncStatus& st = loop.status;
        auto heartbeat = complete_heartbeat(
            std::move(given), {st.queued, st.quarantined, heartbeat_last_error(st.failure, st.last_error), st.last_success},
            m_options.database, m_clock->wall_now());
        return loop.uploader.drain(
            [this] {
                std::lock_guard lock(m_mutex);
                return !m_stop;
            },
            std::move(heartbeat));
    } catch (const std::exception& e) {
        loop.refresh_counts();
        if (!loop.failing_since) loop.failing_since = m_clock->wall_now();
        loop.schedule.on_failure(m_clock->steady_now(), loop.backoff.next(std::nullopt));
        loop.status.state = SyncStatus::State::Failing;
        loop.status.last_error = std::string("Sync stopped on an internal error and will try again: ") + e.what();
        loop.status.failure.reset();  // not a failure to reach the server: the next heartbeat reports it
        return std::nullopt;
    }
}

// The status and the next attempt's time after a drain: on success the period, retention and survey
// updates; on failure the back-off (or the server's Retry-After) and the reason in words.
void SyncEngine::settle(Loop& loop, const DrainSummary& s) {
    SyncStatus& status = loop.status;
    status.delivered_total += s.delivered();
    loop.refresh_counts();
    const auto now = m_clock->steady_now();
    if (!s.failure) {
        loop.backoff.reset();
        loop.failing_since.reset();
        loop.schedule.on_success(now);
        status.state = status.queued == 0 ? SyncStatus::State::UpToDate : SyncStatus::State::Idle;
        status.last_success = m_clock->wall_now();
        status.last_error.clear();
        status.failure.reset();
        if (m_options.retention) (void)loop.store.purge_acknowledged(m_clock->wall_now() - *m_options.retention);
        if (loop.updater) check_surveys(*loop.updater, status);
        return;
    }
    if (!loop.failing_since) loop.failing_since = m_clock->wall_now();
    loop.schedule.on_failure(now, loop.backoff.next(s.failure->retry_after));
    status.state = s.failure->kind == Failure::Kind::Throttled ? SyncStatus::State::Waiting : SyncStatus::State::Failing;
    status.last_error = describe(*s.failure, *loop.failing_since);
    status.failure = s.failure->kind;
    if (s.delivered() > 0) status.last_success = m_clock->wall_now();
}

}  // namespace fieldkiosk::sync::client
