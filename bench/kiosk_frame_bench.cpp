// CPU per frame for our code (goal, issue 3: <= 1 ms on the busiest screen at 1920x1080): build the view
// model, lay out and draw every widget through Dear ImGui (NewFrame .. Render: all CPU work), then apply
// the frame's actions and tick. The GPU upload and draw belong to the driver and are not measured here.
// Run: ./build/release/bench/kiosk_frame_bench   (figures in docs/performance.md)
// The *_ar / *_bn / *_en_text cases draw through the text layer (kiosk/text, docs/text.md) as the kiosk does,
// on the test survey tests/kiosk/data/scripts_demo.json (en, ar, bn); *_cold empties the shaped-run cache
// before every frame (the first frame of a screen never seen: every line shaped, every glyph looked up).
#include "core/loader.hpp"
#include "kiosk/app/app.hpp"
#include "kiosk/app/store_port.hpp"
#include "kiosk/screens/screens.hpp"
#include "kiosk/text/text_layer.hpp"
#include "kiosk/widgets/theme.hpp"
#include "kiosk/widgets/widgets.hpp"

#include <benchmark/benchmark.h>
#include <imgui.h>

#include <cstdint>
#include <filesystem>

namespace {

using namespace fieldkiosk;

struct Text {
    const char* lang = nullptr;  // null: no text layer (ImGui's atlas only, as before issue 11)
    bool cold = false;           // empty the shaped-run cache before every frame
};

kiosk::text::TextLayer& text_layer() {
    static kiosk::text::TextLayer layer(kiosk::text::FontSet::default_dirs(""));
    return layer;
}

void BM_Frame(benchmark::State& state, const char* screen, float width, float height, Text text = {}) {
    const std::filesystem::path defs[] = {
        FIELDKIOSK_SURVEY_DEFS_DIR,
        std::filesystem::path(FIELDKIOSK_SURVEY_DEFS_DIR).parent_path() / "tests/kiosk/data/scripts_demo.json"};
    const auto catalog = core::load_paths(defs);
    std::vector<std::string> errors;
    const auto strings = kiosk::Strings::load(std::filesystem::path(FIELDKIOSK_SOURCE_ASSETS_DIR) / "strings", errors);
    const auto dir = std::filesystem::current_path() / "bench-data";
    std::filesystem::create_directories(dir);
    core::SystemClock clock;
    core::SeededRng rng(1);
    auto store = storage::ResponseStore::open(dir / "frame.db", clock);
    if (!store || !errors.empty()) {
        state.SkipWithError("cannot set up the store or the strings");
        return;
    }
    kiosk::ResponseStorePort port(*store);
    kiosk::KioskConfig config;
    if (text.lang) config.default_language = text.lang;
    kiosk::App app(config, catalog.surveys, port, strings, clock, rng);
    if (auto r = app.go_to(screen); !r) {
        state.SkipWithError(r.error().c_str());
        return;
    }
    ImGuiContext* ctx = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    if (!kiosk::ui::setup_theme(io, kiosk::ui::ui_scale_for(io.DisplaySize, 0, 1.0f), "/usr/share/fonts/truetype/noto")) {
        state.SkipWithError("Noto fonts missing (fonts-noto-core)");
        ImGui::DestroyContext(ctx);
        return;
    }
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    if (text.lang) kiosk::ui::set_text_layer(&text_layer(), reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(1)));
    std::size_t vertices = 0;
    for (auto _ : state) {
        if (text.cold) text_layer().shaper().clear_cache();
        io.DeltaTime = 1.0f / 60.0f;
        ImGui::NewFrame();
        auto actions = kiosk::ui::draw_frame(app.view());
        ImGui::Render();
        vertices = static_cast<std::size_t>(ImGui::GetDrawData()->TotalVtxCount);
        app.apply_all(actions);
        app.tick();
    }
    state.counters["vertices"] = static_cast<double>(vertices);
    kiosk::ui::set_text_layer(nullptr, nullptr);
    ImGui::DestroyContext(ctx);
}

BENCHMARK_CAPTURE(BM_Frame, attract_1920x1080, "attract", 1920, 1080)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Frame, ward_long_list_1920x1080, "question:food:ward", 1920, 1080)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Frame, scale_0_10_1920x1080, "question:youth:ons4_life_satisfaction", 1920, 1080)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Frame, write_in_keyboard_1920x1080, "question:food:food_sources:other", 1920, 1080)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Frame, consent_1920x1080, "consent", 1920, 1080)->Unit(benchmark::kMicrosecond);
// Through the text layer: the same write-in keyboard screen (the busiest) in English, Arabic and Bengali.
constexpr const char* k_write_in = "question:scripts_demo:name";
BENCHMARK_CAPTURE(BM_Frame, write_in_keyboard_en_text_1920x1080, k_write_in, 1920, 1080, Text{"en"})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Frame, write_in_keyboard_ar_1920x1080, k_write_in, 1920, 1080, Text{"ar"})->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Frame, write_in_keyboard_bn_1920x1080, k_write_in, 1920, 1080, Text{"bn"})->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Frame, choice_ar_1920x1080, "question:scripts_demo:safe", 1920, 1080, Text{"ar"})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Frame, write_in_keyboard_ar_cold_1920x1080, k_write_in, 1920, 1080, Text{"ar", true})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Frame, write_in_keyboard_bn_cold_1920x1080, k_write_in, 1920, 1080, Text{"bn", true})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
