// fieldkiosk — the touch kiosk. Index (in the order main() runs them):
//   parse_flags()       the command line
//   hash_pin_command()  --hash-pin
//   configure()         the settings file, then flags
//   load_content()      surveys and UI strings
//   open_store()        the database (screenshots: a throw-away one)
//   make_loop_sync()    background sync or none, chosen in one place (kiosk/loop_sync.cpp)
//   run_window()        the window, the fonts, the main loop (draw_frame_once()), screenshots
//
// The loop redraws only when something changed: input, an action that changed the state, or a timer the
// app asked for (countdowns, the idle time-out). Otherwise it sleeps in SDL_WaitEventTimeout.
#include "core/default_paths.hpp"
#include "core/loader.hpp"
#include "kiosk/app/app.hpp"
#include "kiosk/loop_sync.hpp"
#include "kiosk/platform/atlas_texture.hpp"
#include "kiosk/platform/audio.hpp"
#include "kiosk/platform/window.hpp"
#include "kiosk/screens/screens.hpp"
#include "kiosk/settings/pin.hpp"
#include "kiosk/text/text_layer.hpp"
#include "kiosk/widgets/widgets.hpp"
#include "storage/response_store.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <expected>
#include <iostream>
#include <optional>
#include <string>

namespace fs = std::filesystem;
using namespace fieldkiosk;

namespace {

struct Flags {
    std::string config_path, db_path, mode, surveys_dir, audio_dir, windowed, screenshot, go_to, lang, text_size;
    bool hash_pin = false;
    bool high_contrast = false;
};

bool parse_size(const std::string& s, int& w, int& h) {
    const auto x = s.find('x');
    if (x == std::string::npos) return false;
    try {
        w = std::stoi(s.substr(0, x));
        h = std::stoi(s.substr(x + 1));
    } catch (...) { return false; }
    return w >= 320 && h >= 320 && w <= 8192 && h <= 8192;
}

// The exit code when the program should stop here (--help, --version, a bad flag), else nothing.
std::optional<int> parse_flags(int argc, char** argv, Flags& f) {
    CLI::App cli{"fieldkiosk: the touch survey kiosk (docs/kiosk.md, docs/kiosk_config.md)"};
    cli.set_version_flag("--version", std::string("fieldkiosk ") + FIELDKIOSK_VERSION);
    cli.add_option(
        "--config", f.config_path,
        "Settings file (TOML); default: $XDG_CONFIG_HOME/fieldkiosk/fieldkiosk.toml, then /etc/fieldkiosk/fieldkiosk.toml");
    cli.add_option("--db", f.db_path, "Database file (default: " + storage::default_database_path().string() + ")");
    cli.add_option("--mode", f.mode, "kiosk (unattended) or assisted (outreach worker)")
        ->check(CLI::IsMember({"kiosk", "assisted"}));
    cli.add_option("--surveys", f.surveys_dir,
                   "Folder of survey definitions (default: " + core::default_surveys_dir().string() + ")");
    cli.add_option("--audio", f.audio_dir,
                   "Folder of read-aloud audio made by `fieldkiosk-ctl voice` (default: the surveys folder's audio/); "
                   "recorded audio in the assets folder's audio/ is played first");
    cli.add_option("--windowed", f.windowed, "Open a window of WxH pixels instead of full screen, e.g. 1080x1920");
    cli.add_option("--screenshot", f.screenshot, "Render one screen (see --goto) to this PNG file and exit");
    cli.add_option("--goto", f.go_to,
                   "Screen for --screenshot: attract, language, consent, question:SURVEY:NAME[:CHOICE], thanks, start_again, "
                   "idle, admin, admin:panel, drafts, save_failed, closed");
    cli.add_option("--lang", f.lang,
                   "The language the kiosk starts in (default: [kiosk] default_language), e.g. bn, ar, zh-Hans; with "
                   "--screenshot, the language of the rendered screen");
    cli.add_option("--text-size", f.text_size, "Text size for --screenshot, as a resident would choose it")
        ->check(CLI::IsMember({"standard", "larger", "largest"}));
    cli.add_flag("--high-contrast", f.high_contrast, "High-contrast colours for --screenshot, as a resident would choose them");
    cli.add_flag("--hash-pin", f.hash_pin, "Read an admin PIN from standard input and print the hash for admin.pin_hash");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) { return cli.exit(e); }
    // --goto puts the app on any screen, the unlocked admin panel included: only for screenshots.
    if (!f.go_to.empty() && f.screenshot.empty()) {
        std::cerr << "fieldkiosk: --goto is only for --screenshot (it would skip the admin PIN)\n";
        return 2;
    }
    if ((!f.text_size.empty() || f.high_contrast) && f.screenshot.empty()) {
        std::cerr << "fieldkiosk: --text-size and --high-contrast are only for --screenshot (residents choose them with Aa)\n";
        return 2;
    }
    if (!f.screenshot.empty() && f.go_to.empty()) f.go_to = "attract";
    return std::nullopt;
}

int hash_pin_command() {
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

// The settings file, then flags. Fails with an exit code when a flag is malformed.
std::expected<kiosk::KioskConfig, int> configure(const Flags& f) {
    kiosk::ConfigResult cfg;
    const fs::path cfg_file = f.config_path.empty() ? kiosk::default_config_path() : fs::path(f.config_path);
    // A copy of the last settings file that read is kept in the kiosk's data folder (the kiosk's user cannot
    // write beside /etc/fieldkiosk/fieldkiosk.toml): a typo then falls back to it, and the PIN keeps working.
    // Screenshots neither keep nor need one.
    const fs::path last_good = f.screenshot.empty() && !cfg_file.empty()
                                   ? kiosk::last_good_copy_path(storage::default_database_path().parent_path(), cfg_file)
                                   : fs::path{};
    if (!cfg_file.empty()) cfg = kiosk::load_config(cfg_file, last_good);
    for (const auto& m : cfg.messages) std::cerr << "fieldkiosk: config: " << m << "\n";
    kiosk::KioskConfig config = cfg.config;
    if (!f.mode.empty()) config.mode = *core::mode_from_string(f.mode);
    if (!f.surveys_dir.empty()) config.surveys_dir = f.surveys_dir;
    if (!f.lang.empty()) config.default_language = f.lang;
    if (!f.db_path.empty()) config.database = f.db_path;
    if (!f.windowed.empty()) {
        if (!parse_size(f.windowed, config.window_width, config.window_height)) {
            std::cerr << "fieldkiosk: --windowed wants WIDTHxHEIGHT, e.g. 1080x1920 (each 320..8192)\n";
            return std::unexpected(2);
        }
        config.fullscreen = false;
    }
    return config;
}

struct Content {
    std::vector<core::SurveyPtr> surveys;  // shipped: every valid survey in the surveys folder
    kiosk::Strings strings;
    fs::path assets;      // UI strings; recorded read-aloud audio under audio/
    fs::path audio_root;  // what `fieldkiosk-ctl voice` made (--audio, else the surveys folder's audio/)
};

Content load_content(const kiosk::KioskConfig& config, const Flags& flags) {
    Content c;
    const fs::path sdir = config.surveys_dir.empty() ? core::default_surveys_dir() : fs::path(config.surveys_dir);
    const fs::path paths[] = {sdir};
    auto catalog = core::load_paths(paths);
    for (const auto& d : catalog.diagnostics) std::cerr << "fieldkiosk: survey: " << d.to_string() << "\n";
    if (catalog.surveys.empty()) std::cerr << "fieldkiosk: no valid survey in " << sdir.string() << "\n";
    c.surveys = std::move(catalog.surveys);
    const fs::path assets = config.assets_dir.empty() ? kiosk::default_assets_dir() : fs::path(config.assets_dir);
    std::vector<std::string> string_errors;
    c.strings = kiosk::Strings::load(assets / "strings", string_errors);
    for (const auto& e : string_errors) std::cerr << "fieldkiosk: strings: " << e << "\n";
    c.assets = assets;
    c.audio_root = flags.audio_dir.empty() ? sdir / "audio" : fs::path(flags.audio_dir);
    return c;
}

// Screenshots use a throw-away database (removed when this goes) unless --db is given.
struct StorePlace {
    fs::path db;
    fs::path scratch;
    StorePlace(const kiosk::KioskConfig& config, bool shot) {
        db = config.database.empty() ? storage::default_database_path() : fs::path(config.database);
        if (shot && config.database.empty()) {
            scratch = fs::temp_directory_path() / ("fieldkiosk-screenshot-" + std::to_string(::getpid()));
            db = scratch / "kiosk.db";
        }
    }
    StorePlace(const StorePlace&) = delete;
    StorePlace& operator=(const StorePlace&) = delete;
    ~StorePlace() {
        std::error_code ec;
        if (!scratch.empty()) fs::remove_all(scratch, ec);
    }
};

// FIELDKIOSK_STARTUP_TIMING=1: cold start to first frame, for docs/kiosk.md, and where it went (one line a phase,
// "startup: <phase> at <ms>", for docs/performance.md).
bool startup_timing() {
    static const bool on = [] {
        const char* e = std::getenv("FIELDKIOSK_STARTUP_TIMING");
        return e != nullptr && *e == '1';
    }();
    return on;
}

void startup_phase(std::chrono::steady_clock::time_point process_start, const char* phase) {
    if (startup_timing())
        std::cerr << "fieldkiosk: startup: " << phase << " at "
                  << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - process_start).count()
                  << " ms\n";
}

void report_startup_time(std::chrono::steady_clock::time_point process_start) {
    if (startup_timing())
        std::cerr << "fieldkiosk: first frame after "
                  << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - process_start).count()
                  << " ms\n";
}

struct Loop {
    kiosk::App& app;
    kiosk::LoopSync& sync;
    kiosk::platform::Window& win;
    const kiosk::KioskConfig& config;
    bool shot;
    ImVec2 fonts_for;
    kiosk::text::TextLayer& text;  // shaped text (docs/text.md) and its glyph texture
    kiosk::platform::AtlasTexture& glyphs;
    int redraw = 2;
    std::chrono::steady_clock::time_point process_start;  // the first frame's phases (FIELDKIOSK_STARTUP_TIMING)
    bool first = true;
};

// ImGui's font atlas, made (setup_theme() added its fonts) and uploaded; then the CPU copies are dropped: the
// atlas's pixels and the fonts' TTF bytes (2.5 MB) are not needed until the next rebuild, which adds the fonts
// again from their files.
void upload_fonts(kiosk::platform::Window& win) {
    win.fonts_changed();
    ImGui::GetIO().Fonts->ClearTexData();
    ImGui::GetIO().Fonts->ClearInputData();
}

// One pass of the main loop: events, sync, time, fonts after a rotation or a new text size, drawing, the
// frame's actions. Returns false when the loop should end.
bool draw_frame_once(Loop& l) {
    bool input = false;
    const auto wait = (l.redraw > 0 || l.shot) ? std::chrono::milliseconds{0} : l.app.next_wakeup();
    bool running = l.win.pump(wait, input);
    if (input) l.redraw = std::max(l.redraw, 2);
    if (l.sync.frame(l.app)) l.redraw = std::max(l.redraw, 2);
    if (!l.shot) l.app.tick();  // what time did while we slept shows on this very frame
    const kiosk::ViewModel vm = l.app.view();
    ImGuiIO& io = ImGui::GetIO();
    const ImVec2 now_size = l.win.size();
    // Rotated, resized, or the resident chose another text size: the atlas is made again at the new sizes
    // (the text layer's shaped text follows, as it takes its sizes from these fonts).
    const float text_scale = kiosk::ui::k_text_scales[vm.display.text_size];
    if (now_size.x != l.fonts_for.x || now_size.y != l.fonts_for.y || text_scale != kiosk::ui::theme().text_scale) {
        l.fonts_for = now_size;
        (void)kiosk::ui::setup_theme(io, kiosk::ui::ui_scale_for(now_size, l.win.px_per_9mm(), l.config.ui_scale),
                                     l.config.font_dir, text_scale);
        upload_fonts(l.win);
    }
    l.win.begin_frame();
    ImGui::NewFrame();
    if (l.first) startup_phase(l.process_start, "first frame: new frame");
    const std::uint32_t atlas_generation = l.text.atlas().generation();
    auto actions = kiosk::ui::draw_frame(vm);
    ImGui::Render();
    if (l.first) startup_phase(l.process_start, "first frame: screens drawn (text shaped, glyphs rasterised)");
    // The glyphs this frame rasterised go to the GPU before it draws them.
    auto& atlas = l.text.atlas();
    const auto dirty = atlas.dirty();
    l.glyphs.upload(atlas.pixels(), atlas.width(), atlas.height(), dirty.x0, dirty.y0, dirty.x1, dirty.y1);
    atlas.mark_clean();
    if (l.first) startup_phase(l.process_start, "first frame: glyph texture uploaded");
    // The atlas grew or started again while drawing: quads made before that point at old places; draw again.
    if (atlas.generation() != atlas_generation) l.redraw = std::max(l.redraw, 2);
    l.win.end_frame();
    if (l.first) startup_phase(l.process_start, "first frame: GL drawn and swapped");
    l.first = false;
    // What this frame's taps changed (the app's state, or a widget's own: Shift, the accent layer) shows on
    // the next frames. Holding a finger still (Activity, CornerHeld every frame) needs no redraw of its own:
    // the app's timers wake the loop when the hold matters.
    const bool changed = kiosk::ui::frame_needs_redraw(actions);
    if (!l.shot) l.app.apply_all(actions);
    if (changed) l.redraw = std::max(l.redraw, 2);
    if (l.redraw > 0) --l.redraw;
    if (l.app.quit_requested()) running = false;
    return running;
}

// Read aloud through the sound card (docs/read_aloud.md): the App's SpeechPort over the SDL2 audio player.
class AudioSpeech final : public kiosk::SpeechPort {
public:
    explicit AudioSpeech(std::unique_ptr<kiosk::platform::AudioPlayer> player) : m_player(std::move(player)) {}
    std::expected<void, std::string> play(const std::vector<fs::path>& files) override { return m_player->play(files); }
    void stop() override { m_player->stop(); }
    void set_volume(float volume) override { m_player->set_volume(volume); }
    [[nodiscard]] bool playing() const override { return m_player->playing(); }

private:
    std::unique_ptr<kiosk::platform::AudioPlayer> m_player;
};

// Screenshots: the speaker shows where audio exists, and nothing plays.
class SilentSpeech final : public kiosk::SpeechPort {
public:
    std::expected<void, std::string> play(const std::vector<fs::path>& /*files*/) override { return {}; }
    void stop() override {}
    void set_volume(float /*volume*/) override {}
    [[nodiscard]] bool playing() const override { return false; }
};

// The window, the fonts, sync, the main loop; a screenshot after a few frames. Returns the exit code.
int run_window(kiosk::App& app, kiosk::LoopSync& sync, const kiosk::KioskConfig& config, const Flags& flags,
               const Content& content, std::chrono::steady_clock::time_point process_start) {
    const bool shot = !flags.screenshot.empty();
    kiosk::platform::WindowOptions wo;
    wo.fullscreen = config.fullscreen && !shot;
    wo.width = config.window_width;
    wo.height = config.window_height;
    wo.offscreen = shot;
    wo.on_phase = [process_start](const char* step) { startup_phase(process_start, (std::string("window: ") + step).c_str()); };
    auto window = kiosk::platform::Window::create(wo);
    if (!window) {
        std::cerr << "fieldkiosk: " << window.error() << "\n";
        return 1;
    }
    auto& win = **window;
    ImGuiIO& io = ImGui::GetIO();
    kiosk::text::TextLayer text(kiosk::text::FontSet::default_dirs(config.font_dir));
    kiosk::platform::AtlasTexture glyphs;
    Loop loop{app, sync, win, config, shot, win.size(), text, glyphs, 2, process_start};
    startup_phase(process_start, "text layer");
    if (!kiosk::ui::setup_theme(io, kiosk::ui::ui_scale_for(loop.fonts_for, win.px_per_9mm(), config.ui_scale), config.font_dir))
        std::cerr << "fieldkiosk: Noto Sans not found in " << config.font_dir
                  << " (install fonts-noto-core); using the built-in font\n";
    // Without Noto Sans the shaped text has no Latin face either: ImGui's atlas draws what it can.
    if (text.loaded()) kiosk::ui::set_text_layer(&text, glyphs.id());
    startup_phase(process_start, "ImGui fonts added");
    upload_fonts(win);  // rasterised and uploaded now, not inside the first frame's backend set-up
    startup_phase(process_start, "ImGui fonts rasterised and uploaded");
    struct Unset {
        ~Unset() { kiosk::ui::set_text_layer(nullptr, nullptr); }
    } unset_text_layer;
    // Read aloud: the sound card if there is one; without one there is no speaker button (never a silent one).
    SilentSpeech silent;
    std::unique_ptr<AudioSpeech> audio;
    if (shot) {
        app.set_speech(&silent, content.assets, content.audio_root);
    } else if (auto player = kiosk::platform::AudioPlayer::open(); player) {
        audio = std::make_unique<AudioSpeech>(std::move(*player));
        app.set_speech(audio.get(), content.assets, content.audio_root);
    } else {
        std::cerr << "fieldkiosk: read aloud is off: " << player.error() << "\n";
    }
    struct UnsetSpeech {  // before the player closes
        kiosk::App& app;
        ~UnsetSpeech() { app.set_speech(nullptr, {}, {}); }
    } unset_speech{app};
    sync.start(app);
    startup_phase(process_start, "speech and sync");
    int exit_code = 0;
    int frames_left = shot ? 3 : -1;  // a few frames so every window has its size
    for (bool running = true, first = true; running; first = false) {
        running = draw_frame_once(loop);
        if (first) report_startup_time(process_start);
        if (shot && --frames_left <= 0) {
            if (auto r = win.screenshot(flags.screenshot); !r) {
                std::cerr << "fieldkiosk: " << r.error() << "\n";
                exit_code = 1;
            }
            running = false;
        }
    }
    sync.stop(app);
    if (!shot) app.shutdown();  // a walk cut by a restart counts a drop-off (or keeps a draft)
    if (app.unsaved_count() > 0)
        std::cerr << "fieldkiosk: WARNING: " << app.unsaved_count() << " completed response(s) could not be saved before exit\n";
    return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    const auto process_start = std::chrono::steady_clock::now();
    Flags flags;
    if (auto done = parse_flags(argc, argv, flags)) return *done;
    if (flags.hash_pin) return hash_pin_command();
    auto config = configure(flags);
    if (!config) return config.error();
    const bool shot = !flags.screenshot.empty();
    startup_phase(process_start, "flags and config");
    const Content content = load_content(*config, flags);
    startup_phase(process_start, "surveys and strings");
    if (!flags.lang.empty() && !content.strings.has_language(flags.lang)) {
        std::cerr << "fieldkiosk: --lang " << flags.lang << ": the kiosk has no words in that language (assets/strings has "
                  << "no " << flags.lang << ".json)\n";
        return 2;
    }

    const StorePlace place(*config, shot);
    core::SystemClock clock;
    core::SystemRng rng;
    auto store = storage::ResponseStore::open(place.db, clock);
    if (!store) {
        std::cerr << "fieldkiosk: cannot open the database " << place.db.string() << ": " << store.error().message
                  << "\n(no response can be kept safely, so the kiosk does not start; use --db PATH or fix the folder)\n";
        return 1;
    }
    kiosk::ResponseStorePort port(*store);
    startup_phase(process_start, "database");

    // Sync: [sync] server_url set, and a token file only its owner can read (never for screenshots).
    // Survey updates downloaded earlier (docs/kiosk.md, "Survey updates") survive a restart.
    const auto sync = kiosk::make_loop_sync(*config, place.db, shot, clock);
    kiosk::App app(*config, sync->start_surveys(content.surveys), port, content.strings, clock, rng);
    if (!flags.go_to.empty())
        if (auto r = app.go_to(flags.go_to); !r) {
            std::cerr << "fieldkiosk: --goto " << flags.go_to << ": " << r.error() << "\n";
            return 2;
        }
    if (!flags.text_size.empty())
        app.apply(kiosk::act::SetTextSize{flags.text_size == "largest" ? 2 : flags.text_size == "larger" ? 1 : 0});
    if (flags.high_contrast) app.apply(kiosk::act::SetHighContrast{true});
    startup_phase(process_start, "app");
    return run_window(app, *sync, *config, flags, content, process_start);
}
