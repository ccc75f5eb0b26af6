// fieldkiosk::kiosk sync bridge — joins the pure app (kiosk/app) to sync::client::SyncEngine: the
// engine's options from the [sync] settings, SyncPort over the engine, and the hand-over of statuses
// from the engine's queue to the app on the UI thread. Built only with FIELDKIOSK_BUILD_SYNC.
//
// Threads: the engine runs on its own thread and only posts SyncStatus values (and calls on_status).
// hand_over_status() runs on the UI thread, once per frame; nothing here calls ImGui.
#pragma once

#include "kiosk/app/app.hpp"
#include "kiosk/app/config.hpp"
#include "kiosk/app/sync_port.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/sync_engine.hpp"

#include <filesystem>
#include <string>

namespace fieldkiosk::kiosk {

// SyncPort over a running engine (both calls only set a flag on the engine and return).
class EngineSyncPort final : public SyncPort {
public:
    explicit EngineSyncPort(sync::client::SyncEngine& engine) : m_engine(&engine) {}
    void notify_response_completed() override { m_engine->notify_response_completed(); }
    void sync_now() override { m_engine->sync_now(); }

private:
    sync::client::SyncEngine* m_engine;
};

[[nodiscard]] SyncStatusVm to_view(const sync::client::SyncStatus& s);

// The engine's options from [sync] (server_url must be set; `token` from read_token_file).
[[nodiscard]] sync::client::EngineOptions engine_options(const KioskConfig::Sync& c, std::string token,
                                                         std::filesystem::path database);
[[nodiscard]] sync::client::CurlOptions curl_options(const KioskConfig::Sync& c);

// UI thread, once per frame: drains the engine's status queue and gives the newest to the app.
// Returns true if a status arrived (the frame should be redrawn).
bool hand_over_status(sync::client::SyncEngine& engine, App& app);

}  // namespace fieldkiosk::kiosk
