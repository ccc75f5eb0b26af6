// Index:
//   helpers        names that are safe as file names, capped reads
//   SurveyUpdater  maybe_update(), update_now(), fetch()
#include "sync/client/survey_updater.hpp"

#include "core/atomic_file.hpp"
#include "core/loader.hpp"
#include "sync/protocol/digest.hpp"
#include "sync/protocol/wire.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace fieldkiosk::sync::client {

namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------
namespace {

// A survey id as the loader allows it: [a-z][a-z0-9_]{0,63}.
bool safe_id(std::string_view s) {
    if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
    return std::ranges::all_of(s, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// A version that is safe as a file name and in a URL path: [A-Za-z0-9._-]{1,64}, not starting with '.'.
bool safe_version(std::string_view s) {
    if (s.empty() || s.size() > 64 || s.front() == '.') return false;
    return std::ranges::all_of(s, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

// The file's bytes, or nullopt when it cannot be read or is larger than `cap`.
std::optional<std::string> read_capped(const fs::path& p, std::size_t cap) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::string out;
    char chunk[65536];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
        out.append(chunk, static_cast<std::size_t>(in.gcount()));
        if (out.size() > cap) return std::nullopt;
    }
    if (in.bad()) return std::nullopt;
    return out;
}

// "150 MB" (whole mebibytes, rounded down; "0 MB" below one).
std::string megabytes(std::uintmax_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MB"; }

std::string status_words(const HttpResponse& r) {
    std::string out = "HTTP " + std::to_string(r.status);
    if (auto e = protocol::decode_error(r.body)) out += " (" + e->message + ")";
    return out;
}

// What is wrong with an entry of the server's list (id, version, sha256; an id and version that can be file
// names), or nullopt.
std::optional<std::string> entry_problem(const json& e) {
    if (!e.is_object() || !e.value("id", json()).is_string() || !e.value("version", json()).is_string() ||
        !e.value("sha256", json()).is_string())
        return "an entry of the list has no id, version or sha256";
    const auto id = e["id"].get<std::string>();
    const auto version = e["version"].get<std::string>();
    if (!safe_id(id) || !safe_version(version))
        return "'" + id + "' version '" + version +
               "' cannot be kept as a file (ids: a-z, 0-9, _; versions: letters, digits, '.', '_', '-')";
    return std::nullopt;
}

// A version this kiosk already has is never overwritten; but a different file under the same id and version
// means responses made here and there are judged against different questions: say so (the operator must act).
std::optional<std::string> differs_on_disk(const fs::path& on_disk, const std::string& id, const std::string& version,
                                           const std::string& sha256) {
    const auto mine = read_capped(on_disk, k_max_get_bytes);
    if (!mine) return "'" + id + "' version '" + version + "' is on this kiosk but cannot be read (" + on_disk.string() + ")";
    const auto digest = protocol::sha256_hex(*mine);
    if (!digest) return "'" + id + "' version '" + version + "' on this kiosk could not be checked: " + digest.error();
    if (*digest != sha256)
        return "the server's '" + id + "' version " + version +
               " differs from the one this kiosk has: a survey was changed without raising its "
               "version (this kiosk keeps its own; " + on_disk.string() + ")";
    return std::nullopt;
}

}  // namespace

fs::path default_survey_folder(const fs::path& database) {
    return (database.has_parent_path() ? database.parent_path() : fs::path(".")) / "surveys";
}

fs::path downloaded_survey_path(const fs::path& folder, const std::string& id, const std::string& version) {
    return folder / id / (version + ".json");
}

// ---------------------------------------------------------------------------------------------
// SurveyUpdater
// ---------------------------------------------------------------------------------------------
SurveyUpdater::SurveyUpdater(SurveyUpdateOptions options, std::string server_url, std::string token, HttpTransport& transport,
                             const core::Clock& clock)
    : m_options(std::move(options)),
      m_base(std::move(server_url)),
      m_token(std::move(token)),
      m_transport(&transport),
      m_clock(&clock) {
    while (!m_base.empty() && m_base.back() == '/') m_base.pop_back();
}

SurveyUpdateResult SurveyUpdater::maybe_update() {
    const auto now = m_clock->steady_now();
    if (m_last_check && now - *m_last_check < m_options.min_interval) return {};
    return update_now();
}

SurveyUpdateResult SurveyUpdater::update_now() {
    m_last_check = m_clock->steady_now();
    SurveyUpdateResult out;
    out.checked = true;
    HttpRequest req;
    req.url = m_base + std::string(protocol::k_surveys_path);
    req.headers = {{"Authorization", "Bearer " + m_token}, {"Accept", "application/json"}};
    if (!m_etag.empty()) req.headers.emplace_back("If-None-Match", m_etag);
    req.max_response_bytes = k_max_get_bytes;
    auto res = m_transport->get(req);
    if (!res) {
        out.error = "Survey updates: the list of surveys could not be fetched: " + res.error().message;
        return out;
    }
    if (res->status == 304) {
        out.not_modified = true;
        return out;
    }
    if (res->status != 200) {
        out.error = "Survey updates: the server answered the list of surveys with " + status_words(*res);
        return out;
    }
    const json index = json::parse(res->body, nullptr, false);
    if (index.is_discarded() || !index.is_object() || !index.contains("surveys") || !index["surveys"].is_array()) {
        out.error = "Survey updates: the server's list of surveys is not {\"surveys\": [...]}";
        return out;
    }
    std::vector<std::string> problems;
    std::size_t tried = 0;
    bool space_reported = false;
    for (const auto& e : index["surveys"]) {
        if (auto problem = entry_problem(e)) {
            problems.push_back(std::move(*problem));
            continue;
        }
        const auto id = e["id"].get<std::string>();
        const auto version = e["version"].get<std::string>();
        const auto sha256 = e["sha256"].get<std::string>();
        const fs::path on_disk = downloaded_survey_path(m_options.folder, id, version);
        std::error_code ec;
        if (fs::exists(on_disk, ec)) {
            if (auto problem = differs_on_disk(on_disk, id, version, sha256)) problems.push_back(std::move(*problem));
            continue;
        }
        if (tried == m_options.max_downloads_per_check) {
            ++out.left_for_next_check;  // the index is asked for again in full next time
            continue;
        }
        if (auto why = low_on_space(0)) {
            if (!space_reported) problems.push_back("nothing was downloaded: " + *why);
            space_reported = true;
            continue;
        }
        ++tried;
        if (auto problem = fetch(id, version, sha256))
            problems.push_back(std::move(*problem));
        else
            out.downloaded.push_back(id + " " + version);
    }
    // Only when all is on disk and matches: a failed or unfinished check is asked for in full next time, not
    // answered 304.
    if (problems.empty() && out.left_for_next_check == 0) m_etag = res->header("etag");
    if (!problems.empty()) {
        out.error = "Survey updates: " + problems.front();
        if (problems.size() > 1) out.error += " (and " + std::to_string(problems.size() - 1) + " more)";
    }
    return out;
}

std::optional<std::string> SurveyUpdater::fetch(const std::string& id, const std::string& version, const std::string& sha256) {
    const std::string what = "'" + id + "' version '" + version + "'";
    HttpRequest req;
    req.url = m_base + std::string(protocol::k_surveys_path) + "/" + id + "/" + version;
    req.headers = {{"Authorization", "Bearer " + m_token}, {"Accept", "application/json"}};
    req.max_response_bytes = k_max_get_bytes;
    auto res = m_transport->get(req);
    if (!res) return what + " could not be downloaded: " + res.error().message;
    if (res->status != 200) return what + " could not be downloaded: " + status_words(*res);
    const auto digest = protocol::sha256_hex(res->body);
    if (!digest) return what + " was refused: " + digest.error();
    const std::string& got = *digest;
    if (got != sha256)
        return what + " was refused: its SHA-256 is " + got + ", the list said " + sha256 + " (damaged in transit?)";
    if (const auto header = res->header("x-fieldkiosk-sha256"); !header.empty() && header != got)
        return what + " was refused: its SHA-256 does not match the server's " + std::string(protocol::k_survey_sha256_header);
    // Self-contained or nothing: an include would make the loader read other files on this kiosk.
    const json doc = json::parse(res->body, nullptr, false);
    if (doc.is_object() && doc.contains("questions") && doc["questions"].is_array())
        for (const auto& q : doc["questions"])
            if (q.is_object() && q.contains("include"))
                return what + " was refused: it includes other files (not self-contained)";
    const fs::path target = downloaded_survey_path(m_options.folder, id, version);
    auto loaded = core::load_survey_text(res->body, target);
    if (!loaded.ok())
        return what + " was refused: it is not a valid survey (" +
               (loaded.diagnostics.empty() ? std::string("no detail") : loaded.diagnostics.front().to_string()) + ")";
    if (loaded.survey->id != id || loaded.survey->version != version)
        return what + " was refused: the file is survey '" + loaded.survey->id + "' version '" + loaded.survey->version + "'";
    if (auto why = low_on_space(res->body.size())) return what + " was not saved: " + *why;
    // Atomic (core/atomic_file.hpp): a crash leaves no file or the whole file, never a half survey.
    if (auto w = core::write_file_atomically(target, res->body); !w) return what + " could not be saved: " + w.error().message;
    return std::nullopt;
}

std::optional<std::string> SurveyUpdater::low_on_space(std::uintmax_t bytes) const {
    // The folder may not exist yet: its nearest existing parent is on the same file system.
    fs::path at = m_options.folder.empty() ? fs::path(".") : m_options.folder;
    std::error_code ec;
    while (!fs::exists(at, ec) && at.has_parent_path() && at.parent_path() != at) at = at.parent_path();
    const auto space = fs::space(at, ec);
    if (ec) return "the free space of " + at.string() + " cannot be read (" + ec.message() + ")";
    const auto fraction_floor =
        static_cast<std::uintmax_t>(static_cast<long double>(space.capacity) * m_options.min_free_fraction);
    const std::uintmax_t floor = std::max(m_options.min_free_bytes, fraction_floor);
    if (space.available >= floor && space.available - floor >= bytes) return std::nullopt;
    return "only " + megabytes(space.available) + " free on the disk of " + m_options.folder.string() +
           ", and this kiosk keeps at least " + megabytes(floor) + " free for its responses";
}

}  // namespace fieldkiosk::sync::client
