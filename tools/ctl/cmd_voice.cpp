// fieldkiosk-ctl voice: the read-aloud audio of one survey version in one language, made by running the
// espeak-ng PROGRAM (a separate process, argument vector, no shell: espeak-ng is GPL-3 and is never linked),
// one WAV per text a resident may hear, and manifest.json naming each file, its text and the text's hash.
// Files whose text is unchanged since the last run are kept; changed ones are voiced again. docs/read_aloud.md.
//
// Index:
//   find_program     PATH lookup, as execvp would do it
//   run_espeak       one text -> one WAV, through a temporary file renamed into place
//   add_voice        the verb
#include "core/atomic_file.hpp"
#include "core/read_aloud.hpp"
#include "core/wav.hpp"
#include "tools/ctl/commands.hpp"
#include "tools/ctl/common.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

extern char** environ;

namespace fieldkiosk::tools {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The first executable `name` in $PATH, or nothing.
std::optional<fs::path> find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        if (::access(name.c_str(), X_OK) == 0) return fs::path(name);
        return std::nullopt;
    }
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (dir.empty()) continue;
        const fs::path p = fs::path(dir) / name;
        if (::access(p.c_str(), X_OK) == 0) return p;
    }
    return std::nullopt;
}

// Runs `argv` (argv[0] the program's path) and waits; the child's output goes to /dev/null. Its exit status,
// or a message when it could not start or was killed.
std::expected<int, std::string> run(const std::vector<std::string>& argv) {
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return std::unexpected("cannot start " + argv[0] + ": " + std::strerror(rc));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return std::unexpected("waiting for " + argv[0] + ": " + std::strerror(errno));
    if (WIFSIGNALED(status)) return std::unexpected(argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status)));
    return WEXITSTATUS(status);
}

// Says `text` with `voice` into `wav`: the text goes through a file (-f), never the command line, so a text
// starting with "-" is not taken for an option; the WAV is written beside and renamed into place.
std::expected<void, std::string> run_espeak(const fs::path& espeak, const std::string& voice, int speed, const std::string& text,
                                            const fs::path& wav) {
    const fs::path text_file = wav.string() + ".txt.tmp";
    const fs::path tmp = wav.string() + ".tmp";
    {
        std::ofstream t(text_file, std::ios::binary);
        t << text << "\n";
        if (!t) return std::unexpected("cannot write " + text_file.string());
    }
    auto rc =
        run({espeak.string(), "-b", "1", "-v", voice, "-s", std::to_string(speed), "-w", tmp.string(), "-f", text_file.string()});
    std::error_code ec;
    fs::remove(text_file, ec);
    if (!rc) return std::unexpected(rc.error());
    if (*rc != 0) {
        fs::remove(tmp, ec);
        return std::unexpected(espeak.string() + " -v " + voice + " failed (exit status " + std::to_string(*rc) + ")");
    }
    fs::rename(tmp, wav, ec);
    if (ec) return std::unexpected("cannot rename " + tmp.string() + " to " + wav.string() + ": " + ec.message());
    return {};
}

// The texts to voice: the survey's, then the kiosk's spoken prompts from the UI strings in `strings_dir`.
// nullopt (said on `err`) with the exit status when the strings file cannot be read or lacks a prompt.
std::expected<std::vector<core::SpokenText>, int> texts_to_voice(const core::Survey& survey, const std::string& lang,
                                                                const fs::path& strings_dir, std::ostream& err) {
    std::vector<core::SpokenText> texts = core::spoken_texts(survey, lang);
    const fs::path strings_file = strings_dir / (lang + ".json");
    std::ifstream sf(strings_file);
    if (!sf) {
        err << "fieldkiosk-ctl voice: " << strings_file.string()
            << " cannot be read: it holds the prompts the kiosk reads aloud (use --strings DIR)\n";
        return std::unexpected(k_exit_usage);
    }
    const json strings = json::parse(sf, nullptr, false);
    for (const auto& key : core::spoken_ui_keys()) {
        auto it = strings.is_object() ? strings.find(key) : strings.end();
        if (it == strings.end() || !it->is_string()) {
            err << "fieldkiosk-ctl voice: " << strings_file.string() << ": " << key
                << ": missing; it is a prompt the kiosk reads aloud\n";
            return std::unexpected(k_exit_invalid);
        }
        texts.push_back({core::ui_audio_file(key), core::speakable(it->get<std::string>())});
    }
    return texts;
}

// Voices each text into `dir` with espeak-ng, keeping files whose text, hash and voice are unchanged, removing
// those of texts that are gone, and writes manifest.json. The exit status.
int voice_into(const fs::path& dir, const std::vector<core::SpokenText>& texts, const fs::path& espeak,
               const std::string& voice, int speed, const core::Survey& survey, const std::string& lang, std::ostream& out,
               std::ostream& err) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        err << "fieldkiosk-ctl voice: cannot create " << dir.string() << ": " << ec.message() << "\n";
        return k_exit_usage;
    }
    // The previous manifest: a file whose text, hash and voice are unchanged and which still parses is kept.
    json old;
    if (std::ifstream mf(dir / "manifest.json"); mf) old = json::parse(mf, nullptr, false);
    const std::string voice_name = "espeak-ng " + voice;
    const bool same_voice = old.is_object() && old.value("voice", "") == voice_name;
    json files = json::object();
    int voiced = 0, kept = 0;
    double seconds = 0;
    for (const auto& t : texts) {
        const std::string hash = core::text_hash(t.text);
        const fs::path wav = dir / t.file;
        const bool unchanged = same_voice && old.contains("files") && old["files"].contains(t.file) &&
                               old["files"][t.file].value("hash", "") == hash;
        std::expected<core::Pcm16, std::string> pcm = std::unexpected(std::string("changed"));
        if (unchanged) pcm = core::read_wav(wav);
        if (!pcm) {
            if (auto r = run_espeak(espeak, voice, speed, t.text, wav); !r) {
                err << "fieldkiosk-ctl voice: " << wav.string() << ": " << r.error() << "\n";
                return k_exit_invalid;
            }
            pcm = core::read_wav(wav);
            if (!pcm) {
                err << "fieldkiosk-ctl voice: espeak-ng wrote an unreadable file: " << pcm.error() << "\n";
                return k_exit_invalid;
            }
            ++voiced;
        } else {
            ++kept;
        }
        seconds += pcm->seconds();
        files[t.file] = {{"text", t.text}, {"hash", hash}, {"seconds", std::round(pcm->seconds() * 100) / 100}};
    }
    // Files of texts that are gone (a removed question) go too: the manifest lists exactly what is there.
    int removed = 0;
    if (old.is_object() && old.contains("files") && old["files"].is_object())
        for (const auto& [name, v] : old["files"].items())
            if (!files.contains(name) && name.find('/') == std::string::npos && fs::remove(dir / name, ec)) ++removed;
    const json manifest{
        {"survey", survey.id}, {"version", survey.version}, {"language", lang}, {"voice", voice_name}, {"files", files}};
    if (auto w = core::write_file_atomically(dir / "manifest.json", manifest.dump(2) + "\n"); !w) {
        err << "fieldkiosk-ctl voice: " << w.error().message << "\n";
        return k_exit_invalid;
    }
    out << survey.id << " " << survey.version << " " << lang << ": " << files.size() << " files in " << dir.string() << " ("
        << voiced << " voiced, " << kept << " unchanged" << (removed ? ", " + std::to_string(removed) + " removed" : "")
        << "), " << static_cast<int>(seconds / 60) << " min " << static_cast<int>(seconds) % 60 << " s of speech\n";
    return k_exit_ok;
}

}  // namespace

Runner add_voice(CLI::App& app, std::ostream& out, std::ostream& err) {
    struct Args {
        SurveyArgs survey;
        std::string lang, out_dir, strings_dir, espeak = "espeak-ng";
        int speed = 140;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("voice", "Make the read-aloud audio of a survey in one language with the espeak-ng program");
    add_survey_options(*cmd, args->survey);
    cmd->add_option("--lang", args->lang, "Language code of the survey, e.g. en, bn, ar, zh-Hans")->required();
    cmd->add_option("--out", args->out_dir,
                    "Audio folder; files go to OUT/<survey>/<version>/<lang>/ (default: the surveys folder's audio/)");
    cmd->add_option("--strings", args->strings_dir,
                    "Folder of the kiosk's UI strings, for the prompts it reads aloud (default: $FIELDKIOSK_ASSETS/strings, "
                    "else the assets/strings folder beside the surveys folder)");
    cmd->add_option("--espeak", args->espeak, "The espeak-ng program, by name (looked up in PATH) or path")
        ->capture_default_str();
    cmd->add_option("--speed", args->speed, "Words per minute (espeak-ng -s); slower is easier to follow")
        ->check(CLI::Range(80, 260))
        ->capture_default_str();
    cmd->footer(
        "Writes one WAV per text a resident may hear: the survey's title, each question, each choice said with its number "
        "(\"1. Yes\"), each note, and the kiosk's spoken prompts (e.g. \"Choose your language\"); and manifest.json with "
        "each file's text and the text's hash. Run it again after changing the survey: only changed texts are voiced again.\n"
        "Recorded audio in assets/audio/<survey>/<lang>/ with the same file names is played instead (docs/read_aloud.md).\n"
        "Voices: en (en-gb), es, fr, pt, bn, ar, zh-Hans (cmn), sq. Somali has none: record it.\n"
        "Exit status: 0 done; 1 the language has no voice, a text could not be voiced, or the survey is invalid; 2 bad "
        "command line, or espeak-ng is not installed.");
    return [args, &out, &err]() -> int {
        if (args->survey.survey_id.empty() && args->survey.survey.empty()) {
            err << "fieldkiosk-ctl voice: name the survey with --survey ID (and its folder with --surveys DIR)\n";
            return k_exit_usage;
        }
        const core::SurveyPtr survey = resolve_survey(args->survey, err);
        if (!survey) return k_exit_invalid;
        const std::string& lang = args->lang;
        if (!survey->has_language(lang)) {
            std::string have;
            for (const auto& l : survey->languages) have += (have.empty() ? "" : ", ") + l.code;
            err << "fieldkiosk-ctl voice: survey '" << survey->id << "' (" << survey->file.string() << ") has no language '"
                << lang << "'; it has " << have << "\n";
            return k_exit_invalid;
        }
        const auto voice = core::espeak_voice(lang);
        if (!voice) {
            err << "fieldkiosk-ctl voice: espeak-ng has no voice for '" << lang << "' (" << survey->language(lang)->name
                << "), so no audio was made. Record it instead: WAV files named as in docs/read_aloud.md, in assets/audio/"
                << survey->id << "/" << lang << "/\n";
            return k_exit_invalid;
        }
        const auto espeak = find_program(args->espeak);
        if (!espeak) {
            err << "fieldkiosk-ctl voice: the espeak-ng program was not found (looked for '" << args->espeak
                << "' in PATH). Install it with 'sudo apt-get install espeak-ng', or give its path with --espeak PATH\n";
            return k_exit_usage;
        }
        const fs::path surveys_dir = survey->file.parent_path();
        const fs::path out_root = args->out_dir.empty() ? surveys_dir / "audio" : fs::path(args->out_dir);
        fs::path strings_dir = args->strings_dir;
        if (strings_dir.empty()) {
            const char* env = std::getenv("FIELDKIOSK_ASSETS");
            strings_dir = env && *env ? fs::path(env) / "strings" : surveys_dir.parent_path() / "assets" / "strings";
        }
        const auto texts = texts_to_voice(*survey, lang, strings_dir, err);
        if (!texts) return texts.error();
        return voice_into(core::generated_audio_dir(out_root, *survey, lang), *texts, *espeak, *voice, args->speed, *survey,
                          lang, out, err);
    };
}

}  // namespace fieldkiosk::tools
