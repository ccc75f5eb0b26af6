// fieldkiosk::kiosk::ui icons — drawn by the project with ImDrawList (no image files, no licences to track).
#pragma once

#include <imgui.h>

#include <string_view>

namespace fieldkiosk::kiosk::ui {

// A survey's tile icon inside the square (min, max), drawn in `col`: food (a bowl), safety (a shield),
// youth (a rising star), anything else (a clipboard).
void draw_survey_icon(ImDrawList* dl, ImVec2 min, ImVec2 max, std::string_view survey_id, ImU32 col);
// A face for ordered answers: level 0 = very happy ... levels-1 = very unhappy.
void draw_face(ImDrawList* dl, ImVec2 center, float radius, int level, int levels, ImU32 line, ImU32 fill);
void draw_globe(ImDrawList* dl, ImVec2 center, float radius, ImU32 col);         // language button
void draw_arrow(ImDrawList* dl, ImVec2 center, float size, int dir, ImU32 col);  // dir: 0 left, 1 right, 2 up, 3 down
void draw_check(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 col);
void draw_backspace(ImDrawList* dl, ImVec2 center, float size, ImU32 col);
void draw_shift(ImDrawList* dl, ImVec2 center, float size, ImU32 col, bool filled);
void draw_clock(ImDrawList* dl, ImVec2 center, float radius, ImU32 col);
// Read aloud: a loudspeaker in a `size` square with `waves` arcs of sound (0..3); the volume buttons' + and -.
void draw_speaker(ImDrawList* dl, ImVec2 center, float size, int waves, ImU32 col);
void draw_plus_minus(ImDrawList* dl, ImVec2 center, float size, bool plus, ImU32 col);

}  // namespace fieldkiosk::kiosk::ui
