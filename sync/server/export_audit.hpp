// fieldkiosk::sync::server export_csv_to — one survey's export written through any writer (the HTTP body, a
// file), recorded in the audit log (who, when, what, how many rows) once written. No cpp-httplib types, so
// the HTTP layer and the command line share it.
//
// Thread-safety: as safe as the Storage it is given (every Storage is safe from many threads).
#pragma once

#include "core/clock.hpp"
#include "core/survey.hpp"
#include "sync/server/quality.hpp"
#include "sync/server/storage.hpp"

#include <functional>
#include <ostream>
#include <string>

namespace fieldkiosk::sync::server {

struct ExportAudit {
    Storage& storage;
    const core::Clock& clock;
    std::string who, what;
    // When set: called after the export's last byte and before its entry is written, to put what is still
    // buffered where it goes (an HTTP export's ExportSpool); false makes the export "cut short" (`why` says why).
    std::function<bool(std::string& why)> flush = {};
};

// The quality flags an export writes (quality_rows.hpp), with `settings`. With the survey's `definition` (which
// names the straight-lining items) they are the receiver's kept flags (kept_figures.hpp), brought up to date
// before the rows are written and read with them; without it, computed in one read of the survey's responses.
struct ExportQuality {
    QualitySettings settings;
    core::SurveyPtr definition;  // may be null
};

// Writes the CSV header and every row of `survey` through `write` (false: stop), each with its quality flags,
// then records one audit entry with the number of rows written ("(cut short)" added to `what` when the export
// stopped early). Returns true only when the whole export was written AND recorded: a caller must not present
// an unrecorded export as complete. `error`, when given, receives the reason on failure.
[[nodiscard]] bool export_csv_to(Storage& storage, const std::string& survey,
                                 const std::function<bool(const std::string&)>& write, const ExportAudit& audit,
                                 const ExportQuality& quality, std::string* error = nullptr, std::int64_t* rows = nullptr);

// The loop every export shares (export_csv_to, export_formats.hpp): begin() (e.g. the header), row() for each
// stored response of `survey`, end() (e.g. closing a workbook); each returns false and sets its reason to stop.
// An empty row() reads no response (the codebook). Then one audit entry, as export_csv_to() says; the same return
// and `error` contract. `rows`, when given, receives the number of rows written. With `quality` set (and a row()),
// row() gets each response with quality_flags and quality_reasons filled (a response received after the flags
// were brought up to date has none): with a definition, from the kept flags in the same read as the rows, in
// constant memory; without one, from a first read of every response.
struct ExportSteps {
    std::function<bool(std::string& why)> begin;
    std::function<bool(const ExportRow& row, std::string& why)> row;
    std::function<bool(std::string& why)> end;
    const ExportQuality* quality = nullptr;
    // Set when row() may hold rows back (the wide CSV writes them in batches): the rows actually written, for
    // `rows` and the audit entry. Unset: each row() that returned true counts as written.
    std::function<std::int64_t()> written;
};
[[nodiscard]] bool export_audited(Storage& storage, const std::string& survey, const ExportSteps& steps, const ExportAudit& audit,
                                  std::int64_t* rows = nullptr, std::string* error = nullptr);

// `fieldkiosk-server audit`: the entries at or after `since` as a table (or JSON), oldest first. Control
// characters in names are shown as '?' (a terminal must not be driven by a token's name). Exit code 0, or 1
// when the database cannot be read.
[[nodiscard]] int run_audit_report(Storage& storage, std::string_view since, bool json, std::ostream& out, std::ostream& err);

}  // namespace fieldkiosk::sync::server
