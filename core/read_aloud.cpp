#include "core/read_aloud.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <utility>

namespace fieldkiosk::core {

namespace fs = std::filesystem;

std::string question_audio_file(const Question& q) { return (q.type == QuestionType::Note ? "note-" : "q-") + q.name + ".wav"; }

std::string choice_audio_file(const Question& q, std::size_t n) { return "q-" + q.name + "-c" + std::to_string(n) + ".wav"; }

std::vector<SpokenText> spoken_texts(const Survey& survey, std::string_view lang) {
    std::vector<SpokenText> out;
    out.push_back({"survey-title.wav", speakable(survey.title.get(lang))});
    for (const auto& q : survey.questions) {
        if (!q.is_shown()) continue;
        std::string text = speakable(q.label.get(lang));
        if (q.type == QuestionType::Note && q.hint.has(lang)) text += "\n" + speakable(q.hint.get(lang));
        out.push_back({question_audio_file(q), std::move(text)});
        for (std::size_t i = 0; i < q.choices.size(); ++i)
            out.push_back({choice_audio_file(q, i + 1), std::to_string(i + 1) + ". " + speakable(q.choices[i].label.get(lang))});
    }
    return out;
}

const std::vector<std::string>& spoken_ui_keys() {
    static const std::vector<std::string> keys{"language_heading", "attract_heading", "consent_heading",
                                               "choose_one",       "choose_many",     "thanks_heading",
                                               "thanks_body",      "idle_heading",    "display_heading",
                                               "rank_hint"};
    return keys;
}

std::string ui_audio_file(std::string_view key) { return "ui-" + std::string(key) + ".wav"; }

std::string speakable(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (line_start && text.substr(i).starts_with("- ")) {
            ++i;
            line_start = false;
            continue;
        }
        const char c = text[i];
        if (c == '\n') {
            if (!out.empty() && out.back() != '\n') out += '\n';
            line_start = true;
            continue;
        }
        line_start = false;
        out += c;
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

std::string text_hash(std::string_view text) {
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = k_hex[h & 0xF];
    return out;
}

std::optional<std::string> espeak_voice(std::string_view lang) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> k_voices{{{"en", "en-gb"},
                                                                                            {"es", "es"},
                                                                                            {"fr", "fr-fr"},
                                                                                            {"pt", "pt"},
                                                                                            {"bn", "bn"},
                                                                                            {"ar", "ar"},
                                                                                            {"zh-Hans", "cmn"},
                                                                                            {"sq", "sq"}}};
    for (const auto& [code, voice] : k_voices)
        if (code == lang) return std::string(voice);
    return std::nullopt;
}

fs::path generated_audio_dir(const fs::path& root, const Survey& survey, std::string_view lang) {
    return root / survey.id / survey.version / std::string(lang);
}

fs::path recorded_audio_dir(const fs::path& assets, std::string_view survey, std::string_view lang) {
    return assets / "audio" / std::string(survey) / std::string(lang);
}

std::optional<fs::path> find_audio(const fs::path& assets, const fs::path& generated_root, const Survey& survey,
                                   std::string_view lang, std::string_view file) {
    std::error_code ec;
    for (const fs::path& dir : {recorded_audio_dir(assets, survey.id, lang), generated_audio_dir(generated_root, survey, lang)}) {
        fs::path p = dir / std::string(file);
        if (fs::is_regular_file(p, ec)) return p;
    }
    return std::nullopt;
}

std::vector<std::string> languages_with_audio(const fs::path& assets, const fs::path& generated_root, const Survey& survey) {
    std::vector<std::string> out;
    for (const auto& l : survey.languages) {
        const auto texts = spoken_texts(survey, l.code);
        const bool all = !texts.empty() && std::ranges::all_of(texts, [&](const SpokenText& t) {
            return find_audio(assets, generated_root, survey, l.code, t.file).has_value();
        });
        if (all) out.push_back(l.code);
    }
    return out;
}

AudioHold hold_until_audio(std::vector<SurveyPtr> surveys, const fs::path& assets, const fs::path& generated_root) {
    std::map<std::string, std::vector<SurveyPtr>, std::less<>> by_id;
    for (auto& s : surveys) by_id[s->id].push_back(std::move(s));
    AudioHold out;
    for (auto& [id, versions] : by_id) {
        std::ranges::sort(versions,
                          [](const SurveyPtr& a, const SurveyPtr& b) { return compare_versions(a->version, b->version) < 0; });
        std::set<std::string> heard;  // languages in which an older version could be listened to
        bool holding = false;         // once one version waits, every newer one waits too
        for (auto& v : versions) {
            const auto langs = languages_with_audio(assets, generated_root, *v);
            std::vector<std::string> missing;
            for (const auto& l : heard)
                if (std::ranges::find(langs, l) == langs.end()) missing.push_back(l);
            if (holding || !missing.empty()) {
                std::string words;
                for (const auto& l : missing) words += (words.empty() ? "" : ", ") + l;
                out.held.push_back(id + " " + v->version + " waits for its read-aloud audio" +
                                   (missing.empty() ? std::string(" (an earlier update is waiting)") : " in " + words) +
                                   "; the kiosk goes on offering the version before it");
                holding = true;
                out.held_surveys.push_back(std::move(v));
                continue;
            }
            heard.insert(langs.begin(), langs.end());
            out.offered.push_back(std::move(v));
        }
    }
    return out;
}

}  // namespace fieldkiosk::core
