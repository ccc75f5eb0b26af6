// fieldkiosk::sync::server::Dashboard — the council's results in a browser, served by the receiver under
// /dashboard/ (docs/dashboard.md): a page per mission with its headline figures, a page per indicator with its
// breakdown, trend and ward map, filters for period, breakdown, weighting and flagged responses.
//
// Index:
//   DashboardOptions   where the indicator files, ward boundaries, ward codes and population totals are
//   Dashboard          handle() answers every /dashboard path; sign-in sessions; the figures' cache
//
// Pages are HTML made on the server, with SVG charts (dashboard_charts.hpp) and the same numbers in a table
// beside each chart; no script, nothing from any other host (a Content-Security-Policy says so to the browser).
// The numbers come from tabulate_stored() (report_command.hpp), so they equal `fieldkiosk-server report`'s.
//
// Sign-in: an admin token with the "read" scope, posted once from the sign-in form, becomes a session: a random
// id in an HttpOnly, SameSite=Strict cookie (Secure over TLS) that the server keeps only as its SHA-256, for 30
// idle minutes and at most 8 hours; the token is looked up again on every page, so revoking it ends its
// sessions. Sign-in (granted or refused), sign-out and every page of figures go to the audit log.
//
// Thread-safety: handle() may run on many workers at once (sessions and cache under their own mutexes).
#pragma once

#include "core/clock.hpp"
#include "sync/server/quality.hpp"
#include "sync/server/storage.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace fieldkiosk::sync::server {

class SurveyLibrary;
struct HttpRequest;
struct HttpResponse;

struct DashboardOptions {
    std::filesystem::path indicators;  // the indicator files' folder; empty: the dashboard is off (its pages say so)
    std::filesystem::path boundaries;  // the wards' GeoJSON (ONS, OGL); empty: a ward bar chart instead of the map
    std::filesystem::path ward_codes;  // CSV "choice,code": the ward question's choices to the boundaries' codes
    std::string code_property = "WD22CD", name_property = "WD22NM";  // the GeoJSON properties joined on / shown
    std::string attribution =
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data "
        "\xC2\xA9 Crown copyright and database right 2022.";
    std::filesystem::path population_totals;  // variable,category,total for raking; empty: no weighting offered
    std::chrono::seconds session_idle{30 * 60}, session_max{8 * 3600};
};

class Dashboard {
public:
    using Library = std::function<std::shared_ptr<const SurveyLibrary>()>;
    Dashboard(Storage& storage, const core::Clock& clock, DashboardOptions options, QualitySettings quality, Library surveys,
              bool tls);
    ~Dashboard();
    Dashboard(const Dashboard&) = delete;
    Dashboard& operator=(const Dashboard&) = delete;

    // Every request whose path is /dashboard or starts with /dashboard/.
    void handle(const HttpRequest& req, HttpResponse& res);
    // Responses were stored (the server calls it after each batch): figures computed before are not shown again.
    void data_changed();

    static constexpr const char* k_cookie = "fk_session";

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace fieldkiosk::sync::server
