// fieldkiosk::kiosk::KioskConfig — every setting of the kiosk, with its default, read from one TOML file.
//
// Index:
//   KioskConfig    the settings (docs/kiosk_config.md documents each one; installer/fieldkiosk.toml is an example)
//   ConfigResult   a config plus what was wrong with the file, for the operator
//   load_config    never fails: a broken file gives the last good copy (else the defaults) and a plain message
#pragma once

#include "core/answer.hpp"
#include "kiosk/settings/opening_hours.hpp"

#include <chrono>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace fieldkiosk::kiosk {

struct KioskConfig {
    // [kiosk]
    core::Mode mode = core::Mode::Kiosk;          // kiosk (unattended) or assisted (outreach worker's tablet)
    std::string site;                             // recorded on each response
    std::string worker;                           // assisted mode: recorded on each response
    std::string default_language = "en";          // the attract screen's language; respondents return to it
    bool ask_language = true;                     // show the language screen after a survey is chosen
    std::string database;                         // empty: storage::default_database_path()
    std::string surveys_dir;                      // empty: installed survey_defs, else the source tree's
    std::string assets_dir;                       // empty: installed assets, else the source tree's
    std::vector<std::string> enabled_surveys;     // empty: each survey's own "enabled" flag
    std::string organisation = "Camden Council";  // who collects the data (consent screen)

    // [timing]
    std::chrono::seconds idle_timeout{60};    // no touch for this long -> "Are you still there?"
    std::chrono::seconds idle_countdown{20};  // then the response in progress is wiped (kiosk) or kept (assisted)
    std::chrono::seconds thanks_return{15};   // the thank-you screen returns to the attract screen
    std::chrono::seconds admin_hold{3};       // hold the top-left corner this long to reach the PIN pad
    std::chrono::seconds save_retry{15};      // a failed save is retried this often, in the background
    // After the screen changes (another screen, question, dialog), touches that begin within this time do
    // nothing: the second tap of a double tap must not land on the next screen. Also the least time between
    // two presses of one choice (a double tap on a check box must not tick it and untick it). 0: off.
    std::chrono::milliseconds tap_guard{300};

    // [admin]
    std::string pin_hash;                   // crypto_pwhash_str() text from `fieldkiosk --hash-pin`; empty: admin locked
    int lockout_after_attempts = 3;         // wrong PINs allowed before a lock-out
    std::chrono::seconds lockout_base{30};  // first lock-out; doubles with each further wrong PIN (max 1 hour)

    // [assisted]
    // A draft holds a resident's special-category answers: one not resumed within this time is deleted, at
    // start-up and while the kiosk runs (App::purge_old_drafts), so a lost tablet holds little.
    std::chrono::hours draft_max_age{72};

    // [display]
    bool fullscreen = true;
    int window_width = 1080, window_height = 1920;  // when not full screen
    float ui_scale = 1.0f;                          // multiplies the automatic scale (resolution and DPI)
    bool high_contrast = false;  // the kiosk's own colours: each respondent starts with them, and the Closed screen has them
    std::string font_dir = "/usr/share/fonts/truetype/noto";

    // [sync]
    struct Sync {
        std::string server_url;                            // empty: sync is off (the default)
        std::string token_file = "/etc/fieldkiosk/token";  // the kiosk's bearer token; mode 0600 or stricter
        std::string ca_file;                               // PEM bundle to trust instead of the system's
        std::string pinned_public_key;                     // "sha256//BASE64=" (empty: no pinning)
        std::chrono::seconds period{300};                  // sync this often even when nothing happens
        std::chrono::seconds debounce{3};                  // after a completed response, wait this long first
        int retention_days = 0;                            // > 0: drop sent payloads this many days after the ack
        std::chrono::seconds closed_period{3600};          // outside opening hours, sync this often instead of `period`
        // Set instead of server_url: responses go to an OpenRosa server (ODK Central, KoboToolbox), one
        // submission each (docs/openrosa.md). The file (mode 0600) holds the form's submission URL, which for
        // Central carries the app user's token. openrosa_token_file, optional: a KoboToolbox API token.
        std::string openrosa_url_file;
        std::string openrosa_token_file;
        [[nodiscard]] bool enabled() const { return !server_url.empty() || !openrosa_url_file.empty(); }
    } sync;

    // [hours] (kiosk/settings/opening_hours.hpp): outside them the kiosk shows its Closed screen and syncs rarely.
    // Not configured (no [hours] section): always open.
    OpeningHours hours;

    // Not a setting: what is wrong with the settings file as a whole (it could not be read), in plain words,
    // and what the kiosk uses instead. Shown on the admin screen, PIN pad included. Empty: nothing.
    std::string settings_problem;
};

struct ConfigResult {
    KioskConfig config;
    std::vector<std::string> messages;  // one line each: what was wrong and which default is used instead
    bool file_used = false;             // false: missing or unreadable file, every default applies
    bool broken = false;                // the file could not be read at all (config.settings_problem says why)
    bool used_last_good = false;        // ... and the last good copy (load_config's `last_good`) was used instead
};

// Reads `path`. Unknown keys, wrong types and out-of-range values are reported and replaced by defaults.
// `last_good` (may be empty: none): where a copy of the last file that could be read is kept. A file that
// reads is copied there (mode 0600: it holds the PIN hash) when it changed; a file that cannot be read or
// is not valid TOML is reported in plain words (line, column, section and key) and the copy is used
// instead, so that a typo does not lock staff out (docs/kiosk_config.md, "A broken settings file").
[[nodiscard]] ConfigResult load_config(const std::filesystem::path& path, const std::filesystem::path& last_good = {});
// Where main() keeps the last good copy of `settings`: a file named after its path in `folder` (the
// kiosk's data folder: the kiosk may not write beside /etc/fieldkiosk/fieldkiosk.toml).
[[nodiscard]] std::filesystem::path last_good_copy_path(const std::filesystem::path& folder,
                                                        const std::filesystem::path& settings);
// The same from text (tests); `name` is used in messages.
[[nodiscard]] ConfigResult parse_config(std::string_view toml_text, std::string_view name);

// The settings file used when `fieldkiosk --config` is not given: the first that exists of
// $XDG_CONFIG_HOME/fieldkiosk/fieldkiosk.toml (else ~/.config/fieldkiosk/fieldkiosk.toml) and
// /etc/fieldkiosk/fieldkiosk.toml; empty when none does (the defaults apply).
[[nodiscard]] std::filesystem::path default_config_path();

// Reads the kiosk's sync token from `path` (surrounding white space dropped). Refuses, with a message
// that says what to do, a file that is missing, not a regular file, empty, or readable or writable by
// anyone but its owner (the mode must be 0600 or stricter).
[[nodiscard]] std::expected<std::string, std::string> read_token_file(const std::filesystem::path& path);
// The same for any one-line secret (the OpenRosa submission URL, a KoboToolbox token): messages name the
// file as `what` ("OpenRosa address file") and say how to fill it (`fill`).
[[nodiscard]] std::expected<std::string, std::string> read_secret_file(const std::filesystem::path& path, std::string_view what,
                                                                       std::string_view fill);

}  // namespace fieldkiosk::kiosk
