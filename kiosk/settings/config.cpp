// Index: helpers (typed reads with messages), parse_config, a broken file in plain words, load_config.
#include "kiosk/settings/config.hpp"

#include <toml++/toml.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

namespace {

// The first line of the last good copy names the file it copies, so that a copy is never taken for
// another settings file's.
constexpr std::string_view k_copy_header = "# fieldkiosk: the last readable copy of ";

std::string trim(std::string_view s) {
    const auto a = s.find_first_not_of(" \t\r");
    if (a == std::string_view::npos) return {};
    return std::string(s.substr(a, s.find_last_not_of(" \t\r") - a + 1));
}

// Where in the file (the section and key of the line) and what is wrong with it, in words a member of
// staff can act on. toml++'s own description ("Error while parsing string: encountered end-of-line") is
// not shown: it names the parser's state, not the mistake.
std::string plain_parse_problem(std::string_view text, std::size_t line, std::size_t column, std::string_view description) {
    std::string section, line_text;
    std::size_t n = 1;
    for (std::size_t pos = 0; pos <= text.size() && n <= line; ++n) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string l = trim(text.substr(pos, end - pos));
        if (n < line && l.starts_with('[') && l.find(']') != std::string::npos) section = l.substr(0, l.find(']') + 1);
        if (n == line) line_text = l;
        pos = end + 1;
    }
    std::string where = "line " + std::to_string(line) + ", column " + std::to_string(column);
    const auto eq = line_text.find('=');
    const std::string key = eq == std::string::npos ? std::string{} : trim(std::string_view(line_text).substr(0, eq));
    if (!key.empty() && !key.starts_with('#'))
        where += " (" + (section.empty() ? std::string{} : section + " ") + key + ")";
    else if (!section.empty())
        where += " (in " + section + ")";
    std::string what;
    const auto quotes = [&](char q) {
        const auto hash = line_text.find('#');  // a quote inside a comment does not count
        const std::string_view code = std::string_view(line_text).substr(0, hash);
        return std::ranges::count(code, q) % 2 == 1;
    };
    if (quotes('"'))
        what = "a quotation mark (\") is not closed; a text setting is written between two, e.g. site = \"Library\"";
    else if (quotes('\''))
        what = "a quotation mark (') is not closed";
    else if (line_text.starts_with('[') && line_text.find(']') == std::string::npos)
        what = "a section name is not closed with ]";
    else if (description.find("redefin") != std::string_view::npos)
        what = "this setting or section is written twice; keep one";
    else if (eq == std::string::npos && !line_text.starts_with('['))
        what = "this line is not a setting; settings are written as  name = value";
    else if (eq != std::string::npos && trim(std::string_view(line_text).substr(eq + 1)).empty())
        what = "the value after = is missing";
    else
        what = "this value cannot be read; text goes between quotation marks, numbers and true/false without";
    return where + ": " + what;
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Written to a temporary file of mode 0600 (the copy holds the PIN hash), then renamed over the old copy:
// a power cut leaves the old copy or the new one. Returns a message on failure.
std::optional<std::string> write_copy(const std::filesystem::path& copy, const std::string& content) {
    std::error_code ec;
    std::filesystem::create_directories(copy.parent_path(), ec);
    const std::string tmp = copy.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return "cannot write " + tmp;
    bool ok = ::fchmod(fd, 0600) == 0;
    for (std::size_t done = 0; ok && done < content.size();) {
        const auto n = ::write(fd, content.data() + done, content.size() - done);
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ::fsync(fd) == 0 && ok;
    ok = ::close(fd) == 0 && ok;
    if (!ok || std::rename(tmp.c_str(), copy.c_str()) != 0) {
        std::filesystem::remove(tmp, ec);
        return "cannot write " + copy.string();
    }
    return std::nullopt;
}

void read_kiosk(Reader& r, KioskConfig& c) {
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
}

void read_timing(Reader& r, KioskConfig& c) {
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
}

// [admin] and [assisted]: the PIN and its lock-out; how long an unfinished interview is kept.
void read_admin(Reader& r, KioskConfig& c) {
    const auto* admin = r.table("admin", {"pin_hash", "lockout_after_attempts", "lockout_base_seconds"});
    r.text(admin, "admin", "pin_hash", c.pin_hash);
    r.integer(admin, "admin", "lockout_after_attempts", c.lockout_after_attempts, 1, 20);
    r.seconds(admin, "admin", "lockout_base_seconds", c.lockout_base, 1, 3600);

    const auto* assisted = r.table("assisted", {"draft_max_age_hours"});
    {
        int hours = static_cast<int>(c.draft_max_age.count());
        r.integer(assisted, "assisted", "draft_max_age_hours", hours, 1, 8760);
        c.draft_max_age = std::chrono::hours{hours};
    }
}

void read_display(Reader& r, KioskConfig& c) {
    const auto* display = r.table("display", {"fullscreen", "width", "height", "ui_scale", "font_dir", "high_contrast"});
    r.boolean(display, "display", "fullscreen", c.fullscreen);
    r.integer(display, "display", "width", c.window_width, 320, 8192);
    r.integer(display, "display", "height", c.window_height, 320, 8192);
    r.number(display, "display", "ui_scale", c.ui_scale, 0.5, 3.0);
    r.text(display, "display", "font_dir", c.font_dir);
    r.boolean(display, "display", "high_contrast", c.high_contrast);
}

void read_sync(Reader& r, KioskConfig& c) {
    const auto* sync = r.table("sync", {"server_url", "token_file", "ca_file", "pinned_public_key", "period_seconds",
                                        "debounce_seconds", "retention_days", "closed_period_seconds",
                                        "openrosa_url_file", "openrosa_token_file"});
    auto& y = c.sync;
    r.text(sync, "sync", "server_url", y.server_url);
    r.text(sync, "sync", "token_file", y.token_file);
    r.text(sync, "sync", "ca_file", y.ca_file);
    r.text(sync, "sync", "pinned_public_key", y.pinned_public_key);
    r.seconds(sync, "sync", "period_seconds", y.period, 30, 86'400);
    r.seconds(sync, "sync", "debounce_seconds", y.debounce, 0, 600);
    r.integer(sync, "sync", "retention_days", y.retention_days, 0, 3650);
    r.seconds(sync, "sync", "closed_period_seconds", y.closed_period, 300, 86'400);
    r.text(sync, "sync", "openrosa_url_file", y.openrosa_url_file);
    r.text(sync, "sync", "openrosa_token_file", y.openrosa_token_file);
    if (!y.server_url.empty() && !y.openrosa_url_file.empty()) {
        r.warn("sync.openrosa_url_file", "is set as well as sync.server_url; responses go to one server only, so sync is "
                                          "off until one of them is removed");
        y.server_url.clear();
        y.openrosa_url_file.clear();
    }
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
}

}  // namespace

ConfigResult parse_config(std::string_view toml_text, std::string_view name) {
    ConfigResult result;
    toml::table root;
    try {
        root = toml::parse(toml_text, name);
    } catch (const toml::parse_error& e) {
        result.messages.push_back(
            std::string(name) + " is broken at " +
            plain_parse_problem(toml_text, e.source().begin.line, e.source().begin.column, e.description()) +
            "; the whole file is ignored and every setting has its safe default");
        return result;
    }
    result.file_used = true;
    Reader r(root, name, result.messages);
    for (const auto& [k, v] : root) {
        const std::string_view ks = k.str();
        if (ks != "kiosk" && ks != "timing" && ks != "admin" && ks != "display" && ks != "sync" && ks != "hours" &&
            ks != "assisted")
            r.warn(std::string(ks),
                   "is not a section (expected [kiosk], [timing], [admin], [assisted], [display], [sync] or "
                   "[hours]); ignored");
    }
    read_kiosk(r, result.config);
    read_timing(r, result.config);
    read_admin(r, result.config);
    read_display(r, result.config);
    read_sync(r, result.config);
    parse_hours(r, result.config.hours, result.messages);
    return result;
}

std::expected<std::string, std::string> read_secret_file(const std::filesystem::path& path, std::string_view what,
                                                         std::string_view fill) {
    const std::string p = path.string();
    const std::string the = "The " + std::string(what) + " ";
    struct ::stat st {};
    if (::stat(p.c_str(), &st) != 0)
        return std::unexpected(the + p +
                               " does not exist or cannot be read; " + std::string(fill) + " (chmod 600)");
    if (!S_ISREG(st.st_mode)) return std::unexpected(the + p + " is not a regular file");
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return std::unexpected(the + p + " can be read or changed by other users (mode " + mode +
                               "); run `chmod 600 " + p + "`. The kiosk will not use a secret others can see");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::unexpected(the + p + " cannot be read (no permission?)");
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    const auto first = token.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return std::unexpected(the + p + " is empty");
    token = token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
    if (token.find_first_of(" \t\r\n") != std::string::npos)
        return std::unexpected(the + p + " must hold it alone, on one line");
    return token;
}

std::expected<std::string, std::string> read_token_file(const std::filesystem::path& path) {
    return read_secret_file(path, "sync token file", "put the token from `fieldkiosk-server add-kiosk` there");
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

std::filesystem::path last_good_copy_path(const std::filesystem::path& folder, const std::filesystem::path& settings) {
    std::string name = std::filesystem::absolute(settings).lexically_normal().string();
    std::ranges::replace(name, '/', '_');
    return folder / "last-good-settings" / (name.starts_with('_') ? name.substr(1) : name);
}

ConfigResult load_config(const std::filesystem::path& path, const std::filesystem::path& last_good) {
    const std::string name = path.string();
    const auto text = read_file(path);
    std::string problem;  // empty: the file reads as TOML
    if (!text) {
        problem = "The settings file " + name + " cannot be read (missing, or the kiosk's user may not read it)";
    } else {
        try {
            (void)toml::parse(*text, name);
        } catch (const toml::parse_error& e) {
            problem = "The settings file " + name + " is broken at " +
                      plain_parse_problem(*text, e.source().begin.line, e.source().begin.column, e.description());
        }
    }
    const std::string header = std::string(k_copy_header) + name + "\n";
    if (problem.empty()) {
        ConfigResult result = parse_config(*text, name);
        // Keep this file as the last good copy, for the day a typo breaks it. Only when it changed: the
        // kiosk starts often, and the copy's folder is on the same flash as the database.
        if (!last_good.empty() && read_file(last_good) != header + *text)
            if (auto failed = write_copy(last_good, header + *text))
                result.messages.push_back(*failed + " (the copy of the last good settings file); the kiosk runs on");
        return result;
    }
    // Broken: the last good copy if there is one for this file, else every default. Either way, loudly.
    const auto copy = last_good.empty() ? std::nullopt : read_file(last_good);
    ConfigResult result;
    if (copy && copy->starts_with(header)) {
        result = parse_config(std::string_view(*copy).substr(header.size()), last_good.string());
        result.used_last_good = true;
        problem += ". The kiosk is using the last settings file that worked (a copy kept in " + last_good.string() +
                   ") until this is fixed: the staff PIN and the other settings are as they were then.";
    } else {
        problem +=
            ". No earlier copy of it that worked is kept, so every setting has its default until this is fixed: "
            "the staff PIN does not work, sync is off and the kiosk is always open.";
    }
    result.broken = true;
    result.config.settings_problem = problem;
    result.messages.insert(result.messages.begin(), problem);
    return result;
}

}  // namespace fieldkiosk::kiosk
