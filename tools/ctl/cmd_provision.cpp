// fieldkiosk-ctl provision: sets a kiosk up in one step — admin PIN, site, server and token — and checks that
// the server takes the token (docs/kiosk_config.md, "Provisioning").
//
// Index:
//   exit codes          k_exit_unreachable, k_exit_refused, k_exit_unverified (0, 1, 2 as every verb):
//                       provision_steps.hpp, with the steps in their own files (PIN input: provision_pin.cpp;
//                       files: provision_files.cpp; the server check: provision_server.cpp)
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
#include "tools/ctl/commands.hpp"
#include "tools/ctl/common.hpp"
#include "tools/ctl/provision.hpp"
#include "tools/ctl/provision_steps.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
using namespace provision;  // the steps (provision_steps.hpp)

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

struct Settings {        // the settings file before provisioning
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
        << describe_owner(o.config.value_or(o.me)) << (st.existed ? "; previous kept as " + i.config_path.string() + ".bak" : "")
        << "), PIN hash masked:\n"
        << (shown ? *shown : std::string("(cannot be shown)\n"));
}

// 6. The files: the token first (the settings point at it). k_exit_ok, or k_exit_invalid with the reason on `err`.
int write_files(const Args& a, const Inputs& i, const Settings& st, const Owners& o, const std::string& after, std::ostream& out,
                std::ostream& err) {
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
        << "; [sync] server_url, token_file" << (a.ca_file.empty() ? "" : ", ca_file") << (a.keep_pin ? "" : "; [admin] pin_hash")
        << "\n";
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
