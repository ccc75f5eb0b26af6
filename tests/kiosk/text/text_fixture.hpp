// One TextLayer over Debian's Noto fonts for the text tests (opening the faces once per suite).
#pragma once

#include "kiosk/text/text_layer.hpp"

#include <memory>

namespace fieldkiosk::testing {

inline kiosk::text::TextLayer& text_layer() {
    static auto layer = std::make_unique<kiosk::text::TextLayer>(kiosk::text::FontSet::default_dirs(""));
    return *layer;
}

}  // namespace fieldkiosk::testing
