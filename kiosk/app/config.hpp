// fieldkiosk::kiosk::KioskConfig — every setting of the kiosk, with its default, read from one TOML file.
//
// Index:
//   KioskConfig    the settings (docs/kiosk_config.md documents each one; installer/fieldkiosk.toml is an example)
//   ConfigResult   a config plus what was wrong with the file, for the operator
//   load_config    never fails: a missing or broken file gives the safe defaults and a clear message
#pragma once

#include "core/answer.hpp"

#include <chrono>
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

    // [admin]
    std::string pin_hash;                   // crypto_pwhash_str() text from `fieldkiosk --hash-pin`; empty: admin locked
    int lockout_after_attempts = 3;         // wrong PINs allowed before a lock-out
    std::chrono::seconds lockout_base{30};  // first lock-out; doubles with each further wrong PIN (max 1 hour)

    // [display]
    bool fullscreen = true;
    int window_width = 1080, window_height = 1920;  // when not full screen
    float ui_scale = 1.0f;                          // multiplies the automatic scale (resolution and DPI)
    std::string font_dir = "/usr/share/fonts/truetype/noto";
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

}  // namespace fieldkiosk::kiosk
