// fieldkiosk::kiosk::KioskConfig — every setting of the kiosk, with its default, read from one TOML file.
//
// Index:
//   KioskConfig    the settings (docs/kiosk_config.md documents each one; installer/fieldkiosk.toml is an example)
//   ConfigResult   a config plus what was wrong with the file, for the operator
//   load_config    never fails: a missing or broken file gives the safe defaults and a clear message
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

    // [display]
    bool fullscreen = true;
    int window_width = 1080, window_height = 1920;  // when not full screen
    float ui_scale = 1.0f;                          // multiplies the automatic scale (resolution and DPI)
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
    } sync;

    // [hours] (kiosk/settings/opening_hours.hpp): outside them the kiosk shows its Closed screen and syncs rarely.
    // Not configured (no [hours] section): always open.
    OpeningHours hours;
};

struct ConfigResult {
    KioskConfig config;
    std::vector<std::string> messages;  // one line each: what was wrong and which default is used instead
    bool file_used = false;             // false: missing or unreadable file, every default applies
};

// Reads `path`. Unknown keys, wrong types and out-of-range values are reported and replaced by defaults.
[[nodiscard]] ConfigResult load_config(const std::filesystem::path& path);
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

}  // namespace fieldkiosk::kiosk
