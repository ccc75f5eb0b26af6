// fieldkiosk::kiosk sync bridge — joins the pure app (kiosk/app) to sync::client::SyncEngine: the
// engine's options from the [sync] settings, SyncPort over the engine, and the hand-over of statuses
// from the engine's queue to the app on the UI thread. Built only with FIELDKIOSK_BUILD_SYNC.
//
// Threads: the engine runs on its own thread and only posts SyncStatus values (and calls on_status).
// hand_over_status() runs on the UI thread, once per frame; nothing here calls ImGui.
#pragma once

#include "kiosk/app/app.hpp"
#include "kiosk/app/sync_port.hpp"
#include "kiosk/settings/config.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/sync_engine.hpp"

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace fieldkiosk::kiosk {

// SyncPort over a running engine (both calls only set a flag on the engine and return).
class EngineSyncPort final : public SyncPort {
public:
    explicit EngineSyncPort(sync::client::SyncEngine& engine) : m_engine(&engine) {}
    void notify_response_completed() override { m_engine->notify_response_completed(); }
    void sync_now() override { m_engine->sync_now(); }
    void set_closed(bool closed) override { m_engine->set_closed(closed); }

private:
    sync::client::SyncEngine* m_engine;
};

[[nodiscard]] SyncStatusVm to_view(const sync::client::SyncStatus& s);

// What the kiosk itself puts in each sync heartbeat (EngineOptions::heartbeat): its app version, the
// surveys it offers now with their versions, and "open"/"closed". refresh() runs on the UI thread (once
// per frame; it takes the lock only when something changed); operator() runs on the engine's thread.
class KioskHeartbeat {
public:
    KioskHeartbeat();  // app_version "fieldkiosk VERSION"
    void refresh(const App& app);
    [[nodiscard]] sync::protocol::Heartbeat operator()() const;

private:
    mutable std::mutex m_mutex;
    sync::protocol::Heartbeat m_value;                                // guarded by m_mutex
    std::vector<std::pair<std::string, std::string>> m_last_surveys;  // UI thread only
    std::string m_last_state;                                         // UI thread only
};

// Survey updates (docs/kiosk.md, "Survey updates"): the shipped surveys plus every version downloaded
// into `downloaded` (sync::client::default_survey_folder). A downloaded file that does not load is left out
// and named in `problems`; one with the id and version of a shipped survey is skipped (the shipped one is used).
struct KioskSurveys {
    std::vector<core::SurveyPtr> surveys;  // several versions of one id possible: App keeps the newest
    std::vector<std::string> problems;
};
[[nodiscard]] KioskSurveys with_downloaded(std::vector<core::SurveyPtr> shipped, const std::filesystem::path& downloaded);
// UI thread, when SyncStatusVm::surveys_updated grew: with_downloaded(), problems to stderr, then
// App::offer_surveys() (which waits for the respondent, if one is mid-survey). Returns what that returned.
bool offer_downloaded_surveys(App& app, std::vector<core::SurveyPtr> shipped, const std::filesystem::path& downloaded);

// The engine's options from [sync] (server_url must be set; `token` from read_token_file).
// Survey updates are on: downloads go to default_survey_folder(database).
[[nodiscard]] sync::client::EngineOptions engine_options(const KioskConfig::Sync& c, std::string token,
                                                         std::filesystem::path database);
// The same for an OpenRosa server ([sync] openrosa_url_file): no token, no survey updates.
[[nodiscard]] sync::client::EngineOptions openrosa_engine_options(const KioskConfig::Sync& c, sync::client::OpenRosaTarget target,
                                                                  std::filesystem::path database);
[[nodiscard]] sync::client::CurlOptions curl_options(const KioskConfig::Sync& c);

// UI thread, once per frame: drains the engine's status queue and gives the newest to the app.
// Returns true if a status arrived (the frame should be redrawn).
// With `heartbeat`, also refreshes what the next heartbeat says (surveys offered, open/closed).
bool hand_over_status(sync::client::SyncEngine& engine, App& app, KioskHeartbeat* heartbeat = nullptr);

}  // namespace fieldkiosk::kiosk
