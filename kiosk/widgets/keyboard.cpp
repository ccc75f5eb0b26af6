// On-screen keyboard, numeric keypad and the text field (kiosks have no physical keyboard).
// The keyboard's Shift and accent layer are UI-only state, kept in ImGui's storage: they hold no answer.
#include "kiosk/widgets/icons.hpp"
#include "kiosk/widgets/widgets.hpp"

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <string>

namespace fieldkiosk::kiosk::ui {
namespace {

// Lower- and upper-case rows of each layer. Keys are UTF-8 strings; accents cover es, pt, fr and so.
constexpr std::array<std::array<const char*, 11>, 3> k_letters = {{
    {"q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "'"},
    {"a", "s", "d", "f", "g", "h", "j", "k", "l", "-", "?"},
    {"z", "x", "c", "v", "b", "n", "m", ",", ".", "!", "@"},
}};
constexpr std::array<std::array<const char*, 11>, 3> k_letters_upper = {{
    {"Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P", "'"},
    {"A", "S", "D", "F", "G", "H", "J", "K", "L", "-", "?"},
    {"Z", "X", "C", "V", "B", "N", "M", ",", ".", "!", "@"},
}};
constexpr std::array<std::array<const char*, 11>, 3> k_accents = {{
    {"á", "é", "í", "ó", "ú", "à", "è", "ì", "ò", "ù", "ý"},
    {"â", "ê", "î", "ô", "û", "ä", "ë", "ï", "ö", "ü", "ÿ"},
    {"ã", "õ", "ñ", "ç", "œ", "æ", "ß", "¿", "¡", "«", "»"},
}};
constexpr std::array<std::array<const char*, 11>, 3> k_accents_upper = {{
    {"Á", "É", "Í", "Ó", "Ú", "À", "È", "Ì", "Ò", "Ù", "Ý"},
    {"Â", "Ê", "Î", "Ô", "Û", "Ä", "Ë", "Ï", "Ö", "Ü", "Ÿ"},
    {"Ã", "Õ", "Ñ", "Ç", "Œ", "Æ", "ß", "¿", "¡", "«", "»"},
}};
constexpr std::array<const char*, 10> k_digits = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"};

// ASCII-safe ids for the hit registry ("key:a", "key:acc:0:3").
std::string key_id(std::string_view base, std::string_view layer, std::size_t row, std::size_t col, const char* label) {
    std::string l(label);
    const bool ascii = std::all_of(l.begin(), l.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii && layer == "abc") return std::string(base) + ":" + l;
    return std::string(base) + ":" + std::string(layer) + ":" + std::to_string(row) + ":" + std::to_string(col);
}

}  // namespace

float keyboard_height(float width) {
    const Theme& t = theme();
    const float key_w = (width - t.gap * 0.4f * 10) / 11;
    const float key_h = std::clamp(key_w * 0.9f, t.target, t.target * 1.35f);
    return key_h * 5 + t.gap * 0.4f * 4;
}

std::optional<KeyInput> keyboard(std::string_view id, Rect r, std::string_view accents_label, std::string_view letters_label,
                                 std::string_view space_label) {
    const Theme& t = theme();
    ImGuiStorage* st = ImGui::GetStateStorage();
    const std::string sid(id);
    const ImGuiID shift_key = ImGui::GetID((sid + "#shift").c_str());
    const ImGuiID layer_key = ImGui::GetID((sid + "#layer").c_str());
    bool shift = st->GetBool(shift_key, false);
    bool accents = st->GetBool(layer_key, false);
    std::optional<KeyInput> out;

    const float g = t.gap * 0.4f;
    const float key_w = (r.w() - g * 10) / 11;
    const float key_h = std::clamp(key_w * 0.9f, t.target, t.target * 1.35f);
    auto key_rect = [&](std::size_t row, float col, float span) {
        const float x = r.min.x + col * (key_w + g);
        const float y = r.min.y + static_cast<float>(row) * (key_h + g);
        return keep_order(r, Rect{{x, y}, {x + key_w * span + g * (span - 1), y + key_h}});
    };
    // Row 0: digits, then backspace (two keys wide).
    for (std::size_t c = 0; c < k_digits.size(); ++c)
        if (button(sid + ":" + k_digits[c], key_rect(0, static_cast<float>(c), 1), k_digits[c], Look::Quiet, true, t.fonts.body))
            out = KeyInput{k_digits[c]};
    {
        const Rect bs = key_rect(0, 10, 1);
        bool held = false;
        if (button(sid + ":backspace", bs, "", Look::Secondary, true, nullptr, &held)) out = KeyInput{{}, true};
        // Held, it repeats after half a second, ten a second, as on a phone: deleting a sentence took a
        // tap per letter. The loop keeps drawing while it is held, so the repeats come without new events.
        if (held) {
            keep_drawing();
            const ImGuiIO& io = ImGui::GetIO();
            const float now = io.MouseDownDuration[0], before = now - io.DeltaTime;
            constexpr float k_delay = 0.5f, k_every = 0.1f;
            if (now >= k_delay &&
                (before < k_delay || std::floor((now - k_delay) / k_every) > std::floor((before - k_delay) / k_every)))
                out = KeyInput{{}, true};
        }
        draw_backspace(ImGui::GetWindowDrawList(), bs.center(), std::min(bs.w(), bs.h()) * 0.6f, t.text);
    }
    const auto& rows = accents ? (shift ? k_accents_upper : k_accents) : (shift ? k_letters_upper : k_letters);
    const std::string_view layer = accents ? "acc" : "abc";
    for (std::size_t row = 0; row < rows.size(); ++row)
        for (std::size_t c = 0; c < rows[row].size(); ++c)
            if (button(key_id(sid, layer, row, c, k_letters[row][c]), key_rect(row + 1, static_cast<float>(c), 1), rows[row][c],
                       Look::Quiet, true, t.fonts.body)) {
                out = KeyInput{rows[row][c]};
                shift = false;  // one-shot, like a phone keyboard
            }
    // Row 4: Shift, accents/letters, space.
    {
        const Rect sh = key_rect(4, 0, 2);
        if (button(sid + ":shift", sh, "", shift ? Look::Primary : Look::Secondary)) shift = !shift;
        draw_shift(ImGui::GetWindowDrawList(), sh.center(), std::min(sh.w(), sh.h()) * 0.5f, shift ? t.on_primary : t.text,
                   shift);
    }
    if (button(sid + ":layer", key_rect(4, 2, 2), accents ? letters_label : accents_label, Look::Secondary, true, t.fonts.bold))
        accents = !accents;
    if (button(sid + ":space", key_rect(4, 4, 7), space_label, Look::Quiet, true, t.fonts.small)) out = KeyInput{" "};
    st->SetBool(shift_key, shift);
    st->SetBool(layer_key, accents);
    return out;
}

std::optional<KeyInput> keypad(std::string_view id, Rect r, bool decimal) {
    const Theme& t = theme();
    const std::string sid(id);
    const float g = t.gap * 0.6f;
    const float kw = (r.w() - g * 2) / 3;
    const float kh = std::clamp((r.h() - g * 3) / 4, t.target, t.target * 2.0f);
    std::optional<KeyInput> out;
    static constexpr const char* k_keys[4][3] = {{"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"", "0", ""}};
    for (int row = 0; row < 4; ++row)
        for (int col = 0; col < 3; ++col) {
            const float x = r.min.x + static_cast<float>(col) * (kw + g);
            const float y = r.min.y + static_cast<float>(row) * (kh + g);
            const Rect k = keep_order(r, Rect{{x, y}, {x + kw, y + kh}});
            if (row == 3 && col == 0) {
                const char* sym = decimal ? "." : "-";
                if (button(sid + ":" + sym, k, sym, Look::Secondary, true, t.fonts.huge)) out = KeyInput{sym};
            } else if (row == 3 && col == 2) {
                if (button(sid + ":backspace", k, "", Look::Secondary)) out = KeyInput{{}, true};
                draw_backspace(ImGui::GetWindowDrawList(), k.center(), std::min(k.w(), k.h()) * 0.5f, t.text);
            } else if (button(sid + ":" + k_keys[row][col], k, k_keys[row][col], Look::Quiet, true, t.fonts.title)) {
                out = KeyInput{k_keys[row][col]};
            }
        }
    return out;
}

void text_field(Rect r, std::string_view text, std::string_view placeholder, bool focused) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(r.min, r.max, t.surface, t.radius * 0.6f);
    dl->AddRect(r.min, r.max, focused ? t.primary : t.border, t.radius * 0.6f, 0,
                std::max(2.0f, (focused ? 4.0f : 2.0f) * t.scale));
    Rect inner = inset(r, t.gap);
    if (text.empty()) {
        const float line_h = font_px(t.fonts.body) * 1.18f;
        const float y = inner.center().y - line_h * 0.5f;
        draw_text(dl, t.fonts.body, {{inner.min.x + 12 * t.scale, inner.min.y}, inner.max}, placeholder, t.muted, Align::Left,
                  true);
        if (focused) dl->AddLine({inner.min.x, y + 4}, {inner.min.x, y + line_h - 4}, t.text, 3.0f * t.scale);
        return;
    }
    // Show the end of long texts: that is where the caret is.
    const ImFont* f = t.fonts.body;
    std::string_view shown = text;
    while (measure(f, shown, inner.w() - 8).y > inner.h() && shown.size() > 1) {
        shown.remove_prefix(1);
        while (!shown.empty() && (static_cast<unsigned char>(shown[0]) & 0xC0u) == 0x80u) shown.remove_prefix(1);
    }
    const float used = draw_text(dl, f, {inner.min, {inner.max.x - 8, inner.max.y}}, shown, t.text, Align::Left,
                                 measure(f, shown, inner.w() - 8).y <= font_px(f) * 1.3f);
    (void)used;
    if (focused) {
        // Caret after the last line.
        const float px = font_px(f);
        const float line_h = px * 1.18f;
        const ImVec2 m = measure(f, shown, inner.w() - 8);
        const int lines = std::max(1, static_cast<int>(m.y / line_h + 0.5f));
        // The caret follows the last wrapped line (wrapped as draw_text() wrapped it).
        const auto wrapped = wrap_text(f, shown, inner.w() - 8);
        const float last_w = wrapped.empty() ? 0.0f : measure(f, wrapped.back(), FLT_MAX).x;
        const float x = inner.min.x + last_w + 4;
        const float y0 = lines == 1 ? inner.center().y - line_h * 0.5f : inner.min.y + line_h * static_cast<float>(lines - 1);
        dl->AddLine({x, y0 + 4}, {x, y0 + line_h - 4}, t.text, 3.0f * t.scale);
    }
}

}  // namespace fieldkiosk::kiosk::ui
