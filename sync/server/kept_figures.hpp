// fieldkiosk::sync::server kept figures — what the receiver keeps derived from its responses, so that a report, a
// dashboard page or an export does not read every response each time: each response's quality flags
// (quality.hpp) and the figure cells of its indicators per month (results/tabulate.hpp's CellKey). They are
// brought up to date when they are about to be read (refresh_kept): a response received since the last refresh
// is read once and added to the cells, and the flags of the responses near it in time on its kiosk, the only
// ones a new response can change, are computed again. docs/results.md, "Kept figures".
//
// Index:
//   load_stored_frame              a stored response as the figures read it
//   KeptRequest, KeptStatus        the definitions and thresholds to keep figures for; what a refresh did
//   refresh_kept                   brings one survey's kept flags and cells up to date (one write transaction)
//   for_each_kept_cell             the cells of the total and the breakdowns asked for
//   for_each_kept_exception        the responses with a kept flag, or that could not be read for the figures
//   for_each_response_with_flags   every response with its kept flags, in export order (one snapshot)
//
// Tables (sql_storage.cpp's schema): kept_state (per survey: what the kept data were computed with, how many
// responses they cover), response_flags (one row per response seen: kiosk, completion time, flags, reasons,
// whether it is in the cells, why it could not be read) and figure_cells.
//
// What they were computed with is part of the data: when the survey's version, its indicator file or the
// quality thresholds change, the next refresh computes them again from the responses (the kept data follow the
// last thresholds used; docs/quality_flags.md). Responses are never changed or deleted by the receiver, so a
// response once added to the cells stays right.
// Thread-safety: as the Storage. Refreshes of one survey, also from two processes, take turns on its kept_state row.
#pragma once

#include "core/survey.hpp"
#include "results/tabulate.hpp"
#include "sync/server/quality.hpp"
#include "sync/server/storage.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace fieldkiosk::sync::server {

struct KeptRequest {
    core::SurveyPtr survey;                      // the newest version: frames, straight-lining items
    const results::IndicatorSet* set = nullptr;  // null: the flags only (the cells wait for a report)
    QualitySettings quality;
    // Responses whose flags are computed together (with their context): bounds the memory of a recomputation.
    std::size_t chunk_rows = 20'000;
};

struct KeptStatus {
    std::int64_t responses = 0;        // the survey's stored responses, all covered by the kept flags
    std::int64_t new_responses = 0;    // of those, seen for the first time by this refresh
    std::int64_t cells_added = 0;      // responses read into the cells by this refresh
    bool flags_recomputed = false;     // every flag computed again (first refresh, other thresholds or version)
    bool cells_rebuilt = false;        // every cell computed again (first refresh, other definitions)
};

// A stored response into `frame` as every reader of figures takes it: the payload, then the row's id, kiosk and
// completion time. An error (not JSON, sealed, an answer that does not fit) leaves the frame unchanged.
[[nodiscard]] std::expected<void, std::string> load_stored_frame(results::ResponseFrame& frame, const ExportRow& row);

[[nodiscard]] SResult<KeptStatus> refresh_kept(Storage& storage, const KeptRequest& request);

// Every kept cell of `survey` whose breakdown is "all" or one of `breakdowns`. Call after refresh_kept().
[[nodiscard]] SResult<void> for_each_kept_cell(Storage& storage, std::string_view survey, std::span<const std::string> breakdowns,
                                               const std::function<void(const results::CellKey&, const results::CellSums&)>& fn);

// Every response of `survey` that has a kept quality flag (`flags` non-zero, `reasons` its sentences) or could
// not be read for the figures (`unreadable` says why), with its stored row.
struct KeptException {
    std::uint8_t flags = 0;
    std::string reasons, unreadable;
};
[[nodiscard]] SResult<void> for_each_kept_exception(Storage& storage, std::string_view survey,
                                                    const std::function<bool(const ExportRow&, const KeptException&)>& fn);

// Every stored response of `survey`, as Storage::for_each_response gives them, with quality_flags and
// quality_reasons filled from the kept flags (empty for a response received after the last refresh).
// Read in one snapshot. The flagged responses are held `flagged_page` at a time (memory bounded whatever the
// number of responses); a test makes the pages small.
inline constexpr std::size_t k_flagged_page = 2'000;
[[nodiscard]] SResult<void> for_each_response_with_flags(Storage& storage, std::string_view survey,
                                                         const std::function<bool(const ExportRow&)>& fn,
                                                         std::size_t flagged_page = k_flagged_page);

}  // namespace fieldkiosk::sync::server
