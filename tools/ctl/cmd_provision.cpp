// fieldkiosk-ctl provision: sets a kiosk up in one step — admin PIN, site, server and token — and checks that
// the server takes the token (docs/kiosk_config.md, "Provisioning").
//
// Index:
//   exit codes          k_exit_unreachable, k_exit_refused, k_exit_unverified (0, 1, 2 as every verb)
//   PIN input           a terminal without echo (termios), or --pin-stdin
//   files               atomic replace (core::write_file_atomically), .bak, owner and mode
//   server check        GET /v1/health, then an empty batch with a heartbeat (POST /v1/batches) with the token
//   steps               check_arguments, read_settings, settle_pin, new_settings, choose_owners,
//                       check_server, write_files, report_outcome: run_provision() in that order
//   add_provision       the verb's flags
//
// Order: everything is checked first (arguments, PIN, the edited config read back by the kiosk's own
// parser, the server), and files are written last. A token the server refuses is never written, so
// re-provisioning a working kiosk with a mistyped token leaves it working; a server that cannot be reached
// does not stop provisioning (a kiosk is often set up before its network), and the exit status says so.
#include "core/atomic_file.hpp"
#include "core/clock.hpp"
#include "kiosk/settings/config.hpp"
#include "kiosk/settings/pin.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/protocol/wire.hpp"
#include "tools/ctl/commands.hpp"
#include "tools/ctl/common.hpp"
#include "tools/ctl/provision.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <ostream>
#include <sstream>

namespace fieldkiosk::tools {

namespace {

namespace fs = std::filesystem;

constexpr int k_exit_unreachable = 3;               // files written; the server could not be reached (network not up yet?)
constexpr int k_exit_refused = 4;                   // the server refused the token; nothing written
constexpr int k_exit_unverified = 5;                // files written; the server answered, but not as a fieldkiosk server should
                                                    // (TLS not verified, not a fieldkiosk server, server error)
constexpr const char* k_kiosk_user = "fieldkiosk";  // installer/debian/kiosk/postinst makes it; the kiosk runs as it

// ---- PIN input ----------------------------------------------------------------------------------------------

termios g_saved_termios{};
volatile std::sig_atomic_t g_echo_off = 0;

extern "C" void restore_echo_and_reraise(int sig) {
    if (g_echo_off != 0) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

// Echo off on the terminal for its lifetime; Ctrl-C and kill restore it too.
class NoEcho {
public:
    NoEcho() {
        if (::tcgetattr(STDIN_FILENO, &g_saved_termios) != 0) return;
        termios quiet = g_saved_termios;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        m_old_int = std::signal(SIGINT, restore_echo_and_reraise);
        m_old_term = std::signal(SIGTERM, restore_echo_and_reraise);
        g_echo_off = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0 ? 1 : 0;
    }
    ~NoEcho() {
        if (g_echo_off != 0) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
        g_echo_off = 0;
        std::signal(SIGINT, m_old_int);
        std::signal(SIGTERM, m_old_term);
    }
    NoEcho(const NoEcho&) = delete;
    NoEcho& operator=(const NoEcho&) = delete;

private:
    void (*m_old_int)(int) = SIG_DFL;
    void (*m_old_term)(int) = SIG_DFL;
};

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The PIN: from `in` (--pin-stdin: one line, and an optional second line that must match), or asked twice on
// the terminal without echo (three tries). An error message (usage) when there is none.
std::expected<std::string, std::string> read_pin(std::istream& in, bool from_stdin, std::ostream& err) {
    if (from_stdin) {
        std::string first, second;
        if (!std::getline(in, first))
            return std::unexpected(std::string("--pin-stdin: standard input is empty; send the PIN on one line"));
        first = trim(first);
        if (std::getline(in, second) && !trim(second).empty() && trim(second) != first)
            return std::unexpected(std::string("--pin-stdin: the two PINs (first and second line) differ"));
        if (auto weak = kiosk::pin_weakness(first)) return std::unexpected("the admin PIN " + *weak + "; choose another");
        return first;
    }
    if (&in != &std::cin || ::isatty(STDIN_FILENO) == 0)
        return std::unexpected(
            std::string("standard input is not a terminal, so the PIN cannot be asked for: give it with --pin-stdin "
                        "(e.g. printf '%s\\n' \"$PIN\" | fieldkiosk-ctl provision --pin-stdin ...)"));
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::string first, second;
        {
            NoEcho quiet;
            err << "Admin PIN for the kiosk's staff screen (" << kiosk::k_pin_min_digits << "-" << kiosk::k_pin_max_digits
                << " digits, not shown): " << std::flush;
            if (!std::getline(in, first)) return std::unexpected(std::string("no PIN given"));
            first = trim(first);
            if (auto weak = kiosk::pin_weakness(first)) {
                err << "That PIN " << *weak << ". Try another.\n";
                continue;
            }
            err << "The same PIN again: " << std::flush;
            if (!std::getline(in, second)) return std::unexpected(std::string("no PIN given"));
        }
        if (trim(second) == first) return first;
        err << "The two PINs differ. Try again.\n";
    }
    return std::unexpected(std::string("no acceptable PIN after three tries"));
}

// ---- token ----------------------------------------------------------------------------------------------------

std::optional<std::string> token_problem(const std::string& token) {
    if (token.empty()) return "is empty";
    for (const char c : token)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return "contains spaces or control characters (copy it again)";
    if (token.size() > 512) return "is longer than 512 characters: not a token from `fieldkiosk-server add-kiosk`";
    return std::nullopt;
}

// ---- files ------------------------------------------------------------------------------------------------------

using Owner = core::FileOwner;

std::string describe_owner(const Owner& o) {
    const passwd* pw = ::getpwuid(o.uid);
    const group* gr = ::getgrgid(o.gid);
    return (pw ? std::string(pw->pw_name) : std::to_string(o.uid)) + ":" +
           (gr ? std::string(gr->gr_name) : std::to_string(o.gid));
}

std::string octal(mode_t m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return buf;
}

std::string errno_text(const std::string& what, const fs::path& path) {
    std::string msg = "cannot " + what + " " + path.string() + ": " + std::strerror(errno);
    if (errno == EACCES || errno == EPERM) msg += " (run it as root: sudo fieldkiosk-ctl provision ...)";
    return msg;
}

// Replaces `path` with `text` through the project's one atomic writer (core/atomic_file.hpp: mode and owner
// set before any byte is written, so a token is never readable by others), adding provision's hint when the
// system said no.
std::expected<void, std::string> replace_file(const fs::path& path, const std::string& text, mode_t mode,
                                              std::optional<Owner> owner, bool backup) {
    auto w = core::write_file_atomically(path, text, {.mode = mode, .owner = owner, .keep_backup = backup});
    if (w) return {};
    std::string msg = std::move(w.error().message);
    if (w.error().error_number == EACCES || w.error().error_number == EPERM)
        msg += " (run it as root: sudo fieldkiosk-ctl provision ...)";
    return std::unexpected(std::move(msg));
}

// ---- server check -------------------------------------------------------------------------------------------

struct CheckResult {
    int exit_code = k_exit_ok;
    std::vector<std::string> lines;  // plain words, printed on stdout (ok) or stderr (problems)
};

std::string error_message(const std::string& body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
    return body.substr(0, 200);
}

// A request that got no HTTP answer: TLS not verified, or the server not reached.
void transport_failure(CheckResult& r, const sync::client::TransportError& e, const std::string& what) {
    if (e.kind == sync::client::TransportError::Kind::Tls) {
        r.exit_code = k_exit_unverified;
        r.lines.push_back("server not verified: " + what + ": TLS: " + e.message +
                          " (if the council uses its own certificate authority, give its PEM file with --ca-file)");
    } else {
        r.exit_code = k_exit_unreachable;
        r.lines.push_back("server not reachable: " + what + ": " + e.message +
                          " (the files are written; the kiosk sends its responses once the server can be reached)");
    }
}

void check_token(sync::client::CurlTransport& transport, const std::string& url, const std::string& token, CheckResult& r);

CheckResult check_server(const std::string& url, const std::string& token, const std::string& ca_file, int timeout_s) {
    CheckResult r;
    static sync::client::CurlGlobal curl_global;  // once per process, before any transfer
    sync::client::CurlTransport transport(sync::client::CurlOptions{.connect_timeout = std::chrono::seconds(timeout_s),
                                                                    .total_timeout = std::chrono::seconds(timeout_s * 3),
                                                                    .ca_file = ca_file});
    sync::client::HttpRequest health{.url = url + std::string(sync::protocol::k_health_path)};
    health.max_response_bytes = 1u << 20;
    auto h = transport.get(health);
    if (!h) {
        transport_failure(r, h.error(), "GET " + health.url);
        return r;
    }
    const auto hj = nlohmann::json::parse(h->body, nullptr, false);
    if (!hj.is_object() || !hj.contains("status") || !hj.contains("protocol")) {
        r.exit_code = k_exit_unverified;
        r.lines.push_back("server answers, but not as a fieldkiosk server: GET " + health.url + " gave HTTP " +
                          std::to_string(h->status) + " (check the address: no path after the host name)");
        return r;
    }
    std::string about = "protocol " + (hj["protocol"].is_number() ? hj["protocol"].dump() : std::string("?"));
    if (hj.contains("version") && hj["version"].is_string())
        about = "fieldkiosk-server " + hj["version"].get<std::string>() + ", " + about;
    if (h->status != 200 || hj["status"] != "ok") {
        r.exit_code = k_exit_unverified;
        r.lines.push_back("server reachable but not healthy (HTTP " + std::to_string(h->status) + ", status " +
                          hj["status"].dump() + "): its database is not answering; the token was not checked");
        return r;
    }
    r.lines.push_back("server reachable: " + url + " (" + about + ")");
    check_token(transport, url, token, r);
    return r;
}

// The token: an empty batch with a heartbeat, as the kiosk sends when it has nothing queued.
void check_token(sync::client::CurlTransport& transport, const std::string& url, const std::string& token, CheckResult& r) {
    core::SystemClock clock;
    core::SystemRng rng;
    sync::protocol::Batch batch;
    batch.kiosk_id = "";  // the kiosk's own id lives in its database; provisioning does not open it
    batch.batch_id = core::make_uuid_v4(rng);
    sync::protocol::Heartbeat hb;
    hb.app_version = std::string("fieldkiosk-ctl ") + FIELDKIOSK_VERSION;
    hb.sent_at = core::format_utc(clock.wall_now());
    batch.heartbeat = hb;
    sync::client::HttpRequest post{.url = url + std::string(sync::protocol::k_batches_path),
                                   .headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                                   .body = sync::protocol::encode(batch)};
    post.max_response_bytes = 1u << 20;
    auto b = transport.post(post);
    if (!b) {
        transport_failure(r, b.error(), "POST " + post.url);
        return;
    }
    if (b->status == 401 || b->status == 403) {
        r.exit_code = k_exit_refused;
        r.lines.push_back("token refused by the server: " + error_message(b->body) +
                          ". Nothing was written. Check it was copied whole, or make a new one on the server: "
                          "fieldkiosk-server add-kiosk NAME");
        return;
    }
    if (b->status == 200) {
        std::string name;
        if (auto a = nlohmann::json::parse(b->body, nullptr, false);
            a.is_object() && a.contains("kiosk") && a["kiosk"].is_string())
            name = a["kiosk"].get<std::string>();
        r.lines.push_back(name.empty() ? std::string("token accepted") : "token accepted for kiosk '" + name + "'");
        return;
    }
    // The server reads the token before the body: 400 (it does not take empty batches) and 429 (rate
    // limit, counted per kiosk) both come after the token was accepted.
    if (b->status == 400 || b->status == 429) {
        r.lines.push_back("token accepted (the server answered HTTP " + std::to_string(b->status) +
                          " to an empty batch: " + error_message(b->body) + ")");
        return;
    }
    r.exit_code = k_exit_unverified;
    r.lines.push_back("the token could not be checked: POST " + post.url + " gave HTTP " + std::to_string(b->status) + ": " +
                      error_message(b->body));
}

std::optional<Owner> kiosk_owner() {
    const passwd* pw = ::getpwnam(k_kiosk_user);
    if (pw == nullptr) return std::nullopt;
    return Owner{pw->pw_uid, pw->pw_gid};
}


// ---- the verb in steps --------------------------------------------------------------------------------------

struct Args {
    std::string server, token, token_file_in, site, mode, ca_file;
    std::string config = "/etc/fieldkiosk/fieldkiosk.toml";
    std::string token_file = "/etc/fieldkiosk/token";
    bool pin_stdin = false, keep_pin = false, no_check = false, dry_run = false;
    int timeout = 10;
};

struct Inputs {  // the checked arguments
    std::string url, site, token;
    fs::path config_path, token_path;
};

struct Settings {  // the settings file before provisioning
    std::string before;  // its text (or a new file's opening comment)
    bool existed = false;
    struct ::stat old_st {};
    kiosk::ConfigResult old;
};

// 1. Arguments: the server's address, the site, the token (file, environment or flag), where files go.
std::expected<Inputs, int> check_arguments(const Args& a, std::ostream& err) {
    std::string url = trim(a.server);
    while (url.ends_with("/")) url.pop_back();
    const auto host_begin = url.find("://") + 3;
    if ((!url.starts_with("https://") && !url.starts_with("http://")) || host_begin >= url.size() || url[host_begin] == '/') {
        err << "error: --server " << a.server
            << ": must be https://HOST (or https://HOST/PATH behind a proxy); the kiosk speaks only HTTP(S)\n";
        return std::unexpected(k_exit_usage);
    }
    if (auto problem = sync::client::insecure_url_problem(url)) {
        err << "error: --server " << a.server << ": " << *problem << "\n";
        return std::unexpected(k_exit_usage);
    }
    const std::string site = trim(a.site);
    if (site.empty() || std::any_of(site.begin(), site.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        err << "error: --site must name the place on one line, e.g. --site \"Kentish Town Library\"\n";
        return std::unexpected(k_exit_usage);
    }
    std::string token;
    if (!a.token_file_in.empty()) {
        // A file that cannot be read is exit 1, like every file this verb reads or writes; an empty one is
        // a missing token (exit 2, below).
        std::ifstream f(a.token_file_in);
        if (!f) {
            err << "error: --token-file-in: " << errno_text("read", a.token_file_in) << "; nothing was written\n";
            return std::unexpected(k_exit_invalid);
        }
        if (!std::getline(f, token) && f.bad()) {
            err << "error: --token-file-in " << a.token_file_in << ": cannot be read; nothing was written\n";
            return std::unexpected(k_exit_invalid);
        }
        if (trim(token).empty()) {
            err << "error: --token-file-in " << a.token_file_in << ": the file is empty (no token on its first line)\n";
            return std::unexpected(k_exit_usage);
        }
    } else if (const char* env = std::getenv("FIELDKIOSK_TOKEN"); env != nullptr && *env != '\0') {
        token = env;
    } else if (!a.token.empty()) {
        token = a.token;
        err << "warning: a token given with --token is visible to other users of this machine (ps) and stays in "
               "your shell history; next time use FIELDKIOSK_TOKEN=... or --token-file-in FILE\n";
    } else {
        err << "error: no token: set FIELDKIOSK_TOKEN, or give --token-file-in FILE (or --token)\n";
        return std::unexpected(k_exit_usage);
    }
    token = trim(token);
    if (auto problem = token_problem(token)) {
        err << "error: the token " << *problem << "\n";
        return std::unexpected(k_exit_usage);
    }
    return Inputs{std::move(url), site, std::move(token), a.config, fs::absolute(a.token_file)};
}

// 2. The existing settings file (kept, but for the keys set here), or the opening comment of a new one.
std::expected<Settings, int> read_settings(const Args& a, const Inputs& i, std::ostream& err) {
    Settings st;
    std::string& before = st.before;
    std::error_code ec;
    st.existed = fs::exists(i.config_path, ec);
    if (st.existed) {
        std::ifstream f(i.config_path, std::ios::binary);
        if (!f || ::stat(i.config_path.c_str(), &st.old_st) != 0) {
            err << "error: " << errno_text("read", i.config_path) << "\n";
            return std::unexpected(k_exit_invalid);
        }
        std::ostringstream text;
        text << f.rdbuf();
        before = text.str();
    } else {
        before =
            "# fieldkiosk.toml: the kiosk's settings, first written by `fieldkiosk-ctl provision`.\n"
            "# Every setting not listed here has its default; docs/kiosk_config.md explains each one (the\n"
            "# source's installer/fieldkiosk.toml lists them all, with their defaults).\n";
    }
    st.old = kiosk::parse_config(before, i.config_path.string());
    if (a.keep_pin && st.old.config.pin_hash.empty()) {
        err << "error: --keep-pin: " << i.config_path.string() << " has no [admin] pin_hash to keep; set a PIN instead\n";
        return std::unexpected(k_exit_usage);
    }
    return st;
}

// 3. The PIN, hashed exactly as the kiosk verifies it (--keep-pin: `old_hash`).
std::expected<std::string, int> settle_pin(const Args& a, const std::string& old_hash, std::istream& in, std::ostream& err) {
    std::string pin_hash = old_hash;
    if (!a.keep_pin) {
        auto pin = read_pin(in, a.pin_stdin, err);
        if (!pin) {
            err << "error: " << pin.error() << "\n";
            return std::unexpected(k_exit_usage);
        }
        auto hashed = kiosk::hash_pin(*pin);
        if (!hashed || !kiosk::verify_pin(*hashed, *pin)) {
            err << "error: the PIN could not be hashed: " << (hashed ? std::string("it does not verify") : hashed.error())
                << "\n";
            return std::unexpected(k_exit_invalid);
        }
        pin_hash = std::move(*hashed);
    }
    return pin_hash;
}

// The keys provision sets; `hash_literal` is the PIN hash as TOML (masked for --dry-run).
std::vector<TomlEdit> settings_edits(const Args& a, const Inputs& i, const std::string& hash_literal) {
    std::vector<TomlEdit> e = {{"kiosk", "site", toml_string(i.site)}};
    if (!a.mode.empty()) e.push_back({"kiosk", "mode", toml_string(a.mode)});
    e.push_back({"sync", "server_url", toml_string(i.url)});
    e.push_back({"sync", "token_file", toml_string(i.token_path.string())});
    if (!a.ca_file.empty()) e.push_back({"sync", "ca_file", toml_string(fs::absolute(a.ca_file).string())});
    if (!a.keep_pin) e.push_back({"admin", "pin_hash", hash_literal});
    return e;
}

// 4. The new settings text, read back by the kiosk's own parser: it must read every value set here.
std::expected<std::string, int> new_settings(const Args& a, const Inputs& i, const Settings& st, const std::string& pin_hash,
                                             std::ostream& err) {
    auto after = edit_toml(st.before, settings_edits(a, i, toml_string(pin_hash)));
    if (!after) {
        err << "error: " << i.config_path.string() << ": " << after.error() << "; nothing was written\n";
        return std::unexpected(k_exit_invalid);
    }
    const auto check = kiosk::parse_config(*after, i.config_path.string());
    const auto& c = check.config;
    const bool same = check.file_used && c.site == i.site && c.sync.server_url == i.url &&
                      c.sync.token_file == i.token_path.string() && c.pin_hash == pin_hash &&
                      (a.mode.empty() || core::to_string(c.mode) == a.mode);
    if (!same) {
        err << "error: " << i.config_path.string()
            << ": after editing, the kiosk would not read the values set here (is a key written in an unusual form, "
               "e.g. quoted or dotted?); nothing was written. The kiosk's parser says:\n";
        for (const auto& m : check.messages) err << "  " << m << "\n";
        return std::unexpected(k_exit_invalid);
    }
    for (const auto& m : check.messages) err << "note: the kiosk will say: " << m << "\n";
    return std::move(*after);
}

// Who owns the files: as root with the kiosk's user, the token is its own and the settings root:fieldkiosk.
struct Owners {
    bool root = false;
    bool kiosk_user = false;  // the user 'fieldkiosk' exists
    std::optional<Owner> token, config;
    Owner me;
};
constexpr mode_t k_token_mode = 0600, k_config_mode = 0640;

Owners choose_owners(const Settings& st) {
    Owners o;
    o.root = ::geteuid() == 0;
    const auto kiosk_user = o.root ? kiosk_owner() : std::nullopt;
    o.kiosk_user = kiosk_user.has_value();
    if (kiosk_user) {
        o.token = *kiosk_user;
        o.config = Owner{0, kiosk_user->gid};
    } else if (st.existed && o.root) {
        o.config = Owner{st.old_st.st_uid, st.old_st.st_gid};
    }
    o.me = Owner{::geteuid(), ::getegid()};
    return o;
}

void print_dry_run(const Args& a, const Inputs& i, const Settings& st, const Owners& o, const std::string& pin_hash,
                   std::ostream& out) {
    auto shown = edit_toml(st.before, settings_edits(a, i, toml_string(mask(pin_hash))));
    out << "would write " << i.token_path.string() << " (mode " << octal(k_token_mode) << ", owner "
        << describe_owner(o.token.value_or(o.me)) << "): " << mask(i.token) << "\n";
    out << "would write " << i.config_path.string() << " (mode " << octal(k_config_mode) << ", owner "
        << describe_owner(o.config.value_or(o.me))
        << (st.existed ? "; previous kept as " + i.config_path.string() + ".bak" : "") << "), PIN hash masked:\n"
        << (shown ? *shown : std::string("(cannot be shown)\n"));
}

// 6. The files: the token first (the settings point at it). k_exit_ok, or k_exit_invalid with the reason on `err`.
int write_files(const Args& a, const Inputs& i, const Settings& st, const Owners& o, const std::string& after,
                std::ostream& out, std::ostream& err) {
    if (o.root && !o.kiosk_user)
        err << "warning: there is no '" << k_kiosk_user
            << "' user on this machine (the fieldkiosk package makes it), so the files belong to root; a kiosk "
               "not running as root cannot read them\n";
    if (auto w = replace_file(i.token_path, i.token + "\n", k_token_mode, o.token, /*backup=*/false); !w) {
        err << "error: " << w.error() << "\n";
        return k_exit_invalid;
    }
    out << "wrote " << i.token_path.string() << " (mode " << octal(k_token_mode) << ", owner "
        << describe_owner(o.token.value_or(o.me)) << ")\n";
    if (auto w = replace_file(i.config_path, after, k_config_mode, o.config, /*backup=*/st.existed); !w) {
        err << "error: " << w.error() << "\n";
        return k_exit_invalid;
    }
    out << "wrote " << i.config_path.string() << " (mode " << octal(k_config_mode) << ", owner "
        << describe_owner(o.config.value_or(o.me)) << "): [kiosk] site" << (a.mode.empty() ? "" : ", mode")
        << "; [sync] server_url, token_file" << (a.ca_file.empty() ? "" : ", ca_file")
        << (a.keep_pin ? "" : "; [admin] pin_hash") << "\n";
    if (st.existed) out << "kept the previous settings as " << i.config_path.string() << ".bak\n";
    return k_exit_ok;
}

// The last line: what the server check means for the kiosk now that its files are written.
void report_outcome(int exit_code, std::ostream& out, std::ostream& err) {
    switch (exit_code) {
        case k_exit_ok:
            out << "provisioned: restart the kiosk to use the new settings (systemctl restart fieldkiosk-kiosk)\n";
            break;
        case k_exit_unreachable:
            err << "provisioned, but the server was not reached: the kiosk will keep its responses and send them "
                   "once it can. To check again later, run the same command with --keep-pin, or look at the admin screen\n";
            break;
        default:
            err << "provisioned, but the server check failed (above): the kiosk will not be able to send until that is "
                   "fixed\n";
            break;
    }
}

// The verb, in the order of the file's opening note: everything checked, then the server, then the files.
int run_provision(const Args& a, std::istream& in, std::ostream& out, std::ostream& err) {
    const auto inputs = check_arguments(a, err);
    if (!inputs) return inputs.error();
    const auto settings = read_settings(a, *inputs, err);
    if (!settings) return settings.error();
    const auto pin_hash = settle_pin(a, settings->old.config.pin_hash, in, err);
    if (!pin_hash) return pin_hash.error();
    const auto after = new_settings(a, *inputs, *settings, *pin_hash, err);
    if (!after) return after.error();
    const Owners owners = choose_owners(*settings);
    if (a.dry_run) print_dry_run(a, *inputs, *settings, owners, *pin_hash, out);
    // 5. The server.
    CheckResult result;
    if (!a.no_check) {
        result = check_server(inputs->url, inputs->token, a.ca_file, a.timeout);
        for (const auto& line : result.lines) (result.exit_code == k_exit_ok ? out : err) << line << "\n";
        if (result.exit_code == k_exit_refused) return k_exit_refused;
    }
    if (a.dry_run) {
        out << "dry run: nothing written\n";
        return result.exit_code;
    }
    if (const int w = write_files(a, *inputs, *settings, owners, *after, out, err); w != k_exit_ok) return w;
    report_outcome(result.exit_code, out, err);
    return result.exit_code;
}

}  // namespace

Runner add_provision(CLI::App& app, std::istream& in, std::ostream& out, std::ostream& err) {
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "provision",
        "Set a kiosk up in one step: admin PIN, site, server and token into its settings file, then check the server");
    cmd->add_option("--server", args->server, "The council's server, e.g. https://surveys.camden.gov.uk")->required();
    cmd->add_option("--site", args->site, "Where the kiosk stands, recorded on each response, e.g. \"Kentish Town Library\"")
        ->required();
    cmd->add_option("--mode", args->mode, "kiosk (unattended) or assisted (an outreach worker's tablet); default: leave as it is")
        ->check(CLI::IsMember({"kiosk", "assisted"}));
    auto* token_opt = cmd->add_option(
        "--token", args->token,
        "This kiosk's token from `fieldkiosk-server add-kiosk NAME`. It is then visible to other users (ps) and kept "
        "in shell history: prefer FIELDKIOSK_TOKEN=... or --token-file-in");
    cmd->add_option("--token-file-in", args->token_file_in, "Read the token from this file (its first line)")
        ->excludes(token_opt);
    cmd->add_option("--token-file", args->token_file, "Where the kiosk keeps its token (written with mode 0600)")
        ->capture_default_str();
    cmd->add_option("--config", args->config, "The kiosk's settings file to write or update")->capture_default_str();
    cmd->add_flag("--pin-stdin", args->pin_stdin,
                  "Read the admin PIN from standard input (first line; a second line, if any, must match) instead of "
                  "asking on the terminal");
    auto* keep =
        cmd->add_flag("--keep-pin", args->keep_pin, "Leave the admin PIN in the settings file as it is (re-provisioning)");
    keep->excludes(cmd->get_option("--pin-stdin"));
    cmd->add_option("--ca-file", args->ca_file,
                    "PEM file of certificate authorities to trust instead of the system's (also "
                    "written as [sync] ca_file)");
    cmd->add_option("--timeout", args->timeout, "Seconds to wait for the server to connect (the check)")
        ->capture_default_str()
        ->check(CLI::Range(1, 120));
    cmd->add_flag("--no-check", args->no_check, "Do not contact the server");
    cmd->add_flag("--dry-run", args->dry_run, "Print what would be written (token and PIN hash masked); write nothing");
    cmd->footer(
        "The token comes from --token-file-in, else the environment variable FIELDKIOSK_TOKEN, else --token.\n"
        "PIN rules: 4-12 digits; not one digit repeated (0000), not consecutive (1234, 9876), not a repeated group\n"
        "(1212), not a year (19xx, 20xx), not a keypad line (2580).\n"
        "Everything is checked before anything is written. The settings file keeps every other setting and comment;\n"
        "the previous one is kept as FILE.bak. As root, when the user 'fieldkiosk' exists (the kiosk package makes it),\n"
        "the token file is owned by it (mode 0600) and the settings file is root:fieldkiosk (mode 0640).\n"
        "Exit status: 0 provisioned (and the server took the token, unless --no-check); 1 a file could not be read\n"
        "(the settings file, --token-file-in), edited safely, or written: nothing written; 2 bad command line, PIN\n"
        "or token (missing, empty); 3 written, but the server could not be reached (it is used once it can);\n"
        "4 the server refused the token: nothing written; 5 written, but the server answered wrongly (TLS not\n"
        "verified, not a fieldkiosk server, server error).");

    return [args, &in, &out, &err]() -> int { return run_provision(*args, in, out, err); };
}

}  // namespace fieldkiosk::tools
