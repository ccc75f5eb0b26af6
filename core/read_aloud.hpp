// fieldkiosk::core read aloud — what the kiosk says for a survey in a language, and where the sound is
// (docs/read_aloud.md). Shared by `fieldkiosk-ctl voice`, which makes the audio, and the kiosk, which plays it.
//   SpokenText        one audio file's name and the text it says
//   spoken_texts      every text of a survey a resident may hear: title, questions, each choice with its number, notes
//   speakable         a display text made fit to say (bullets dropped)
//   text_hash         the hash a manifest keeps of each text, so that a changed label is voiced again
//   espeak_voice      our language code -> the espeak-ng voice, or none
//   generated_audio_dir / recorded_audio_dir / find_audio   where the files live; recorded audio wins
//   languages_with_audio, hold_until_audio   which languages a survey can be heard in; updates wait for their audio
// Thread-safety: free functions over their arguments; safe from any thread.
#pragma once

#include "core/survey.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::core {

struct SpokenText {
    std::string file;  // "q-fies_worried.wav", "q-fies_worried-c1.wav", "note-food_intro.wav", "survey-title.wav"
    std::string text;  // what is said, in the language (a choice as "1. Yes")
};

// In asking order: the survey's title, then for each shown question its label (a note: label then body),
// then each choice as "<n>. <label>" numbered from 1 as on screen. Calculations are never said.
[[nodiscard]] std::vector<SpokenText> spoken_texts(const Survey& survey, std::string_view lang);
// The file names for a question's label and its choice `n` (1-based), as spoken_texts names them.
[[nodiscard]] std::string question_audio_file(const Question& q);
[[nodiscard]] std::string choice_audio_file(const Question& q, std::size_t n);

// The UI's own prompts that are read aloud (keys of assets/strings/<lang>.json), e.g. the language screen's.
[[nodiscard]] const std::vector<std::string>& spoken_ui_keys();
[[nodiscard]] std::string ui_audio_file(std::string_view key);  // "ui-language_heading.wav"

// Lines starting "- " lose the dash (a list on screen, sentences aloud); blank lines become one break.
[[nodiscard]] std::string speakable(std::string_view text);
// FNV-1a, 64 bits, as 16 hex digits: detects a changed text, not an attacker.
[[nodiscard]] std::string text_hash(std::string_view text);

// en -> en-gb, es, fr -> fr-fr, pt, bn, ar, zh-Hans -> cmn, sq. Somali and Sylheti have no espeak-ng voice:
// none (record them, docs/read_aloud.md).
[[nodiscard]] std::optional<std::string> espeak_voice(std::string_view lang);

// <root>/<survey>/<version>/<lang>: made by `fieldkiosk-ctl voice`; holds manifest.json and the WAV files.
[[nodiscard]] std::filesystem::path generated_audio_dir(const std::filesystem::path& root, const Survey& survey,
                                                        std::string_view lang);
// <assets>/audio/<survey>/<lang>: recorded human audio, same file names; it takes precedence.
[[nodiscard]] std::filesystem::path recorded_audio_dir(const std::filesystem::path& assets, std::string_view survey,
                                                       std::string_view lang);
// The recorded file if there is one, else the generated one, else nothing.
[[nodiscard]] std::optional<std::filesystem::path> find_audio(const std::filesystem::path& assets,
                                                              const std::filesystem::path& generated_root, const Survey& survey,
                                                              std::string_view lang, std::string_view file);

// The languages of `survey` in which every text a resident may hear (spoken_texts) has a sound file, recorded
// or generated: the languages in which the whole survey can be listened to.
[[nodiscard]] std::vector<std::string> languages_with_audio(const std::filesystem::path& assets,
                                                            const std::filesystem::path& generated_root, const Survey& survey);

// A survey update is not offered until its audio exists (issue 11): of the versions of each survey, a newer one is
// held back while it lacks the audio of a language in which an older version could be listened to (and every
// version newer than a held one waits too), so that a resident who relies on hearing the questions never finds
// the kiosk silent after an update. A survey that never had audio is never held. `held`: one line per version held
// back, for the operator.
struct AudioHold {
    std::vector<SurveyPtr> offered;  // sorted by id, then version
    std::vector<SurveyPtr> held_surveys;  // the versions held back, to look at again once audio may exist
    std::vector<std::string> held;   // "food 2027.1 waits for its read-aloud audio in bn, so; the kiosk goes on ..."
};
[[nodiscard]] AudioHold hold_until_audio(std::vector<SurveyPtr> surveys, const std::filesystem::path& assets,
                                         const std::filesystem::path& generated_root);

}  // namespace fieldkiosk::core
