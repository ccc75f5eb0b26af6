// Index: helpers (typed reads with messages), parse_config, load_config.
#include "kiosk/settings/config.hpp"

#include <toml++/toml.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace fieldkiosk::kiosk {
namespace {

class Reader {
public:
    Reader(const toml::table& root, std::string_view name, std::vector<std::string>& messages)
        : m_root(root), m_name(name), m_messages(messages) {}

    const toml::table* table(std::string_view key, std::initializer_list<std::string_view> known) {
        const toml::node* node = m_root.get(key);
        if (node == nullptr) return nullptr;
        const toml::table* t = node->as_table();
        if (t == nullptr) {
            warn(std::string(key), "is not a table; using the defaults for this section");
            return nullptr;
        }
        for (const auto& [k, v] : *t) {
            const std::string_view ks = k.str();
            bool ok = false;
            for (auto kk : known) ok = ok || kk == ks;
            if (!ok) warn(std::string(key) + "." + std::string(ks), "is not a setting (see docs/kiosk_config.md); ignored");
        }
        return t;
    }

    void text(const toml::table* t, std::string_view section, std::string_view key, std::string& out) {
        if (t == nullptr) return;
        if (const auto* n = t->get(key)) {
            if (auto v = n->value<std::string>())
                out = *v;
            else
                warn(path(section, key), "must be a string; using \"" + out + "\"");
        }
    }
    void boolean(const toml::table* t, std::string_view section, std::string_view key, bool& out) {
        if (t == nullptr) return;
        if (const auto* n = t->get(key)) {
            if (auto v = n->value<bool>())
                out = *v;
            else
                warn(path(section, key), std::string("must be true or false; using ") + (out ? "true" : "false"));
        }
    }
    void integer(const toml::table* t, std::string_view section, std::string_view key, int& out, int lo, int hi) {
        if (t == nullptr) return;
        if (const auto* n = t->get(key)) {
            auto v = n->value<std::int64_t>();
            if (v && *v >= lo && *v <= hi)
                out = static_cast<int>(*v);
            else
                warn(path(section, key), "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                                             "; using " + std::to_string(out));
        }
    }
    void seconds(const toml::table* t, std::string_view section, std::string_view key, std::chrono::seconds& out, int lo,
                 int hi) {
        int v = static_cast<int>(out.count());
        integer(t, section, key, v, lo, hi);
        out = std::chrono::seconds{v};
    }
    void number(const toml::table* t, std::string_view section, std::string_view key, float& out, double lo, double hi) {
        if (t == nullptr) return;
        if (const auto* n = t->get(key)) {
            auto v = n->value<double>();
            if (v && *v >= lo && *v <= hi)
                out = static_cast<float>(*v);
            else {
                std::ostringstream msg;
                msg << "must be a number from " << lo << " to " << hi << "; using " << out;
                warn(path(section, key), msg.str());
            }
        }
    }
    void text_list(const toml::table* t, std::string_view section, std::string_view key, std::vector<std::string>& out) {
        if (t == nullptr) return;
        if (const auto* n = t->get(key)) {
            const auto* arr = n->as_array();
            std::vector<std::string> values;
            bool ok = arr != nullptr;
            if (arr != nullptr)
                for (const auto& e : *arr) {
                    if (auto s = e.value<std::string>())
                        values.push_back(*s);
                    else
                        ok = false;
                }
            if (ok)
                out = std::move(values);
            else
                warn(path(section, key), "must be a list of survey ids, e.g. [\"food\", \"safety\"]; using []");
        }
    }
    void warn(const std::string& key, const std::string& what) {
        m_messages.push_back(std::string(m_name) + ": " + key + " " + what);
    }

private:
    static std::string path(std::string_view section, std::string_view key) {
        return std::string(section) + "." + std::string(key);
    }
    const toml::table& m_root;
    std::string_view m_name;
    std::vector<std::string>& m_messages;
};

// [hours]: a day that cannot be read is open all day (the safe default, docs/kiosk_config.md: a kiosk
// that wrongly says "Closed" while the library is open loses responses and looks deliberate; one that
// wrongly stays on at night costs a little power in an empty room). A day not listed is closed.
void parse_hours(Reader& r, OpeningHours& hours, std::vector<std::string>& messages) {
    const auto first_message = messages.size();
    const auto* t =
        r.table("hours", {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "closed_dates"});
    if (t == nullptr) return;
    bool any_day = false;
    for (int d = 0; d < 7; ++d) {
        const std::string key(weekday_key(d));
        const toml::node* n = t->get(key);
        if (n == nullptr) continue;
        any_day = true;
        auto& day = hours.week[static_cast<std::size_t>(d)];
        const std::string plural = static_cast<char>(key[0] - 32) + key.substr(1) + "s";
        const auto text = n->value<std::string>();
        auto parsed = text ? parse_day_hours(*text) : std::unexpected(std::string("must be a string such as \"09:00-17:00\""));
        if (parsed) {
            day = std::move(*parsed);
        } else {
            day = {{0, 24 * 60}};
            r.warn("[hours] " + key + ":",
                   parsed.error() + "; the kiosk stays open all day on " + plural + " until this is fixed");
        }
    }
    if (const toml::node* n = t->get("closed_dates")) {
        const auto* arr = n->as_array();
        if (arr == nullptr)
            r.warn("[hours] closed_dates:", "must be a list of dates, e.g. [\"2026-12-25\", \"2026-12-26\"]; ignored");
        for (std::size_t i = 0; arr != nullptr && i < arr->size(); ++i) {
            const auto text = (*arr)[i].value<std::string>();
            auto date =
                text ? parse_local_date(*text) : std::unexpected(std::string("an entry is not a string such as \"2026-12-25\""));
            if (date)
                hours.closed_dates.push_back(*date);
            else
                r.warn("[hours] closed_dates:", date.error() + "; that entry is ignored");
        }
        std::ranges::sort(hours.closed_dates);
    }
    if (!any_day) {
        r.warn("[hours]", "lists no day (monday = \"09:00-17:00\" ...); the kiosk is always open");
        hours = {};
    } else {
        hours.configured = true;
        if (std::ranges::all_of(hours.week, [](const auto& d) { return d.empty(); }))
            r.warn("[hours]", "has no opening on any day: the kiosk stays on its Closed screen (remove [hours] to keep it open)");
    }
    for (auto i = first_message; i < messages.size(); ++i) hours.problems.push_back(messages[i]);
}

}  // namespace

ConfigResult parse_config(std::string_view toml_text, std::string_view name) {
    ConfigResult result;
    toml::table root;
    try {
        root = toml::parse(toml_text, name);
    } catch (const toml::parse_error& e) {
        std::ostringstream msg;
        msg << name << ":" << e.source().begin.line << ":" << e.source().begin.column << ": " << e.description()
            << "; the whole file is ignored and every setting has its safe default";
        result.messages.push_back(msg.str());
        return result;
    }
    result.file_used = true;
    auto& c = result.config;
    Reader r(root, name, result.messages);
    for (const auto& [k, v] : root) {
        const std::string_view ks = k.str();
        if (ks != "kiosk" && ks != "timing" && ks != "admin" && ks != "display" && ks != "sync" && ks != "hours")
            r.warn(std::string(ks),
                   "is not a section (expected [kiosk], [timing], [admin], [display], [sync] or [hours]); ignored");
    }
    const auto* kiosk = r.table("kiosk", {"mode", "site", "worker", "default_language", "ask_language", "database", "surveys_dir",
                                          "assets_dir", "enabled_surveys", "organisation"});
    std::string mode(core::to_string(c.mode));
    r.text(kiosk, "kiosk", "mode", mode);
    if (auto m = core::mode_from_string(mode))
        c.mode = *m;
    else
        r.warn("kiosk.mode", "is \"" + mode + "\", not \"kiosk\" or \"assisted\"; using \"kiosk\"");
    r.text(kiosk, "kiosk", "site", c.site);
    r.text(kiosk, "kiosk", "worker", c.worker);
    r.text(kiosk, "kiosk", "default_language", c.default_language);
    r.boolean(kiosk, "kiosk", "ask_language", c.ask_language);
    r.text(kiosk, "kiosk", "database", c.database);
    r.text(kiosk, "kiosk", "surveys_dir", c.surveys_dir);
    r.text(kiosk, "kiosk", "assets_dir", c.assets_dir);
    r.text_list(kiosk, "kiosk", "enabled_surveys", c.enabled_surveys);
    r.text(kiosk, "kiosk", "organisation", c.organisation);

    const auto* timing = r.table("timing", {"idle_timeout_seconds", "idle_countdown_seconds", "thanks_return_seconds",
                                            "admin_hold_seconds", "save_retry_seconds", "tap_guard_ms"});
    r.seconds(timing, "timing", "idle_timeout_seconds", c.idle_timeout, 10, 3600);
    r.seconds(timing, "timing", "idle_countdown_seconds", c.idle_countdown, 5, 600);
    r.seconds(timing, "timing", "thanks_return_seconds", c.thanks_return, 3, 600);
    r.seconds(timing, "timing", "admin_hold_seconds", c.admin_hold, 1, 30);
    r.seconds(timing, "timing", "save_retry_seconds", c.save_retry, 1, 3600);
    {
        int ms = static_cast<int>(c.tap_guard.count());
        r.integer(timing, "timing", "tap_guard_ms", ms, 0, 2000);
        c.tap_guard = std::chrono::milliseconds{ms};
    }

    const auto* admin = r.table("admin", {"pin_hash", "lockout_after_attempts", "lockout_base_seconds"});
    r.text(admin, "admin", "pin_hash", c.pin_hash);
    r.integer(admin, "admin", "lockout_after_attempts", c.lockout_after_attempts, 1, 20);
    r.seconds(admin, "admin", "lockout_base_seconds", c.lockout_base, 1, 3600);

    const auto* display = r.table("display", {"fullscreen", "width", "height", "ui_scale", "font_dir"});
    r.boolean(display, "display", "fullscreen", c.fullscreen);
    r.integer(display, "display", "width", c.window_width, 320, 8192);
    r.integer(display, "display", "height", c.window_height, 320, 8192);
    r.number(display, "display", "ui_scale", c.ui_scale, 0.5, 3.0);
    r.text(display, "display", "font_dir", c.font_dir);

    const auto* sync = r.table("sync", {"server_url", "token_file", "ca_file", "pinned_public_key", "period_seconds",
                                        "debounce_seconds", "retention_days", "closed_period_seconds"});
    auto& y = c.sync;
    r.text(sync, "sync", "server_url", y.server_url);
    r.text(sync, "sync", "token_file", y.token_file);
    r.text(sync, "sync", "ca_file", y.ca_file);
    r.text(sync, "sync", "pinned_public_key", y.pinned_public_key);
    r.seconds(sync, "sync", "period_seconds", y.period, 30, 86'400);
    r.seconds(sync, "sync", "debounce_seconds", y.debounce, 0, 600);
    r.integer(sync, "sync", "retention_days", y.retention_days, 0, 3650);
    r.seconds(sync, "sync", "closed_period_seconds", y.closed_period, 300, 86'400);
    while (!y.server_url.empty() && y.server_url.back() == '/') y.server_url.pop_back();
    if (!y.server_url.empty()) {
        // A broken security setting turns sync off rather than sending with less protection than asked for.
        const bool http = y.server_url.starts_with("http://"), https = y.server_url.starts_with("https://");
        if (!http && !https) {
            r.warn("sync.server_url", "is \"" + y.server_url +
                                          "\", not an http:// or https:// address (e.g. \"https://surveys.example.gov.uk\"); "
                                          "sync is off");
            y.server_url.clear();
        } else if (!y.pinned_public_key.empty() && !y.pinned_public_key.starts_with("sha256//")) {
            r.warn("sync.pinned_public_key", "must look like \"sha256//BASE64=\" (fieldkiosk-server prints it); sync is off");
            y.server_url.clear();
        } else if (y.token_file.empty()) {
            r.warn("sync.token_file", "is empty, but the kiosk needs its token to send; sync is off");
            y.server_url.clear();
        }
    }
    parse_hours(r, c.hours, result.messages);
    return result;
}

std::expected<std::string, std::string> read_token_file(const std::filesystem::path& path) {
    const std::string p = path.string();
    struct ::stat st {};
    if (::stat(p.c_str(), &st) != 0)
        return std::unexpected("sync.token_file " + p +
                               " does not exist or cannot be read; put the token from `fieldkiosk-server add-kiosk` there "
                               "(chmod 600)");
    if (!S_ISREG(st.st_mode)) return std::unexpected("sync.token_file " + p + " is not a regular file");
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return std::unexpected("sync.token_file " + p + " can be read or changed by other users (mode " + mode +
                               "); run `chmod 600 " + p + "`. The kiosk will not use a token others can see");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::unexpected("sync.token_file " + p + " cannot be read (no permission?)");
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    const auto first = token.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return std::unexpected("sync.token_file " + p + " is empty");
    token = token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
    if (token.find_first_of(" \t\r\n") != std::string::npos)
        return std::unexpected("sync.token_file " + p + " must hold the token alone, on one line");
    return token;
}

std::filesystem::path default_config_path() {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) {
        if (fs::path p = fs::path(x) / "fieldkiosk/fieldkiosk.toml"; fs::is_regular_file(p, ec)) return p;
    } else if (const char* h = std::getenv("HOME"); h && *h) {
        if (fs::path p = fs::path(h) / ".config/fieldkiosk/fieldkiosk.toml"; fs::is_regular_file(p, ec)) return p;
    }
    if (fs::path p = "/etc/fieldkiosk/fieldkiosk.toml"; fs::is_regular_file(p, ec)) return p;
    return {};
}

ConfigResult load_config(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ConfigResult result;
        result.messages.push_back(path.string() +
                                  ": cannot be read (missing, or no permission); every setting has its safe default");
        return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path.string());
}

}  // namespace fieldkiosk::kiosk
