// The text layer for headless UI tests (ui_rtl_test.cpp, ui_read_aloud_test.cpp): with it, Arabic is shaped and
// right-to-left frames are mirrored, as in the kiosk; the texture id is never drawn.
#pragma once

#include "kiosk/text/text_layer.hpp"
#include "kiosk/widgets/widgets.hpp"

#include <cstdint>

namespace fieldkiosk::testing {

inline kiosk::text::TextLayer& test_text_layer() {
    static kiosk::text::TextLayer l(kiosk::text::FontSet::default_dirs(""));
    return l;
}

// Sets the layer for a scope.
struct TextLayerOn {
    TextLayerOn() { kiosk::ui::set_text_layer(&test_text_layer(), reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(1))); }
    ~TextLayerOn() { kiosk::ui::set_text_layer(nullptr, nullptr); }
    TextLayerOn(const TextLayerOn&) = delete;
    TextLayerOn& operator=(const TextLayerOn&) = delete;
};

}  // namespace fieldkiosk::testing
