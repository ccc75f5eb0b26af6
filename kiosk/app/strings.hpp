// fieldkiosk::kiosk::Strings — the UI's own texts per language (assets/strings/<lang>.json).
// English is complete; other languages fall back to English key by key, so a draft translation never
// shows a raw key to a resident.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fieldkiosk::kiosk {

class Strings {
public:
    // Loads every <lang>.json in `dir`. Problems (unreadable file, not an object of strings) go to `errors`.
    static Strings load(const std::filesystem::path& dir, std::vector<std::string>& errors);
    void set(std::string lang, std::string key, std::string text);

    // The text for `key` in `lang`, else in English, else the key itself (visible in tests, never empty).
    [[nodiscard]] const std::string& get(std::string_view lang, std::string_view key) const;
    [[nodiscard]] bool has_language(std::string_view lang) const { return m_texts.find(lang) != m_texts.end(); }
    [[nodiscard]] std::vector<std::string> keys(std::string_view lang) const;
    // `key` for the count `n`, with {n} filled: "key_one" when `n` takes the singular in `lang` ("1 second",
    // French "0 seconde"), else "key". A language without "key_one" uses its "key" (never English's).
    [[nodiscard]] std::string count(std::string_view lang, std::string_view key, long long n) const;
    // `lang`'s own file has `key` (no English fallback).
    [[nodiscard]] bool has(std::string_view lang, std::string_view key) const;

private:
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> m_texts;
    mutable std::map<std::string, std::string, std::less<>> m_missing;  // keys shown as themselves
};

// Keys that are English in every language by design, so other files may lack them: the staff screens
// ("admin_*": App::view() draws the admin screen in English, like its figures) and the full privacy notice
// (legal text awaiting a reviewed translation; the screen says so in the resident's language with
// "privacy_full_english_only"). Every other key of en.json must be in every language file (KioskStrings test).
[[nodiscard]] bool english_only_key(std::string_view key);

// Replaces each "{name}" in `text` by its value.
[[nodiscard]] std::string fill(std::string_view text, std::initializer_list<std::pair<std::string_view, std::string>> values);

// The folder of UI strings and other assets: `configured` if set, else installed, else the source tree's.
[[nodiscard]] std::filesystem::path default_assets_dir();

}  // namespace fieldkiosk::kiosk
