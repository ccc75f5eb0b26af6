// fieldkiosk — the touch kiosk. Index: flags, configuration, surveys, store, the main loop, screenshots.
//
// The loop redraws only when something changed: input, an action that changed the state, or a timer the
// app asked for (countdowns, the idle time-out). Otherwise it sleeps in SDL_WaitEventTimeout.
#include "core/default_paths.hpp"
#include "core/loader.hpp"
#include "kiosk/app/app.hpp"
#include "kiosk/platform/window.hpp"
#include "kiosk/screens/screens.hpp"
#include "kiosk/settings/pin.hpp"
#include "storage/response_store.hpp"
#if FIELDKIOSK_KIOSK_WITH_SYNC
#include "kiosk/sync/sync_bridge.hpp"
#endif

#include <CLI/CLI.hpp>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace fs = std::filesystem;
using namespace fieldkiosk;

namespace {

bool parse_size(const std::string& s, int& w, int& h) {
    const auto x = s.find('x');
    if (x == std::string::npos) return false;
    try {
        w = std::stoi(s.substr(0, x));
        h = std::stoi(s.substr(x + 1));
    } catch (...) { return false; }
    return w >= 320 && h >= 320 && w <= 8192 && h <= 8192;
}

}  // namespace

int main(int argc, char** argv) {
    const auto process_start = std::chrono::steady_clock::now();
    CLI::App cli{"fieldkiosk: the touch survey kiosk (docs/kiosk.md, docs/kiosk_config.md)"};
    cli.set_version_flag("--version", std::string("fieldkiosk ") + FIELDKIOSK_VERSION);
    std::string config_path, db_path, mode, surveys_dir, windowed, screenshot, go_to;
    bool hash_pin_flag = false;
    cli.add_option(
        "--config", config_path,
        "Settings file (TOML); default: $XDG_CONFIG_HOME/fieldkiosk/fieldkiosk.toml, then /etc/fieldkiosk/fieldkiosk.toml");
    cli.add_option("--db", db_path, "Database file (default: " + storage::default_database_path().string() + ")");
    cli.add_option("--mode", mode, "kiosk (unattended) or assisted (outreach worker)")
        ->check(CLI::IsMember({"kiosk", "assisted"}));
    cli.add_option("--surveys", surveys_dir,
                   "Folder of survey definitions (default: " + core::default_surveys_dir().string() + ")");
    cli.add_option("--windowed", windowed, "Open a window of WxH pixels instead of full screen, e.g. 1080x1920");
    cli.add_option("--screenshot", screenshot, "Render one screen (see --goto) to this PNG file and exit");
    cli.add_option("--goto", go_to,
                   "Screen for --screenshot: attract, language, consent, question:SURVEY:NAME[:CHOICE], thanks, idle, admin, "
                   "admin:panel, drafts, save_failed, closed");
    cli.add_flag("--hash-pin", hash_pin_flag, "Read an admin PIN from standard input and print the hash for admin.pin_hash");
    CLI11_PARSE(cli, argc, argv);
    // --goto puts the app on any screen, the unlocked admin panel included: only for screenshots.
    if (!go_to.empty() && screenshot.empty()) {
        std::cerr << "fieldkiosk: --goto is only for --screenshot (it would skip the admin PIN)\n";
        return 2;
    }

    if (hash_pin_flag) {
        std::string pin;
        std::getline(std::cin, pin);
        // The same rule as `fieldkiosk-ctl provision`: this flag used to take any 4+ digits (0000, 1234).
        if (auto weak = kiosk::pin_weakness(pin)) {
            std::cerr << "fieldkiosk: the admin PIN " << *weak << "; choose another\n";
            return 2;
        }
        auto h = kiosk::hash_pin(pin);
        if (!h) {
            std::cerr << "fieldkiosk: " << h.error() << "\n";
            return 1;
        }
        std::cout << *h << "\n";
        return 0;
    }

    // --- configuration: file, then flags ---
    kiosk::ConfigResult cfg;
    const fs::path cfg_file = config_path.empty() ? kiosk::default_config_path() : fs::path(config_path);
    // A copy of the last settings file that read is kept in the kiosk's data folder (the kiosk's user cannot
    // write beside /etc/fieldkiosk/fieldkiosk.toml): a typo then falls back to it, and the PIN keeps working.
    // Screenshots neither keep nor need one.
    const fs::path last_good = screenshot.empty() && !cfg_file.empty()
                                   ? kiosk::last_good_copy_path(storage::default_database_path().parent_path(), cfg_file)
                                   : fs::path{};
    if (!cfg_file.empty()) cfg = kiosk::load_config(cfg_file, last_good);
    for (const auto& m : cfg.messages) std::cerr << "fieldkiosk: config: " << m << "\n";
    kiosk::KioskConfig config = cfg.config;
    if (!mode.empty()) config.mode = *core::mode_from_string(mode);
    if (!surveys_dir.empty()) config.surveys_dir = surveys_dir;
    if (!db_path.empty()) config.database = db_path;
    if (!windowed.empty()) {
        if (!parse_size(windowed, config.window_width, config.window_height)) {
            std::cerr << "fieldkiosk: --windowed wants WIDTHxHEIGHT, e.g. 1080x1920 (each 320..8192)\n";
            return 2;
        }
        config.fullscreen = false;
    }
    const bool shot = !screenshot.empty();
    if (shot && go_to.empty()) go_to = "attract";

    // --- surveys and strings ---
    const fs::path sdir = config.surveys_dir.empty() ? core::default_surveys_dir() : fs::path(config.surveys_dir);
    const fs::path paths[] = {sdir};
    auto catalog = core::load_paths(paths);
    for (const auto& d : catalog.diagnostics) std::cerr << "fieldkiosk: survey: " << d.to_string() << "\n";
    if (catalog.surveys.empty()) std::cerr << "fieldkiosk: no valid survey in " << sdir.string() << "\n";
    const fs::path assets = config.assets_dir.empty() ? kiosk::default_assets_dir() : fs::path(config.assets_dir);
    std::vector<std::string> string_errors;
    const auto strings = kiosk::Strings::load(assets / "strings", string_errors);
    for (const auto& e : string_errors) std::cerr << "fieldkiosk: strings: " << e << "\n";

    // --- the store (screenshots use a throw-away database unless --db is given) ---
    fs::path db = config.database.empty() ? storage::default_database_path() : fs::path(config.database);
    fs::path scratch;
    if (shot && config.database.empty()) {
        scratch = fs::temp_directory_path() / ("fieldkiosk-screenshot-" + std::to_string(::getpid()));
        db = scratch / "kiosk.db";
    }
    core::SystemClock clock;
    core::SystemRng rng;
    auto store = storage::ResponseStore::open(db, clock);
    if (!store) {
        std::cerr << "fieldkiosk: cannot open the database " << db.string() << ": " << store.error().message
                  << "\n(no response can be kept safely, so the kiosk does not start; use --db PATH or fix the folder)\n";
        return 1;
    }
    kiosk::ResponseStorePort port(*store);
    int exit_code = 0;

    // --- sync: [sync] server_url set, and a token file only its owner can read (never for screenshots) ---
#if FIELDKIOSK_KIOSK_WITH_SYNC
    const sync::client::CurlGlobal curl_global;  // curl_global_init once, before the engine's thread starts
    std::string sync_token, sync_problem;
    const bool want_sync = !shot && !config.sync.server_url.empty();
    if (want_sync) {
        if (auto t = kiosk::read_token_file(config.sync.token_file))
            sync_token = std::move(*t);
        else
            sync_problem = t.error();
        if (!sync_problem.empty()) std::cerr << "fieldkiosk: sync is off: " << sync_problem << "\n";
    }
#endif
    // Survey updates downloaded earlier (docs/kiosk.md, "Survey updates") survive a restart. Screenshots
    // show the shipped surveys only.
    std::vector<core::SurveyPtr> start_surveys = catalog.surveys;
#if FIELDKIOSK_KIOSK_WITH_SYNC
    const fs::path survey_downloads = sync::client::default_survey_folder(db);
    if (!shot) {
        auto with = kiosk::with_downloaded(catalog.surveys, survey_downloads);
        for (const auto& p : with.problems) std::cerr << "fieldkiosk: " << p << "\n";
        start_surveys = std::move(with.surveys);
    }
#endif
    {
        kiosk::App app(config, start_surveys, port, strings, clock, rng);
        if (!go_to.empty()) {
            if (auto r = app.go_to(go_to); !r) {
                std::cerr << "fieldkiosk: --goto " << go_to << ": " << r.error() << "\n";
                exit_code = 2;
            }
        }
        kiosk::platform::WindowOptions wo;
        wo.fullscreen = config.fullscreen && !shot;
        wo.width = config.window_width;
        wo.height = config.window_height;
        wo.offscreen = shot;
        std::expected<std::unique_ptr<kiosk::platform::Window>, std::string> window = std::unexpected(std::string("not started"));
        if (exit_code == 0) {
            window = kiosk::platform::Window::create(wo);
            if (!window) {
                std::cerr << "fieldkiosk: " << window.error() << "\n";
                exit_code = 1;
            }
        }
        if (exit_code == 0) {
            auto& win = **window;
            ImGuiIO& io = ImGui::GetIO();
            ImVec2 fonts_for = win.size();
            if (!kiosk::ui::setup_theme(io, kiosk::ui::ui_scale_for(fonts_for, win.px_per_9mm(), config.ui_scale),
                                        config.font_dir))
                std::cerr << "fieldkiosk: Noto Sans not found in " << config.font_dir
                          << " (install fonts-noto-core); using the built-in font\n";
#if FIELDKIOSK_KIOSK_WITH_SYNC
            // The engine: its own thread, its own store connection, one libcurl easy handle made on that
            // thread. It wakes this loop after each status it posts; the loop hands the newest to the app.
            core::SystemRng sync_rng;         // the engine thread's own
            kiosk::KioskHeartbeat heartbeat;  // app version, offered surveys, open/closed: read by the engine's thread
            std::unique_ptr<sync::client::SyncEngine> engine;
            std::int64_t surveys_seen = 0;  // SyncStatus::surveys_updated last acted on
            std::unique_ptr<kiosk::EngineSyncPort> sync_port;
            if (want_sync && sync_problem.empty()) {
                auto options = kiosk::engine_options(config.sync, sync_token, db);
                options.on_status = [] { kiosk::platform::wake_main_loop(); };
                heartbeat.refresh(app);
                options.heartbeat = [&heartbeat] { return heartbeat(); };
                engine = std::make_unique<sync::client::SyncEngine>(
                    std::move(options),
                    [curl = kiosk::curl_options(config.sync)] { return std::make_unique<sync::client::CurlTransport>(curl); },
                    clock, sync_rng);
                sync_port = std::make_unique<kiosk::EngineSyncPort>(*engine);
                app.set_sync(sync_port.get());
                engine->start();
            } else if (shot && !config.sync.server_url.empty()) {
                kiosk::SyncStatusVm off;
                off.off_reason = "Sync is set up (" + config.sync.server_url + ") but does not run while taking a screenshot.";
                app.set_sync_status(off);
            } else if (!sync_problem.empty()) {
                kiosk::SyncStatusVm off;
                off.off_reason = "Sync is off: " + sync_problem + ".";
                app.set_sync_status(off);
            }
#endif
            int frames_left = shot ? 3 : -1;  // a few frames so every window has its size
            int redraw = 2;
            bool first_frame = true;
            bool running = true;
            while (running) {
                bool input = false;
                const auto wait = (redraw > 0 || shot) ? std::chrono::milliseconds{0} : app.next_wakeup();
                running = win.pump(wait, input);
                if (input) redraw = std::max(redraw, 2);
#if FIELDKIOSK_KIOSK_WITH_SYNC
                if (engine) (void)kiosk::hand_over_status(*engine, app, &heartbeat);  // drawn on this very frame
                if (engine && app.sync_status().surveys_updated > surveys_seen) {     // new definitions on disk
                    surveys_seen = app.sync_status().surveys_updated;
                    (void)kiosk::offer_downloaded_surveys(app, catalog.surveys, survey_downloads);  // waits for no respondent
                    redraw = std::max(redraw, 2);
                }
#endif
                const ImVec2 now_size = win.size();
                if (now_size.x != fonts_for.x || now_size.y != fonts_for.y) {  // rotated or resized
                    fonts_for = now_size;
                    (void)kiosk::ui::setup_theme(io, kiosk::ui::ui_scale_for(now_size, win.px_per_9mm(), config.ui_scale),
                                                 config.font_dir);
                    io.Fonts->Build();
                    win.fonts_changed();
                }
                if (!shot) app.tick();  // what time did while we slept shows on this very frame
                win.begin_frame();
                ImGui::NewFrame();
                auto actions = kiosk::ui::draw_frame(app.view());
                ImGui::Render();
                win.end_frame();
                if (first_frame) {  // FIELDKIOSK_STARTUP_TIMING=1: cold start to first frame, for docs/kiosk.md
                    first_frame = false;
                    if (const char* e = std::getenv("FIELDKIOSK_STARTUP_TIMING"); e && *e == '1') {
                        std::cerr
                            << "fieldkiosk: first frame after "
                            << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - process_start).count()
                            << " ms\n";
                    }
                }
                // The atlas is on the GPU now: drop the CPU copies (tens of MB at large sizes).
                if (io.Fonts->TexPixelsAlpha8 != nullptr || io.Fonts->TexPixelsRGBA32 != nullptr) io.Fonts->ClearTexData();
                // What this frame's taps changed (the app's state, or a widget's own: Shift, the accent
                // layer) shows on the next frames. Holding a finger still (Activity, CornerHeld every frame)
                // needs no redraw of its own: the app's timers wake the loop when the hold matters.
                const bool changed = kiosk::ui::frame_needs_redraw(actions);
                if (!shot) app.apply_all(actions);
                if (changed) redraw = std::max(redraw, 2);
                if (redraw > 0) --redraw;
                if (app.quit_requested()) running = false;
                if (shot && --frames_left <= 0) {
                    if (auto r = win.screenshot(screenshot); !r) {
                        std::cerr << "fieldkiosk: " << r.error() << "\n";
                        exit_code = 1;
                    }
                    running = false;
                }
            }
#if FIELDKIOSK_KIOSK_WITH_SYNC
            if (engine) {
                engine->stop();  // waits for a request in flight (bounded by the transport's time-outs)
                app.set_sync(nullptr);
            }
#endif
            if (!shot) app.shutdown();  // a walk cut by a restart counts a drop-off (or keeps a draft)
            if (app.unsaved_count() > 0)
                std::cerr << "fieldkiosk: WARNING: " << app.unsaved_count()
                          << " completed response(s) could not be saved before exit\n";
        }
    }
    if (!scratch.empty()) {
        std::error_code ec;
        fs::remove_all(scratch, ec);
    }
    return exit_code;
}
