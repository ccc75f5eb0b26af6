// fieldkiosk::sync::server::SurveyLibrary — every survey version the receiver knows at one moment: the
// Validator that judges responses (all versions, so a response made with an old version is still
// accepted) and the published definitions kiosks download (GET /v1/surveys, GET /v1/surveys/ID/VERSION;
// docs/sync_protocol.md, "Survey updates").
//
// Index:
//   PublishedSurvey   one version as served: the expanded, self-contained JSON and its SHA-256
//   SurveyLibrary     load() from the --surveys paths, from_validator(); index_json(), etag(), find(),
//                     changed_since() (a reload must not change a version already served)
//
// A library is immutable once built and shared as std::shared_ptr<const SurveyLibrary>; the server swaps
// the whole pointer on a reload (SIGHUP), so a batch being judged keeps the library it started with.
// Thread-safety: every const method is safe from many threads.
#pragma once

#include "sync/server/validator.hpp"

#include <expected>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::sync::server {

struct PublishedSurvey {
    std::string id, version;
    bool enabled = true;
    std::string document;  // core::expand_survey_file(): blocks inlined, loads on its own
    std::string sha256;    // of `document`, lower-case hex
    std::filesystem::path file;  // where it was read from (for messages)
};

class SurveyLibrary {
public:
    struct Loaded {
        std::shared_ptr<const SurveyLibrary> library;
        std::vector<std::string> warnings;  // problems in files that were left out ("file: question.field: message")
    };
    // Loads every version found in `paths` (core::LoadOptions::all_versions). strict: any problem in any
    // file fails the whole load (a reload must never half-apply, nor serve a broken survey); not strict:
    // broken files are left out and reported as warnings (start-up, as before). Fails too when no valid
    // survey is left. The error lists every problem, one per line.
    [[nodiscard]] static std::expected<Loaded, std::vector<std::string>> load(std::span<const std::filesystem::path> paths,
                                                                              bool strict);
    // Publishes the validator's catalog (surveys whose files cannot be expanded are not published; their
    // problems go to `warnings` if given). Never fails.
    [[nodiscard]] static std::shared_ptr<const SurveyLibrary> from_validator(std::shared_ptr<const Validator> validator,
                                                                             std::vector<std::string>* warnings = nullptr);

    [[nodiscard]] const Validator& validator() const { return *m_validator; }
    [[nodiscard]] const std::shared_ptr<const Validator>& validator_ptr() const { return m_validator; }
    // {"surveys": [{"id", "version", "sha256", "bytes"}]}: the current version of each enabled survey, by id.
    [[nodiscard]] const std::string& index_json() const { return m_index; }
    // Quoted, changes whenever the index does; empty (no ETag, no 304) in the unlikely case that its digest
    // could not be computed.
    [[nodiscard]] const std::string& etag() const { return m_etag; }
    // Any known version (old ones too), or null.
    [[nodiscard]] const PublishedSurvey* find(std::string_view id, std::string_view version) const;
    // One line per version that both this library and `before` publish with different documents (a
    // survey edited in place without raising its version: responses would be judged against other
    // questions than the kiosks that downloaded it show): "FILE: survey 'food' version 2026.1 changed
    // without a new version; raise "version" (kiosks already have 2026.1)". Empty when there is none.
    [[nodiscard]] std::vector<std::string> changed_since(const SurveyLibrary& before) const;
    // "food 1, food 2 (current), safety 2026-11-01 (current)": for the log.
    [[nodiscard]] std::string summary() const;

private:
    std::shared_ptr<const Validator> m_validator;
    std::vector<PublishedSurvey> m_published;
    std::string m_index, m_etag;
};

}  // namespace fieldkiosk::sync::server
