// The choice between the sync engine and no sync, made once (make_loop_sync()).
#include "kiosk/loop_sync.hpp"

#include "kiosk/platform/window.hpp"

#include <iostream>

#if FIELDKIOSK_KIOSK_WITH_SYNC
#include "core/default_paths.hpp"
#include "kiosk/sync/sync_bridge.hpp"

#include <expected>
#endif

namespace fieldkiosk::kiosk {

namespace {

#if FIELDKIOSK_KIOSK_WITH_SYNC
// Survey updates downloaded earlier (docs/kiosk.md, "Survey updates") survive a restart, whether sync runs
// now or not. Screenshots show the shipped surveys only (no folder).
class WithDownloads : public LoopSync {
public:
    explicit WithDownloads(std::filesystem::path downloads) : m_downloads(std::move(downloads)) {}
    std::vector<core::SurveyPtr> start_surveys(std::vector<core::SurveyPtr> shipped) override {
        m_shipped = shipped;
        if (m_downloads.empty()) return shipped;
        auto with = with_downloaded(std::move(shipped), m_downloads);
        for (const auto& p : with.problems) std::cerr << "fieldkiosk: " << p << "\n";
        return std::move(with.surveys);
    }

protected:
    std::filesystem::path m_downloads;
    std::vector<core::SurveyPtr> m_shipped;
};

// No engine: sync is not set up (the panel says so by itself), or set up but not running (a screenshot, an
// unreadable token): then the panel says why.
class SyncOff final : public WithDownloads {
public:
    SyncOff(std::filesystem::path downloads, std::string reason)
        : WithDownloads(std::move(downloads)), m_reason(std::move(reason)) {}
    void start(App& app) override {
        if (m_reason.empty()) return;
        SyncStatusVm off;
        off.off_reason = m_reason;
        app.set_sync_status(off);
    }

private:
    std::string m_reason;
};

// The engine: its own thread, its own store connection, one libcurl easy handle made on that thread. It
// wakes the main loop after each status it posts; the loop hands the newest to the app.
class EngineSync final : public WithDownloads {
public:
    EngineSync(const KioskConfig& config, sync::client::EngineOptions options, const core::Clock& clock)
        : WithDownloads(sync::client::default_survey_folder(options.database)),
          m_config(config),
          m_options(std::move(options)),
          m_clock(clock) {}

    void start(App& app) override {
        auto options = m_options;
        options.on_status = [] { platform::wake_main_loop(); };
        m_heartbeat.refresh(app);
        options.heartbeat = [this] { return m_heartbeat(); };
        m_engine = std::make_unique<sync::client::SyncEngine>(
            std::move(options),
            [curl = curl_options(m_config.sync)] { return std::make_unique<sync::client::CurlTransport>(curl); }, m_clock,
            m_rng);
        m_port = std::make_unique<EngineSyncPort>(*m_engine);
        app.set_sync(m_port.get());
        m_engine->start();
    }

    bool frame(App& app) override {
        (void)hand_over_status(*m_engine, app, &m_heartbeat);  // drawn on this very frame
        if (app.sync_status().surveys_updated <= m_surveys_seen) return false;
        m_surveys_seen = app.sync_status().surveys_updated;  // new definitions on disk
        (void)offer_downloaded_surveys(app, m_shipped, m_downloads);  // waits for no respondent
        return true;
    }

    void stop(App& app) override {
        if (!m_engine) return;
        m_engine->stop();
        app.set_sync(nullptr);
    }

private:
    const sync::client::CurlGlobal m_curl_global;  // curl_global_init once, before the engine's thread starts
    KioskConfig m_config;
    sync::client::EngineOptions m_options;  // from [sync]: engine_options() or openrosa_engine_options()
    const core::Clock& m_clock;
    core::SystemRng m_rng;  // the engine thread's own
    KioskHeartbeat m_heartbeat;  // app version, offered surveys, open/closed: read by the engine's thread
    std::unique_ptr<sync::client::SyncEngine> m_engine;
    std::unique_ptr<EngineSyncPort> m_port;
    std::int64_t m_surveys_seen = 0;  // SyncStatus::surveys_updated last acted on
};

// The engine's options from [sync], with the secret files read: the kiosk's token for fieldkiosk-server, or
// the submission URL (and KoboToolbox token) for an OpenRosa server. The error says what to fix.
std::expected<sync::client::EngineOptions, std::string> options_from(const KioskConfig& config, const std::filesystem::path& db) {
    const auto& s = config.sync;
    if (s.openrosa_url_file.empty()) {
        auto token = read_token_file(s.token_file);
        if (!token) return std::unexpected(token.error());
        return engine_options(s, std::move(*token), db);
    }
    sync::client::OpenRosaTarget target;
    auto url = read_secret_file(s.openrosa_url_file, "OpenRosa address file",
                                "put the form's submission URL there (for ODK Central, the app user's URL ending in /submission)");
    if (!url) return std::unexpected(url.error());
    target.submission_url = std::move(*url);
    if (!s.openrosa_token_file.empty()) {
        auto token = read_secret_file(s.openrosa_token_file, "OpenRosa token file", "put the KoboToolbox API token there");
        if (!token) return std::unexpected(token.error());
        target.authorization = "Token " + *token;
    }
    target.survey_paths = {config.surveys_dir.empty() ? core::default_surveys_dir() : std::filesystem::path(config.surveys_dir)};
    return openrosa_engine_options(s, std::move(target), db);
}
#endif

}  // namespace

std::unique_ptr<LoopSync> make_loop_sync(const KioskConfig& config, const std::filesystem::path& db, bool screenshot,
                                         const core::Clock& clock) {
#if FIELDKIOSK_KIOSK_WITH_SYNC
    if (screenshot) {
            if (!config.sync.enabled()) return std::make_unique<SyncOff>(std::filesystem::path{}, std::string{});
        return std::make_unique<SyncOff>(std::filesystem::path{}, "Sync is set up but does not run while taking a screenshot.");
    }
    const auto downloads = sync::client::default_survey_folder(db);
    if (!config.sync.enabled()) return std::make_unique<SyncOff>(downloads, std::string{});  // "not set up"
    auto options = options_from(config, db);
    if (!options) {
        std::cerr << "fieldkiosk: sync is off: " << options.error() << "\n";
        return std::make_unique<SyncOff>(downloads, "Sync is off: " + options.error() + ".");
    }
    return std::make_unique<EngineSync>(config, std::move(*options), clock);
#else
    (void)config;
    (void)db;
    (void)screenshot;
    (void)clock;
    return std::make_unique<LoopSync>();  // the panel: "not built into this kiosk"
#endif
}

}  // namespace fieldkiosk::kiosk
