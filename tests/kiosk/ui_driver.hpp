// Headless UI driver: a Dear ImGui context with no window and no GPU (the font atlas is built in memory,
// nothing is rendered), driven frame by frame. Touches go to the centre of the rectangles the widgets
// recorded in ui::hits() on the previous frame, exactly where a finger would land.
#pragma once

#include "kiosk/app/app.hpp"
#include "kiosk/screens/screens.hpp"
#include "tests/support/fake_clock.hpp"

#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace fieldkiosk::testing {

class UiDriver {
public:
    UiDriver(kiosk::App& app, FakeClock& clock, ImVec2 size) : m_app(app), m_clock(clock) {
        m_ctx = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = size;
        build_fonts(1.0f);
        io.MousePos = {-1, -1};
        frame();
    }
    ~UiDriver() { ImGui::DestroyContext(m_ctx); }
    UiDriver(const UiDriver&) = delete;
    UiDriver& operator=(const UiDriver&) = delete;

    // One frame: draw from the view model, apply the actions after it, let time act.
    void frame() {
        ImGuiIO& io = ImGui::GetIO();
        io.DeltaTime = 1.0f / 60.0f;
        const kiosk::ViewModel vm = m_app.view();
        // The resident chose another text size: the atlas is made again, as kiosk/main.cpp does.
        const float text_scale = kiosk::ui::k_text_scales[vm.display.text_size];
        if (text_scale != kiosk::ui::theme().text_scale) build_fonts(text_scale);
        ImGui::NewFrame();
        auto actions = kiosk::ui::draw_frame(vm);
        ImGui::Render();
        needs_redraw = kiosk::ui::frame_needs_redraw(actions);  // what kiosk/main.cpp asks after each frame
        frame_actions += actions.size();
        m_app.apply_all(actions);
        m_app.tick();
        m_clock.advance(std::chrono::milliseconds{16});
    }

    [[nodiscard]] bool has(std::string_view id) const { return kiosk::ui::hits().find(id).has_value(); }

    // Frames until the tap guard after a page change is over, as a resident reads before touching.
    void settle() {
        for (int i = 0; i < 200 && m_app.view().input_guard; ++i) frame();
    }

    // A tap: (once the screen has settled) finger down on the widget's centre, up again, then a frame to
    // show the result. Returns false (with a test failure listing what is on screen) if no widget has that id.
    bool tap(std::string_view id) {
        settle();
        const auto r = find(id);
        if (!r) return false;
        const ImVec2 c = r->center();
        taps.push_back({std::string(id), c});
        const float target = kiosk::ui::theme().target;
        EXPECT_GE(r->w(), target - 0.5f) << id << " is narrower than a 9 mm touch target";
        EXPECT_GE(r->h(), target - 0.5f) << id << " is shorter than a 9 mm touch target";
        hover(c);
        press_and_release();
        lift();
        return true;
    }

    // Pages a question's options down ("choices:down") until `id` is on screen, as a resident would; true
    // if it is. Options that fit one page are all on screen already.
    bool show(std::string_view id) {
        for (int i = 0; i < 10 && !has(id) && has("choices:down"); ++i) tap("choices:down");
        return has(id);
    }

    // Two taps on the widget's centre, `gap` apart from press to press, without waiting for the screen to
    // settle in between: a double tap, or a bouncing finger. The second lands on whatever the first brought up.
    bool double_tap(std::string_view id, std::chrono::milliseconds gap) {
        settle();
        const auto r = find(id);
        if (!r) return false;
        hover(r->center());
        const auto first = m_clock.steady_now();
        press_and_release();
        while (m_clock.steady_now() - first < gap) frame();
        press_and_release();
        lift();
        return true;
    }

    // Holds a finger on a point for `ms` of fake time.
    void hold(ImVec2 p, std::chrono::milliseconds ms) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = p;
        io.MouseDown[0] = true;
        for (auto t = std::chrono::milliseconds{0}; t < ms; t += std::chrono::milliseconds{16}) frame();
        io.MouseDown[0] = false;
        frame();
        io.MousePos = {-1, -1};
        frame();
    }

    // Every tap, where it landed: tests/kiosk/xvfb_walk.sh replays a headless walk on the real binary.
    struct Tap {
        std::string id;
        ImVec2 at;
    };
    std::vector<Tap> taps;
    bool fonts_ok = false;
    std::size_t frame_actions = 0;
    bool needs_redraw = false;  // the last frame asked the main loop for another one at once

private:
    void build_fonts(float text_scale) {
        ImGuiIO& io = ImGui::GetIO();
        fonts_ok = kiosk::ui::setup_theme(io, kiosk::ui::ui_scale_for(io.DisplaySize, 0, 1.0f), "/usr/share/fonts/truetype/noto",
                                          text_scale);
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    }

    // The finger over `p`, not touching yet (a frame).
    void hover(ImVec2 p) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = p;
        io.MouseDown[0] = false;
        frame();
    }
    // Finger down for a frame, up for a frame, where it hovers.
    void press_and_release() {
        ImGuiIO& io = ImGui::GetIO();
        io.MouseDown[0] = true;
        frame();
        io.MouseDown[0] = false;
        frame();
    }
    // The finger gone from the screen (a frame).
    void lift() {
        ImGui::GetIO().MousePos = {-1, -1};
        frame();
    }

    std::optional<kiosk::ui::Rect> find(std::string_view id) const {
        auto r = kiosk::ui::hits().find(id);
        if (!r) {
            std::string ids;
            for (const auto& [k, v] : kiosk::ui::hits().all()) ids += k + " ";
            ADD_FAILURE() << "no widget '" << id << "' on screen " << kiosk::to_string(m_app.screen()) << "; there are: " << ids;
        }
        return r;
    }

    kiosk::App& m_app;
    FakeClock& m_clock;
    ImGuiContext* m_ctx = nullptr;
};

// Is `col` the colour of some vertex the last frame drew? (How the UI tests see a theme's colours in use.)
inline bool drawn_in(ImU32 col) {
    const ImDrawData* d = ImGui::GetDrawData();
    for (int i = 0; d != nullptr && i < d->CmdListsCount; ++i)
        for (const ImDrawVert& v : d->CmdLists[i]->VtxBuffer)
            if (v.col == col) return true;
    return false;
}

}  // namespace fieldkiosk::testing
