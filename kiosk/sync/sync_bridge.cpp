#include "kiosk/sync/sync_bridge.hpp"

namespace fieldkiosk::kiosk {

SyncStatusVm to_view(const sync::client::SyncStatus& s) {
    using In = sync::client::SyncStatus::State;
    using Out = SyncStatusVm::State;
    SyncStatusVm v;
    switch (s.state) {
        case In::Idle:
            v.state = Out::Idle;
            break;
        case In::Syncing:
            v.state = Out::Syncing;
            break;
        case In::UpToDate:
            v.state = Out::UpToDate;
            break;
        case In::Waiting:
            v.state = Out::Waiting;
            break;
        case In::Failing:
            v.state = Out::Failing;
            break;
    }
    v.last_success = s.last_success;
    v.queued = s.queued;
    v.quarantined = s.quarantined;
    v.last_error = s.last_error;
    v.delivered_total = s.delivered_total;
    return v;
}

sync::client::EngineOptions engine_options(const KioskConfig::Sync& c, std::string token, std::filesystem::path database) {
    sync::client::EngineOptions o;
    o.database = std::move(database);
    o.sync.server_url = c.server_url;
    o.sync.token = std::move(token);
    o.debounce = c.debounce;
    o.period = c.period;
    if (c.retention_days > 0) o.retention = std::chrono::hours{24 * c.retention_days};
    return o;
}

sync::client::CurlOptions curl_options(const KioskConfig::Sync& c) {
    sync::client::CurlOptions o;
    o.ca_file = c.ca_file;
    o.pinned_public_key = c.pinned_public_key;
    return o;
}

bool hand_over_status(sync::client::SyncEngine& engine, App& app) {
    auto posted = engine.status().drain();
    if (posted.empty()) return false;
    app.set_sync_status(to_view(posted.back()));  // only the newest matters to the screen
    return true;
}

}  // namespace fieldkiosk::kiosk
