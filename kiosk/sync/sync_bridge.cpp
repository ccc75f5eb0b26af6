#include "kiosk/sync/sync_bridge.hpp"

#include "core/loader.hpp"

#include <algorithm>
#include <cstdio>

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
    v.survey_error = s.survey_error;
    v.surveys_updated = s.surveys_updated;
    return v;
}

sync::client::EngineOptions engine_options(const KioskConfig::Sync& c, std::string token, std::filesystem::path database) {
    sync::client::EngineOptions o;
    o.database = std::move(database);
    o.sync.server_url = c.server_url;
    o.sync.token = std::move(token);
    o.debounce = c.debounce;
    o.period = c.period;
    o.closed_period = c.closed_period;
    if (c.retention_days > 0) o.retention = std::chrono::hours{24 * c.retention_days};
    o.survey_updates = sync::client::SurveyUpdateOptions{.folder = sync::client::default_survey_folder(o.database)};
    return o;
}

sync::client::EngineOptions openrosa_engine_options(const KioskConfig::Sync& c, sync::client::OpenRosaTarget target,
                                                    std::filesystem::path database) {
    auto o = engine_options(c, {}, std::move(database));
    o.sync.server_url.clear();
    o.survey_updates.reset();  // an OpenRosa server has no fieldkiosk survey files to offer
    o.sync.openrosa = std::move(target);
    return o;
}

KioskSurveys with_downloaded(std::vector<core::SurveyPtr> shipped, const std::filesystem::path& downloaded) {
    KioskSurveys out;
    out.surveys = std::move(shipped);
    std::error_code ec;
    if (!std::filesystem::is_directory(downloaded, ec)) return out;  // nothing downloaded yet
    const std::filesystem::path paths[] = {downloaded};
    auto catalog = core::load_paths(paths, core::LoadOptions{.all_versions = true});
    for (const auto& d : catalog.diagnostics) out.problems.push_back("downloaded survey left out: " + d.to_string());
    const auto shipped_end = out.surveys.begin() + static_cast<std::ptrdiff_t>(out.surveys.size());
    std::vector<core::SurveyPtr> added;
    for (auto& s : catalog.surveys) {
        const bool also_shipped = std::any_of(out.surveys.begin(), shipped_end, [&](const core::SurveyPtr& x) {
            return x->id == s->id && x->version == s->version;
        });
        if (!also_shipped) added.push_back(std::move(s));
    }
    out.surveys.insert(out.surveys.end(), added.begin(), added.end());
    return out;
}

bool offer_downloaded_surveys(App& app, std::vector<core::SurveyPtr> shipped, const std::filesystem::path& downloaded) {
    auto loaded = with_downloaded(std::move(shipped), downloaded);
    for (const auto& p : loaded.problems) std::fprintf(stderr, "fieldkiosk: %s\n", p.c_str());
    return app.offer_surveys(std::move(loaded.surveys));
}

sync::client::CurlOptions curl_options(const KioskConfig::Sync& c) {
    sync::client::CurlOptions o;
    o.ca_file = c.ca_file;
    o.pinned_public_key = c.pinned_public_key;
    return o;
}

KioskHeartbeat::KioskHeartbeat() { m_value.app_version = std::string("fieldkiosk ") + FIELDKIOSK_VERSION; }

void KioskHeartbeat::refresh(const App& app) {
    auto surveys = app.offered_surveys();
    const std::string_view state = app.hours_state();
    if (surveys == m_last_surveys && state == m_last_state) return;
    m_last_surveys = std::move(surveys);
    m_last_state = std::string(state);
    std::lock_guard lock(m_mutex);
    m_value.surveys.clear();
    for (const auto& [id, version] : m_last_surveys) m_value.surveys.push_back({id, version});
    m_value.state = m_last_state;
}

sync::protocol::Heartbeat KioskHeartbeat::operator()() const {
    std::lock_guard lock(m_mutex);
    return m_value;
}

bool hand_over_status(sync::client::SyncEngine& engine, App& app, KioskHeartbeat* heartbeat) {
    if (heartbeat) heartbeat->refresh(app);
    auto posted = engine.status().drain();
    if (posted.empty()) return false;
    app.set_sync_status(to_view(posted.back()));  // only the newest matters to the screen
    return true;
}

}  // namespace fieldkiosk::kiosk
