// fieldkiosk::sync::client::SurveyUpdater — fetches new survey definitions from the server (docs/
// sync_protocol.md, "Survey updates") into a folder the kiosk can write, after a successful drain.
//
// Index:
//   SurveyUpdateOptions        the folder and how often to look
//   downloaded_survey_path()   <folder>/<id>/<version>.json
//   SurveyUpdateResult         what one check did, in plain words
//   SurveyUpdater              maybe_update() (at most every min_interval), update_now()
//
// One check: GET /v1/surveys (If-None-Match: the last ETag of a check that fully succeeded); for each
// listed id/version not already in the folder, GET /v1/surveys/ID/VERSION (at most k_max_get_bytes),
// verify the SHA-256 the index gave, load it with the core loader (it must be valid, self-contained and
// have the listed id and version), then write it atomically (temporary file, fsync, rename, fsync of the
// folder). Files are never deleted or overwritten: old versions stay for exports and for responses
// already queued. A listed version already in the folder is compared by SHA-256 with the index: a
// difference (a survey edited on the server without a new version) is reported and the kiosk's file
// kept. At most max_downloads_per_check downloads per check, none when the disk is nearly full
// (min_free_bytes, min_free_fraction). A failure stops nothing else: it is reported and the next check
// tries again.
// Thread-safety: one SurveyUpdater per thread (it uses that thread's transport).
#pragma once

#include "core/clock.hpp"
#include "sync/client/transport.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fieldkiosk::sync::client {

struct SurveyUpdateOptions {
    std::filesystem::path folder;                         // e.g. <database folder>/surveys (default_survey_folder)
    std::chrono::milliseconds min_interval{15 * 60'000};  // between two checks of the index
    // At most this many definitions are downloaded (or tried) per check; the rest wait for the next one
    // (the index is then asked for again in full). Bounds what one (mis)behaving server can make one check do.
    std::size_t max_downloads_per_check = 50;
    // Nothing is downloaded or written when the free space of the folder's file system is, or would
    // become, below the larger of these: the kiosk's queued responses need that disk more than an update.
    std::uintmax_t min_free_bytes = 200ull * 1024 * 1024;
    double min_free_fraction = 0.05;  // of the file system's size
};

// Where a kiosk keeps downloaded definitions by default: "surveys" next to its database.
[[nodiscard]] std::filesystem::path default_survey_folder(const std::filesystem::path& database);
// <folder>/<id>/<version>.json
[[nodiscard]] std::filesystem::path downloaded_survey_path(const std::filesystem::path& folder, const std::string& id,
                                                           const std::string& version);

struct SurveyUpdateResult {
    bool checked = false;                 // false: too soon since the last check; nothing was asked
    bool not_modified = false;            // the index had not changed (304)
    std::vector<std::string> downloaded;  // "food 2", one per file written this time
    std::size_t left_for_next_check = 0;  // listed, not on disk, beyond max_downloads_per_check
    std::string error;                    // plain words for the admin screen; empty when all went well
};

class SurveyUpdater {
public:
    // `server_url` as in SyncConfig (no trailing path); `transport` and `clock` must outlive the updater.
    SurveyUpdater(SurveyUpdateOptions options, std::string server_url, std::string token, HttpTransport& transport,
                  const core::Clock& clock);

    // update_now() unless the last check was less than min_interval ago.
    [[nodiscard]] SurveyUpdateResult maybe_update();
    // Checks now. Never throws for bad input from the network or the disk: the reason is in `error`.
    [[nodiscard]] SurveyUpdateResult update_now();

private:
    [[nodiscard]] std::optional<std::string> fetch(const std::string& id, const std::string& version, const std::string& sha256);
    // Why nothing should be written now ("only 150 MB free ..."), or nullopt; `bytes`: what would be added.
    [[nodiscard]] std::optional<std::string> low_on_space(std::uintmax_t bytes) const;

    SurveyUpdateOptions m_options;
    std::string m_base, m_token;
    HttpTransport* m_transport;
    const core::Clock* m_clock;
    std::string m_etag;  // of the last index whose every entry is on disk
    std::optional<std::chrono::steady_clock::time_point> m_last_check;
};

}  // namespace fieldkiosk::sync::client
