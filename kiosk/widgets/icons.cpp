#include "kiosk/widgets/icons.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace fieldkiosk::kiosk::ui {
namespace {
constexpr float k_pi = std::numbers::pi_v<float>;
ImVec2 at(ImVec2 min, float s, float x, float y) { return {min.x + s * x, min.y + s * y}; }  // x, y in 0..1
}  // namespace

void draw_survey_icon(ImDrawList* dl, ImVec2 min, ImVec2 max, std::string_view id, ImU32 col) {
    const float s = std::min(max.x - min.x, max.y - min.y);
    const float lw = std::max(2.0f, s * 0.06f);
    if (id == "food") {  // a bowl with steam
        dl->PathArcTo(at(min, s, 0.5f, 0.5f), s * 0.36f, 0.0f, k_pi, 32);
        dl->PathFillConvex(col);
        dl->AddRectFilled(at(min, s, 0.1f, 0.46f), at(min, s, 0.9f, 0.53f), col, s * 0.03f);
        dl->AddRectFilled(at(min, s, 0.38f, 0.84f), at(min, s, 0.62f, 0.9f), col, s * 0.02f);
        for (float x : {0.36f, 0.5f, 0.64f}) {
            dl->AddBezierCubic(at(min, s, x, 0.38f), at(min, s, x - 0.06f, 0.3f), at(min, s, x + 0.06f, 0.22f),
                               at(min, s, x, 0.12f), col, lw * 0.8f, 16);
        }
    } else if (id == "safety") {  // a shield with a tick
        dl->PathLineTo(at(min, s, 0.5f, 0.08f));
        dl->PathLineTo(at(min, s, 0.86f, 0.2f));
        dl->PathBezierCubicCurveTo(at(min, s, 0.86f, 0.62f), at(min, s, 0.66f, 0.82f), at(min, s, 0.5f, 0.93f), 16);
        dl->PathBezierCubicCurveTo(at(min, s, 0.34f, 0.82f), at(min, s, 0.14f, 0.62f), at(min, s, 0.14f, 0.2f), 16);
        dl->PathStroke(col, ImDrawFlags_Closed, lw);
        dl->AddLine(at(min, s, 0.33f, 0.5f), at(min, s, 0.46f, 0.63f), col, lw * 1.2f);
        dl->AddLine(at(min, s, 0.46f, 0.63f), at(min, s, 0.7f, 0.36f), col, lw * 1.2f);
    } else if (id == "youth") {  // a star rising from steps
        const ImVec2 c = at(min, s, 0.62f, 0.32f);
        const float ro = s * 0.24f, ri = s * 0.1f;
        auto pt = [&](int i) {
            const float a = -k_pi / 2 + static_cast<float>(i) * k_pi / 5;
            const float rr = (i % 2 == 0) ? ro : ri;
            return ImVec2{c.x + std::cos(a) * rr, c.y + std::sin(a) * rr};
        };
        // ImGui 1.86 fills convex paths only: a fan of triangles, without anti-aliased fringes (which
        // would show as hairlines between them); the centre pentagon hides the joins.
        const ImDrawListFlags saved = dl->Flags;
        dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
        for (int i = 0; i < 10; i += 2) {
            dl->AddTriangleFilled(c, pt(i + 9), pt(i), col);
            dl->AddTriangleFilled(c, pt(i), pt(i + 1), col);
        }
        dl->Flags = saved;
        dl->AddRectFilled(at(min, s, 0.08f, 0.78f), at(min, s, 0.32f, 0.92f), col, s * 0.01f);
        dl->AddRectFilled(at(min, s, 0.32f, 0.66f), at(min, s, 0.56f, 0.92f), col, s * 0.01f);
        dl->AddRectFilled(at(min, s, 0.56f, 0.62f), at(min, s, 0.92f, 0.92f), col, s * 0.01f);
    } else {  // a clipboard
        dl->AddRect(at(min, s, 0.2f, 0.14f), at(min, s, 0.8f, 0.92f), col, s * 0.05f, 0, lw);
        dl->AddRectFilled(at(min, s, 0.36f, 0.08f), at(min, s, 0.64f, 0.2f), col, s * 0.03f);
        for (float y : {0.38f, 0.54f, 0.7f}) dl->AddLine(at(min, s, 0.32f, y), at(min, s, 0.68f, y), col, lw);
    }
}

void draw_face(ImDrawList* dl, ImVec2 c, float r, int level, int levels, ImU32 line, ImU32 fill) {
    const float lw = std::max(2.0f, r * 0.1f);
    dl->AddCircleFilled(c, r, fill, 40);
    dl->AddCircle(c, r, line, 40, lw);
    dl->AddCircleFilled({c.x - r * 0.35f, c.y - r * 0.25f}, r * 0.11f, line, 12);
    dl->AddCircleFilled({c.x + r * 0.35f, c.y - r * 0.25f}, r * 0.11f, line, 12);
    // Mouth: curvature from +1 (smile) to -1 (frown).
    const float k = levels > 1 ? 1.0f - 2.0f * static_cast<float>(level) / static_cast<float>(levels - 1) : 0.0f;
    const float y = c.y + r * 0.38f - k * r * 0.08f;
    const ImVec2 a{c.x - r * 0.45f, y}, b{c.x + r * 0.45f, y};
    const ImVec2 ctrl{c.x, y + k * r * 0.45f};
    dl->AddBezierQuadratic(a, ctrl, b, line, lw, 16);
}

void draw_globe(ImDrawList* dl, ImVec2 c, float r, ImU32 col) {
    const float lw = std::max(2.0f, r * 0.12f);
    dl->AddCircle(c, r, col, 32, lw);
    dl->AddLine({c.x - r, c.y}, {c.x + r, c.y}, col, lw * 0.8f);
    dl->AddLine({c.x, c.y - r}, {c.x, c.y + r}, col, lw * 0.8f);
    dl->PathClear();
    dl->AddBezierQuadratic({c.x, c.y - r}, {c.x - r * 0.9f, c.y}, {c.x, c.y + r}, col, lw * 0.8f, 12);
    dl->AddBezierQuadratic({c.x, c.y - r}, {c.x + r * 0.9f, c.y}, {c.x, c.y + r}, col, lw * 0.8f, 12);
}

void draw_arrow(ImDrawList* dl, ImVec2 c, float size, int dir, ImU32 col) {
    const float h = size * 0.5f;
    ImVec2 a, b, d;
    switch (dir) {
        case 0:
            a = {c.x - h, c.y};
            b = {c.x + h * 0.3f, c.y - h};
            d = {c.x + h * 0.3f, c.y + h};
            break;
        case 1:
            a = {c.x + h, c.y};
            b = {c.x - h * 0.3f, c.y + h};
            d = {c.x - h * 0.3f, c.y - h};
            break;
        case 2:
            a = {c.x, c.y - h};
            b = {c.x + h, c.y + h * 0.4f};
            d = {c.x - h, c.y + h * 0.4f};
            break;
        default:
            a = {c.x, c.y + h};
            b = {c.x - h, c.y - h * 0.4f};
            d = {c.x + h, c.y - h * 0.4f};
            break;
    }
    dl->AddTriangleFilled(a, b, d, col);
}

void draw_check(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 col) {
    const float s = max.x - min.x;
    const float lw = std::max(2.0f, s * 0.14f);
    // One polyline, so the two strokes meet in a mitred joint: two separate lines left a notch where their
    // square ends overlapped (issue 16).
    const ImVec2 pts[3] = {at(min, s, 0.2f, 0.52f), at(min, s, 0.42f, 0.74f), at(min, s, 0.8f, 0.28f)};
    dl->AddPolyline(pts, 3, col, ImDrawFlags_None, lw);
}

void draw_backspace(ImDrawList* dl, ImVec2 c, float size, ImU32 col) {
    const float h = size * 0.5f;
    const float lw = std::max(2.0f, size * 0.08f);
    dl->PathLineTo({c.x - h, c.y});
    dl->PathLineTo({c.x - h * 0.45f, c.y - h * 0.6f});
    dl->PathLineTo({c.x + h, c.y - h * 0.6f});
    dl->PathLineTo({c.x + h, c.y + h * 0.6f});
    dl->PathLineTo({c.x - h * 0.45f, c.y + h * 0.6f});
    dl->PathStroke(col, ImDrawFlags_Closed, lw);
    dl->AddLine({c.x - h * 0.05f, c.y - h * 0.28f}, {c.x + h * 0.55f, c.y + h * 0.28f}, col, lw);
    dl->AddLine({c.x - h * 0.05f, c.y + h * 0.28f}, {c.x + h * 0.55f, c.y - h * 0.28f}, col, lw);
}

void draw_shift(ImDrawList* dl, ImVec2 c, float size, ImU32 col, bool filled) {
    const float h = size * 0.5f;
    dl->PathLineTo({c.x, c.y - h});
    dl->PathLineTo({c.x + h, c.y});
    dl->PathLineTo({c.x + h * 0.45f, c.y});
    dl->PathLineTo({c.x + h * 0.45f, c.y + h});
    dl->PathLineTo({c.x - h * 0.45f, c.y + h});
    dl->PathLineTo({c.x - h * 0.45f, c.y});
    dl->PathLineTo({c.x - h, c.y});
    if (filled) {
        dl->PathClear();
        dl->AddTriangleFilled({c.x, c.y - h}, {c.x + h, c.y}, {c.x - h, c.y}, col);
        dl->AddRectFilled({c.x - h * 0.45f, c.y}, {c.x + h * 0.45f, c.y + h}, col);
    } else {
        dl->PathStroke(col, ImDrawFlags_Closed, std::max(2.0f, size * 0.07f));
    }
}

void draw_clock(ImDrawList* dl, ImVec2 c, float r, ImU32 col) {
    const float lw = std::max(2.0f, r * 0.14f);
    dl->AddCircle(c, r, col, 32, lw);
    dl->AddLine(c, {c.x, c.y - r * 0.6f}, col, lw);
    dl->AddLine(c, {c.x + r * 0.45f, c.y}, col, lw);
}

}  // namespace fieldkiosk::kiosk::ui

namespace fieldkiosk::kiosk::ui {

// A loudspeaker facing right: a box and a cone, then `waves` arcs of sound (0 = silent).
void draw_speaker(ImDrawList* dl, ImVec2 c, float size, int waves, ImU32 col) {
    const float h = size * 0.5f;
    const float lw = std::max(2.0f, size * 0.07f);
    const float x0 = c.x - h;  // the speaker takes the left half, the waves the right
    dl->AddRectFilled({x0, c.y - h * 0.32f}, {x0 + h * 0.36f, c.y + h * 0.32f}, col, h * 0.06f);
    dl->AddQuadFilled({x0 + h * 0.3f, c.y - h * 0.32f}, {x0 + h * 0.85f, c.y - h * 0.8f}, {x0 + h * 0.85f, c.y + h * 0.8f},
                      {x0 + h * 0.3f, c.y + h * 0.32f}, col);
    constexpr float k_arc = 0.85f;  // radians either side of the axis
    for (int i = 0; i < waves; ++i) {
        const float r = h * (0.45f + 0.38f * static_cast<float>(i));
        dl->PathArcTo({x0 + h * 0.85f, c.y}, r, -k_arc, k_arc, 12);
        dl->PathStroke(col, 0, lw);
    }
}

// A plus (or a minus) sign: the volume buttons beside the speaker.
void draw_plus_minus(ImDrawList* dl, ImVec2 c, float size, bool plus, ImU32 col) {
    const float h = size * 0.5f, lw = std::max(3.0f, size * 0.16f);
    dl->AddLine({c.x - h, c.y}, {c.x + h, c.y}, col, lw);
    if (plus) dl->AddLine({c.x, c.y - h}, {c.x, c.y + h}, col, lw);
}

}  // namespace fieldkiosk::kiosk::ui
