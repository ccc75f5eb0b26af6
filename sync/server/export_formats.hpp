// fieldkiosk::sync::server analysis-ready exports — the receiver's side of exports/ (docs/exports.md): one
// survey's stored responses as the wide CSV, its codebook, SPSS syntax or an .xlsx workbook, written through
// any writer (the HTTP body, a file) and recorded in the audit log like the long CSV (export_audit.hpp).
//
// Index:
//   ExportFormat          csv (the long CSV, export_csv.hpp), wide, codebook, sps, xlsx
//   export_format_*       names, file suffixes (GET /v1/export/ID.wide.csv ...) and content types
//   ExportRequest         survey, format, labels language
//   ExportFailure         why an export did not happen: the kind says which HTTP status fits
//   export_survey_to      writes one export; the wide formats read the survey's CURRENT version from `catalog`
//   export_wide_from_csv  the wide CSV from a long CSV file (`fieldkiosk-server decrypt`'s output, where the key is)
//   fill_record           a stored row as the wide table reads it
//
// Thread-safety: as safe as the Storage it is given; the catalog is immutable.
#pragma once

#include "core/loader.hpp"
#include "sync/server/export_audit.hpp"
#include "sync/server/http_message.hpp"
#include "sync/server/quality.hpp"

#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fieldkiosk::exports {
struct ResponseRecord;
}

namespace fieldkiosk::sync::server {

// A stored row as exports::WideTable::row reads it, into `r` (its strings reused: assignment keeps their capacity).
void fill_record(exports::ResponseRecord& r, const ExportRow& row);

enum class ExportFormat : std::uint8_t { Csv, Wide, Codebook, Sps, Xlsx };

[[nodiscard]] std::optional<ExportFormat> export_format_from_string(std::string_view name);  // "csv", "wide", ...
[[nodiscard]] std::string_view to_string(ExportFormat f);
[[nodiscard]] std::string_view export_suffix(ExportFormat f);  // ".csv", ".wide.csv", ".codebook.csv", ".sps", ".xlsx"
[[nodiscard]] std::optional<ExportFormat> export_format_from_suffix(std::string_view suffix);  // "wide.csv" -> Wide
[[nodiscard]] std::string_view export_content_type(ExportFormat f);

struct ExportRequest {
    std::string survey;
    ExportFormat format = ExportFormat::Csv;
    std::string labels;  // wide, codebook, sps, xlsx: a language of the survey (empty: codes; the default language's labels)
    // The thresholds of the quality_flags column (server.toml [quality]).
    QualitySettings quality;
};

struct ExportFailure {
    enum class Kind : std::uint8_t {
        UnknownSurvey,  // not among the definitions the receiver was given (404)
        BadRequest,     // e.g. a language the survey does not have (400)
        Failed,         // the database, the output or the audit log failed (500)
    };
    Kind kind = Kind::Failed;
    std::string message;
};

// Writes the export through `write` (false: stop) and records one audit entry, as export_csv_to() does, and
// returns the number of response rows written. The long CSV needs no definitions (`catalog` may be null); the
// others need the survey in `catalog` (UnknownSurvey otherwise; checked before anything is written or audited).
// Each row's quality_flags and quality_reasons are computed with request.quality in one read of the survey's
// responses first; the survey's definition, when `catalog` has it, gives the straight-lining items.
// `warn`, when set, receives one line per response whose payload did not fit the wide table (it is still written,
// as stored: nothing is dropped), naming the row and response id. An .xlsx is made in a temporary file (in
// `temp_dir`, default the system's) in constant memory and then copied through `write` in 64 KiB pieces.
[[nodiscard]] std::expected<std::int64_t, ExportFailure> export_survey_to(
    Storage& storage, const core::Catalog* catalog, const ExportRequest& request,
    const std::function<bool(std::string_view)>& write, const ExportAudit& audit,
    const std::function<void(const std::string&)>& warn = {}, const std::filesystem::path& temp_dir = {});

// An export's bytes written to a temporary file that has no name (O_TMPFILE, or a name removed at once), so it
// is gone with its descriptor, after a crash too. The receiver answers GET /v1/export/... from it: the export costs
// disk, not memory, whatever its size, and one that fails part-way is still answered 500 before any byte is sent.
class ExportSpool {
public:
    // In `dir` (when empty: $TMPDIR, else /tmp); the error names the folder and the reason.
    [[nodiscard]] static std::expected<ExportSpool, std::string> open(const std::filesystem::path& dir = {});
    ExportSpool(ExportSpool&& other) noexcept;
    ExportSpool& operator=(ExportSpool&&) = delete;
    ExportSpool(const ExportSpool&) = delete;
    ExportSpool& operator=(const ExportSpool&) = delete;
    ~ExportSpool();

    bool write(std::string_view part);  // buffered; false once a write failed (error() says why)
    bool flush();                       // what is buffered, to the file; false as write()
    // Everything written, as an HTTP body; nullptr when a write failed.
    [[nodiscard]] std::shared_ptr<const FileBody> finish();
    [[nodiscard]] const std::string& error() const { return m_error; }

private:
    ExportSpool(int fd, std::filesystem::path dir) : m_fd(fd), m_dir(std::move(dir)) {}
    int m_fd = -1;
    std::filesystem::path m_dir;
    std::string m_buf, m_error;
    std::size_t m_size = 0;
};

// The wide CSV of `request.survey` made from a long CSV export read from `in` (e.g. what `fieldkiosk-server decrypt`
// wrote), row by row: the sealed rows a receiver cannot widen are widened where the key is. Rows of other surveys
// are skipped. The quality columns are recomputed with request.quality over the rows' (opened) answers, in a first
// pass over `in`: the receiver could judge a sealed response by its kiosk and times only, so duplicates and
// straight-lining show only here. An `in` that cannot be rewound (standard input) keeps the long CSV's quality
// columns, and `warn` says so. Not audited (no database is read). A malformed input row is BadRequest, naming its
// line.
[[nodiscard]] std::expected<std::int64_t, ExportFailure> export_wide_from_csv(
    std::istream& in, const core::Catalog& catalog, const ExportRequest& request,
    const std::function<bool(std::string_view)>& write, const std::function<void(const std::string&)>& warn = {});

}  // namespace fieldkiosk::sync::server
