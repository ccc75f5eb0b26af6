#include "kiosk/app/strings.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

namespace fieldkiosk::kiosk {

Strings Strings::load(const std::filesystem::path& dir, std::vector<std::string>& errors) {
    Strings s;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        errors.push_back(dir.string() + ": no such folder of UI strings");
        return s;
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".json") continue;
        const std::string lang = entry.path().stem().string();
        std::ifstream in(entry.path(), std::ios::binary);
        const auto j = nlohmann::json::parse(in, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            errors.push_back(entry.path().string() + ": not a JSON object of strings; that language falls back to English");
            continue;
        }
        for (const auto& [key, value] : j.items()) {
            if (key.starts_with("_")) continue;  // comments, translator notes
            if (value.is_string())
                s.set(lang, key, value.get<std::string>());
            else
                errors.push_back(entry.path().string() + ": " + key + " is not a string");
        }
    }
    return s;
}

void Strings::set(std::string lang, std::string key, std::string text) {
    m_texts[std::move(lang)][std::move(key)] = std::move(text);
}

const std::string& Strings::get(std::string_view lang, std::string_view key) const {
    for (std::string_view l : {lang, std::string_view("en")}) {
        if (auto it = m_texts.find(l); it != m_texts.end())
            if (auto k = it->second.find(key); k != it->second.end() && !k->second.empty()) return k->second;
    }
    auto it = m_missing.find(key);
    if (it == m_missing.end()) it = m_missing.emplace(std::string(key), std::string(key)).first;
    return it->second;
}

std::string Strings::count(std::string_view lang, std::string_view key, long long n) const {
    // CLDR's "one" category for our languages: French also takes the singular for 0 (our Portuguese is
    // European: 1 only); Somali nouns stay singular after a number, so its "_one" texts equal the others.
    const bool one = lang == "fr" ? (n == 0 || n == 1) : n == 1;
    const std::string one_key = std::string(key) + "_one";
    const bool use_one = one && (has(lang, one_key) || (!has(lang, key) && has("en", one_key)));
    return fill(get(lang, use_one ? std::string_view(one_key) : key), {{"n", std::to_string(n)}});
}

bool Strings::has(std::string_view lang, std::string_view key) const {
    const auto l = m_texts.find(lang);
    return l != m_texts.end() && l->second.find(key) != l->second.end();
}

bool english_only_key(std::string_view key) { return key.starts_with("admin_") || key == "privacy_full_text"; }

std::vector<std::string> Strings::keys(std::string_view lang) const {
    std::vector<std::string> out;
    if (auto it = m_texts.find(lang); it != m_texts.end())
        for (const auto& [k, v] : it->second) out.push_back(k);
    return out;
}

std::string fill(std::string_view text, std::initializer_list<std::pair<std::string_view, std::string>> values) {
    std::string out(text);
    for (const auto& [name, value] : values) {
        const std::string token = "{" + std::string(name) + "}";
        for (std::size_t pos = out.find(token); pos != std::string::npos; pos = out.find(token, pos + value.size()))
            out.replace(pos, token.size(), value);
    }
    return out;
}

std::filesystem::path default_assets_dir() {
    if (const char* env = std::getenv("FIELDKIOSK_ASSETS"); env && *env) return env;
    std::error_code ec;
    if (std::filesystem::is_directory(FIELDKIOSK_INSTALLED_ASSETS_DIR "/strings", ec)) return FIELDKIOSK_INSTALLED_ASSETS_DIR;
    return FIELDKIOSK_SOURCE_ASSETS_DIR;
}

}  // namespace fieldkiosk::kiosk
