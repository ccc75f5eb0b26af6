// Text size and colours (issue 11 part 5, EN 301 549 / WCAG 1.4.4 and 1.4.6; docs/kiosk.md, "Accessibility"):
// the "Aa" button in the top bar opens a panel with three text sizes and a high-contrast switch. The App keeps
// the choice; the screens draw with it (ui::k_text_scales, ui::high_contrast_palette()).
//
//   kiosk default ──SetTextSize / SetHighContrast──▶ chosen ──next respondent (reset_display)──▶ kiosk default
//   The next respondent: the attract or Closed screen comes (set_screen), or nobody touched the attract
//   screen for idle_timeout after a choice made there (tick_idle).
//   The kiosk default is the standard text size, in the standard colours or, with [display] high_contrast =
//   true (docs/kiosk_config.md), the high-contrast ones: a kiosk placed for residents with low vision starts
//   every respondent (and shows its Closed screen) in high contrast; a resident may still turn it off.
#include "kiosk/app/app.hpp"

#include <algorithm>

namespace fieldkiosk::kiosk {

bool App::display_screen() const {
    return m_screen == Screen::Attract || m_screen == Screen::Language || m_screen == Screen::Consent ||
           m_screen == Screen::Question || m_screen == Screen::Thanks;
}

bool App::display_changed() const { return m_text_size != 0 || m_high_contrast != m_config.high_contrast || m_display_panel; }

void App::reset_display() {
    m_text_size = 0;
    m_high_contrast = m_config.high_contrast;
    m_display_panel = false;
}

// The staff screens are always drawn standard: the choice belongs to the resident's screens, and it comes back
// with them (the admin corner held mid-survey returns to the walk). The Closed screen has no "Aa" and is
// nobody's: it is drawn in the kiosk's own colours.
void App::view_display(ViewModel& v) const {
    if (m_screen == Screen::Closed) {
        v.display.high_contrast = m_config.high_contrast;
        return;
    }
    if (!display_screen()) return;
    // A kiosk with no survey to offer says only that it is not ready: no button at all, "Aa" included.
    if (m_screen == Screen::Attract && std::ranges::none_of(m_surveys, [&](const auto& s) { return is_enabled(*s); })) return;
    auto& d = v.display;
    d.available = !m_idle_since;
    d.panel = m_display_panel && !m_idle_since;
    d.text_size = m_text_size;
    d.high_contrast = m_high_contrast;
}

// ---------------------------------------------------------------- actions

void App::on(const act::OpenDisplay&) {
    if (m_idle_since || !display_screen()) return;  // under the idle prompt only "I need more time" counts
    m_display_panel = true;
    touch();
}

void App::on(const act::CloseDisplay&) {
    m_display_panel = false;
    touch();
}

void App::on(const act::SetTextSize& a) {
    if (m_idle_since || !display_screen()) return;
    const int size = std::clamp(a.step, 0, DisplayVm::k_text_sizes - 1);
    // Everything moves as the text grows or shrinks, the panel's own buttons too: the tap guard runs again as
    // after a new page, so the second tap of a double tap cannot land on whatever moved under the finger.
    if (size != m_text_size) m_page_changed_at = m_clock->steady_now();
    m_text_size = size;
    touch();
}

void App::on(const act::SetHighContrast& a) {
    if (m_idle_since || !display_screen()) return;
    m_high_contrast = a.on;
    touch();
}

}  // namespace fieldkiosk::kiosk
