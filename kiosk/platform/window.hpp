// fieldkiosk::kiosk::platform::Window — the only code that touches SDL2, OpenGL and imgui_impl_*.
// One window with an OpenGL 3 context and the Dear ImGui context; an event pump that sleeps in
// SDL_WaitEventTimeout (so an idle kiosk costs ~0 CPU); presenting; and screenshots to PNG that render
// into an off-screen framebuffer of exactly the requested size (so a portrait window taller than the
// X screen still captures completely).
#pragma once

#include <imgui.h>

#include <chrono>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace fieldkiosk::kiosk::platform {

struct WindowOptions {
    bool fullscreen = true;
    int width = 1080, height = 1920;  // windowed size
    bool offscreen = false;           // screenshots: draw into a framebuffer object of width x height
    std::string title = "fieldkiosk";
    // Called after each step of create() with its name ("SDL video", "GL context", ...): start-up timing
    // (FIELDKIOSK_STARTUP_TIMING, docs/performance.md). May be empty.
    std::function<void(const char*)> on_phase;
};

// Wakes Window::pump() out of SDL_WaitEventTimeout by pushing an SDL user event. Thread-safe (SDL_PushEvent
// is): background threads, e.g. the sync engine's on_status hook, call it after posting a result. Does
// nothing harmful when no window exists; stop background threads before the Window is destroyed anyway.
void wake_main_loop();

class Window {
public:
    // Creates the SDL window, the GL context and the ImGui context (with its SDL2 + OpenGL3 backends).
    [[nodiscard]] static std::expected<std::unique_ptr<Window>, std::string> create(const WindowOptions& options);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    [[nodiscard]] ImVec2 size() const;       // the drawing size in pixels
    [[nodiscard]] float px_per_9mm() const;  // from the display's DPI; 0 if SDL does not know it

    // Sleeps until an event arrives or `timeout` passes (0: does not sleep), feeding every event to ImGui.
    // Returns false once the window was closed (or SIGINT/SIGTERM).
    [[nodiscard]] bool pump(std::chrono::milliseconds timeout, bool& had_input);
    void begin_frame();  // backends' NewFrame; then the caller calls ImGui::NewFrame()
    void end_frame();    // ImGui::Render() has been called: draws it and presents (or fills the framebuffer)
    // Uploads io.Fonts (building it first if needed) as the texture ImGui draws its text with; call it after
    // the fonts were added or rebuilt (start, rotation, a new text size).
    void fonts_changed();
    // Writes the last frame as an RGB PNG (offscreen windows only, or the back buffer otherwise).
    [[nodiscard]] std::expected<void, std::string> screenshot(const std::filesystem::path& png);

private:
    Window() = default;
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace fieldkiosk::kiosk::platform
