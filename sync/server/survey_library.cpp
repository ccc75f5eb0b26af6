#include "sync/server/survey_library.hpp"

#include "sync/protocol/digest.hpp"

#include <nlohmann/json.hpp>

namespace fieldkiosk::sync::server {

using nlohmann::json;

std::expected<SurveyLibrary::Loaded, std::vector<std::string>> SurveyLibrary::load(std::span<const std::filesystem::path> paths,
                                                                                   bool strict) {
    auto catalog = core::load_paths(paths, core::LoadOptions{.all_versions = true});
    std::vector<std::string> problems;
    for (const auto& d : catalog.diagnostics) problems.push_back(d.to_string());
    if (strict && !problems.empty()) return std::unexpected(std::move(problems));
    if (catalog.surveys.empty()) {
        problems.emplace_back("no valid survey in the survey folder(s); every response would be rejected");
        return std::unexpected(std::move(problems));
    }
    std::vector<std::string> publish_problems;
    auto library = from_validator(std::make_shared<const Validator>(std::move(catalog)), &publish_problems);
    if (strict && !publish_problems.empty()) return std::unexpected(std::move(publish_problems));
    problems.insert(problems.end(), publish_problems.begin(), publish_problems.end());
    return Loaded{std::move(library), std::move(problems)};
}

std::shared_ptr<const SurveyLibrary> SurveyLibrary::from_validator(std::shared_ptr<const Validator> validator,
                                                                   std::vector<std::string>* warnings) {
    auto lib = std::make_shared<SurveyLibrary>();
    lib->m_validator = std::move(validator);
    const auto& catalog = lib->m_validator->catalog();
    for (const auto& s : catalog.surveys) {
        auto doc = core::expand_survey_file(s->file);
        if (!doc) {
            if (warnings)
                for (const auto& d : doc.error())
                    warnings->push_back(d.to_string() + " (survey '" + s->id + "' version '" + s->version + "' is not served)");
            continue;
        }
        PublishedSurvey p{s->id, s->version, s->enabled, std::move(*doc), {}, s->file};
        auto digest = protocol::sha256_hex(p.document);
        if (!digest) {  // a kiosk checks every download against it: no digest, not served
            if (warnings)
                warnings->push_back(digest.error() + " (survey '" + s->id + "' version '" + s->version + "' is not served)");
            continue;
        }
        p.sha256 = std::move(*digest);
        lib->m_published.push_back(std::move(p));
    }
    json list = json::array();
    for (const auto& current : catalog.current()) {
        if (!current->enabled) continue;
        if (const auto* p = lib->find(current->id, current->version))
            list.push_back({{"id", p->id}, {"version", p->version}, {"sha256", p->sha256}, {"bytes", p->document.size()}});
    }
    lib->m_index = json{{"surveys", std::move(list)}}.dump();
    if (auto digest = protocol::sha256_hex(lib->m_index)) lib->m_etag = "\"" + digest->substr(0, 32) + "\"";
    return lib;
}

const PublishedSurvey* SurveyLibrary::find(std::string_view id, std::string_view version) const {
    for (const auto& p : m_published)
        if (p.id == id && p.version == version) return &p;
    return nullptr;
}

std::vector<std::string> SurveyLibrary::changed_since(const SurveyLibrary& before) const {
    std::vector<std::string> out;
    for (const auto& now : m_published) {
        const auto* was = before.find(now.id, now.version);
        if (!was || was->sha256 == now.sha256) continue;
        out.push_back(now.file.string() + ": survey '" + now.id + "' version " + now.version +
                      " changed without a new version; raise \"version\" (kiosks already have " + now.version + ")");
    }
    return out;
}

std::string SurveyLibrary::summary() const {
    const auto& catalog = m_validator->catalog();
    const auto current = catalog.current();
    std::string out;
    for (const auto& s : catalog.surveys) {
        if (!out.empty()) out += ", ";
        out += s->id + " " + s->version;
        if (std::ranges::find(current, s) != current.end()) out += s->enabled ? " (current)" : " (current, disabled)";
    }
    return out;
}

}  // namespace fieldkiosk::sync::server
