// fieldkiosk::sync::server quality flags of stored responses — compute_quality() (quality.hpp) over what the
// receiver holds, for the exports (quality_flags, quality_reasons columns) and `report` (left out unless
// --include-flagged). docs/quality_flags.md.
//
// Index:
//   quality_input   one stored response (an ExportRow) as compute_quality() reads it
//   ResponseFlags   every response's flags by id: add() each row (one pass), finish(), then find()
//   flag_survey     the same over a survey's stored responses in one read of the database
//
// Flags are computed when asked, with the thresholds in force then, never stored: a threshold changed in
// server.toml applies to every response at once, old ones too, with no migration (docs/quality_flags.md).
// Thread-safety: a ResponseFlags is used by one thread; once finished, find() is const and safe from many.
#pragma once

#include "core/survey.hpp"
#include "sync/server/quality.hpp"
#include "sync/server/storage.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fieldkiosk::sync::server {

// Kiosk and times from the row (started_at from its payload); for an open payload, one answer_hash() per
// answer and the straight-lining items: the answers to `survey`'s scale questions (their value) and likert
// select_one questions (the chosen option's place on the list, from 1), in survey order. `survey` null: no
// straight-lining items (the other flags need no definition). A sealed payload gives kiosk and times only.
// A start time that cannot be read never makes a response too_fast; a completion time that cannot be read
// gives `known` false (the response is then never flagged: it cannot be placed in time).
// Unix seconds of an ISO 8601 UTC time (fleet.hpp's parse_utc); nullopt when it cannot be read.
[[nodiscard]] std::optional<std::int64_t> unix_seconds(std::string_view iso);

[[nodiscard]] QualityInput quality_input(const ExportRow& row, const core::Survey* survey, bool* known = nullptr);

class ResponseFlags {
public:
    ResponseFlags(QualitySettings settings, const core::Survey* survey) : m_settings(settings), m_survey(survey) {}

    void add(const ExportRow& row);  // before finish(); each response once
    void finish();                   // one compute_quality() over everything added
    // The flags of response `id`; null when it was not added (e.g. received after the pass) or has no flag.
    [[nodiscard]] const QualityResult* find(std::string_view id) const;
    [[nodiscard]] std::int64_t flagged() const { return m_flagged; }  // responses with at least one flag

private:
    QualitySettings m_settings;
    const core::Survey* m_survey;
    std::vector<QualityInput> m_inputs;
    std::unordered_map<std::string, QualityResult> m_flags;  // flagged responses only
    std::int64_t m_flagged = 0;
};

// One read of `survey`'s stored responses into a finished ResponseFlags.
[[nodiscard]] SResult<ResponseFlags> flag_survey(Storage& storage, std::string_view survey, const core::Survey* definition,
                                                 const QualitySettings& settings);

}  // namespace fieldkiosk::sync::server
