// fieldkiosk::sync::server analysis-ready exports over exports/ (WideTable, codebook, SPSS, XlsxExport).
#include "sync/server/export_formats.hpp"

#include "exports/codebook.hpp"
#include "exports/wide.hpp"
#include "exports/xlsx.hpp"
#include "sync/server/export_csv.hpp"
#include "sync/server/quality_rows.hpp"

#include <array>
#include <fstream>
#include <future>
#include <random>

namespace fieldkiosk::sync::server {

namespace {

struct FormatInfo {
    ExportFormat format;
    std::string_view name, suffix, content_type;
};
constexpr std::array<FormatInfo, 5> k_formats{{
    {ExportFormat::Csv, "csv", ".csv", "text/csv; charset=utf-8"},
    {ExportFormat::Wide, "wide", ".wide.csv", "text/csv; charset=utf-8"},
    {ExportFormat::Codebook, "codebook", ".codebook.csv", "text/csv; charset=utf-8"},
    {ExportFormat::Sps, "sps", ".sps", "text/plain; charset=utf-8"},
    {ExportFormat::Xlsx, "xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
}};

const FormatInfo& info(ExportFormat f) { return k_formats[static_cast<std::size_t>(f)]; }

}  // namespace

void fill_record(exports::ResponseRecord& r, const ExportRow& row) {
    r.id = row.id;
    r.kiosk = row.kiosk;
    r.survey_version = row.survey_version;
    r.completed_at = row.completed_at;
    r.received_at = row.received_at;
    r.payload = row.payload;  // site, mode, language and started_at come from it
    r.quality_flags = row.quality_flags;
    r.quality_reasons = row.quality_reasons;
}

namespace {

exports::ResponseRecord record_of(const ExportRow& row) {
    exports::ResponseRecord r;
    fill_record(r, row);
    return r;
}

// A stored response's wide cells; a payload that did not fit is reported through `warn`, naming its row.
class WideRows {
public:
    WideRows(const exports::WideTable& table, const std::function<void(const std::string&)>& warn)
        : m_table(table), m_warn(warn) {}
    std::vector<std::string> cells(const ExportRow& row) {
        ++m_line;
        auto out = m_table.row(record_of(row), &m_problem);
        if (m_warn && !m_problem.empty())
            m_warn("row " + std::to_string(m_line) + " (response " + row.id + "): " + m_problem + "; written as stored");
        return out;
    }

private:
    const exports::WideTable& m_table;
    const std::function<void(const std::string&)>& m_warn;
    std::int64_t m_line = 1;  // the header
    std::string m_problem;
};

// The wide CSV's lines made on two threads, written in order: the rows come in batches; when one is full, a
// worker makes the lines of most of it while this thread makes the rest, then goes on reading the next batch. So
// the database read overlaps the work on the payloads, which is most of an export's time (docs/performance.md).
// Memory: two batches. A payload that did not fit is reported through `warn` with its row, in order, as WideRows
// does. WideTable::row is const and reads only its arguments, so the two threads share the table.
class WideLines {
public:
    WideLines(const exports::WideTable& table, const std::function<void(const std::string&)>& warn,
              const std::function<bool(std::string_view)>& write)
        : m_table(table), m_warn(warn), m_write(write) {
        m_filling.first_line = m_next_line;
    }
    ~WideLines() {
        if (m_pending.valid()) m_pending.wait();
    }
    WideLines(const WideLines&) = delete;
    WideLines& operator=(const WideLines&) = delete;

    // false: the output failed (rows written so far: written()).
    bool add(const ExportRow& row) {
        Batch& b = m_filling;
        if (b.count == b.rows.size()) b.rows.emplace_back();
        fill_record(b.rows[b.count++], row);  // assigned into the strings of an earlier batch: no allocation
        return b.count < k_batch || hand_over();
    }
    bool finish() {
        if (!settle()) return false;
        make(m_filling, 0, m_filling.count, m_filling.head, m_filling.head_problems);
        return put(m_filling);
    }
    [[nodiscard]] std::int64_t written() const { return m_written; }

private:
    static constexpr std::size_t k_batch = 256;
    struct Batch {
        std::vector<exports::ResponseRecord> rows;  // [0, count) in use; the rest kept for their strings' capacity
        std::size_t count = 0;
        std::int64_t first_line = 0;
        std::size_t split = 0;  // rows [0, split) made here, [split, size) by the worker
        std::string head, tail;
        std::vector<std::pair<std::size_t, std::string>> head_problems, tail_problems;  // (row index, note)
    };

    void make(const Batch& b, std::size_t from, std::size_t to, std::string& text,
              std::vector<std::pair<std::size_t, std::string>>& problems) const {
        std::string problem;
        for (std::size_t i = from; i < to; ++i) {
            problem.clear();
            text += exports::csv_line(m_table.row(b.rows[i], &problem));
            if (!problem.empty()) problems.emplace_back(i, problem);
        }
    }
    // The batch given to the worker last: waited for and written.
    bool settle() {
        if (!m_pending.valid()) return true;
        m_pending.get();  // rethrows what the worker threw (out of memory)
        return put(m_worked);
    }
    bool put(Batch& b) {
        for (auto* part : {&b.head_problems, &b.tail_problems})
            for (const auto& [i, note] : *part)
                if (m_warn)
                    m_warn("row " + std::to_string(b.first_line + static_cast<std::int64_t>(i)) + " (response " + b.rows[i].id +
                           "): " + note + "; written as stored");
        const bool ok = (b.head.empty() || m_write(b.head)) && (b.tail.empty() || m_write(b.tail));
        if (ok) m_written += static_cast<std::int64_t>(b.count);
        b.count = 0;
        b.head.clear();
        b.tail.clear();
        b.head_problems.clear();
        b.tail_problems.clear();
        return ok;
    }
    bool hand_over() {
        if (!settle()) return false;
        std::swap(m_worked, m_filling);
        m_worked.first_line = m_next_line;
        m_next_line += static_cast<std::int64_t>(m_worked.count);
        m_filling.first_line = m_next_line;
        m_worked.split = m_worked.count * 2 / 5;  // this thread also reads the database
        m_pending = std::async(std::launch::async,
                               [this] { make(m_worked, m_worked.split, m_worked.count, m_worked.tail, m_worked.tail_problems); });
        make(m_worked, 0, m_worked.split, m_worked.head, m_worked.head_problems);
        return true;
    }

    const exports::WideTable& m_table;
    const std::function<void(const std::string&)>& m_warn;
    const std::function<bool(std::string_view)>& m_write;
    Batch m_filling, m_worked;
    std::future<void> m_pending;
    std::int64_t m_next_line = 2;  // line 1 is the header
    std::int64_t m_written = 0;
};

std::filesystem::path temp_file(const std::filesystem::path& dir, std::string_view survey) {
    std::random_device rd;
    const auto base = dir.empty() ? std::filesystem::temp_directory_path() : dir;
    return base / ("fieldkiosk-export-" + std::string(survey) + "-" + std::to_string(rd()) + std::to_string(rd()) + ".xlsx");
}

// .xlsx: libxlsxwriter writes a file in temp_dir; made in constant memory, then copied through `write`.
bool export_xlsx(Storage& storage, const ExportRequest& request, const exports::WideTable& table, WideRows& wide,
                 const std::function<bool(std::string_view)>& write, const ExportAudit& audit, const ExportQuality& quality,
                 const std::filesystem::path& temp_dir, std::int64_t* rows, std::string* error) {
    const auto file = temp_file(temp_dir, request.survey);
    std::optional<exports::XlsxExport> book;
    const ExportSteps steps{
        [&](std::string& why) {
            auto b = exports::XlsxExport::create(file, table);
            if (!b)
                why = b.error();
            else
                book.emplace(std::move(*b));
            return b.has_value();
        },
        [&](const ExportRow& row, std::string& why) {
            auto added = book->add_row(wide.cells(row));
            if (!added) why = "response " + row.id + ": " + added.error();
            return added.has_value();
        },
        [&](std::string& why) {
            auto n = book->finish();
            if (!n) {
                why = n.error();
                return false;
            }
            std::ifstream in(file, std::ios::binary);
            std::array<char, 65536> buffer{};
            while (in) {
                in.read(buffer.data(), buffer.size());
                if (in.gcount() > 0 && !write(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())))) {
                    why = "the output could not be written";
                    return false;
                }
            }
            if (in.bad()) why = "cannot read back " + file.string();
            return !in.bad();
        },
        &quality};
    const bool ok = export_audited(storage, request.survey, steps, audit, rows, error);
    book.reset();
    std::error_code ec;
    std::filesystem::remove(file, ec);
    return ok;
}

}  // namespace

std::optional<ExportFormat> export_format_from_string(std::string_view name) {
    for (const auto& f : k_formats)
        if (f.name == name) return f.format;
    return std::nullopt;
}
std::string_view to_string(ExportFormat f) { return info(f).name; }
std::string_view export_suffix(ExportFormat f) { return info(f).suffix; }
std::optional<ExportFormat> export_format_from_suffix(std::string_view suffix) {
    for (const auto& f : k_formats)
        if (f.suffix.substr(1) == suffix) return f.format;
    return std::nullopt;
}
std::string_view export_content_type(ExportFormat f) { return info(f).content_type; }

std::expected<std::int64_t, ExportFailure> export_survey_to(Storage& storage, const core::Catalog* catalog,
                                                            const ExportRequest& request,
                                                            const std::function<bool(std::string_view)>& write,
                                                            const ExportAudit& audit,
                                                            const std::function<void(const std::string&)>& warn,
                                                            const std::filesystem::path& temp_dir) {
    std::int64_t rows = 0;
    std::string error;
    const auto done = [&](bool ok) -> std::expected<std::int64_t, ExportFailure> {
        if (!ok) return std::unexpected(ExportFailure{ExportFailure::Kind::Failed, error});
        return rows;
    };
    core::SurveyPtr survey = catalog ? catalog->find(request.survey) : nullptr;
    const ExportQuality quality{request.quality, survey};
    if (request.format == ExportFormat::Csv) {
        const auto text = [&](const std::string& part) { return write(part); };
        return done(export_csv_to(storage, request.survey, text, audit, quality, &error, &rows));
    }

    if (!survey)
        return std::unexpected(ExportFailure{ExportFailure::Kind::UnknownSurvey,
                                             "survey '" + request.survey +
                                                 "' is not among the survey definitions this receiver was given (--surveys); "
                                                 "the " +
                                                 std::string(to_string(request.format)) +
                                                 " export needs its definition (the long CSV does not)"});
    auto table = exports::WideTable::make(survey, exports::WideOptions{request.labels});
    if (!table) return std::unexpected(ExportFailure{ExportFailure::Kind::BadRequest, table.error()});

    // The codebook and the SPSS syntax read no response: written whole, audited with 0 rows.
    if (request.format == ExportFormat::Codebook || request.format == ExportFormat::Sps) {
        const std::string text =
            request.format == ExportFormat::Codebook ? exports::codebook_csv(*table) : exports::spss_syntax(*table);
        const ExportSteps steps{[&](std::string&) { return write(text); }, {}, {}};  // no row(): no response is read
        return done(export_audited(storage, request.survey, steps, audit, &rows, &error));
    }

    if (request.format == ExportFormat::Wide) {
        WideLines lines{*table, warn, write};
        ExportSteps steps{[&](std::string&) { return write(exports::csv_line(table->header())); },
                          [&](const ExportRow& row, std::string&) { return lines.add(row); },
                          [&](std::string&) { return lines.finish(); },
                          &quality};
        steps.written = [&lines] { return lines.written(); };
        return done(export_audited(storage, request.survey, steps, audit, &rows, &error));
    }

    WideRows wide{*table, warn};

    return done(export_xlsx(storage, request, *table, wide, write, audit, quality, temp_dir, &rows, &error));
}

namespace {

// The quality flags recomputed over the rows of `in` (e.g. decrypted answers, which the receiver could not see),
// then `in` rewound for the writing pass; nullopt (said through `warn`) when `in` cannot be read twice, as
// standard input cannot: the rows then keep the flags they came with.
std::expected<std::optional<ResponseFlags>, ExportFailure> flags_over_open_answers(
    std::istream& in, const core::Survey& survey, const ExportRequest& request, const std::function<void(const std::string&)>& warn) {
    const auto start = in.tellg();
    if (start == std::streampos(-1)) {
        if (warn)
            warn("standard input cannot be read twice, so the quality flags are copied from the input, not recomputed over "
                 "the opened answers; give the file itself to recompute them");
        return std::optional<ResponseFlags>();
    }
    ResponseFlags flags(request.quality, &survey);
    auto read = read_csv_export(in, [&](const ExportRow& row) {
        if (row.survey == request.survey) flags.add(row);
        return true;
    });
    if (!read) return std::unexpected(ExportFailure{ExportFailure::Kind::BadRequest, read.error()});
    flags.finish();
    in.clear();
    in.seekg(start);
    if (!in) return std::unexpected(ExportFailure{ExportFailure::Kind::Failed, "the input could not be read a second time"});
    return std::optional<ResponseFlags>(std::move(flags));
}

}  // namespace

std::expected<std::int64_t, ExportFailure> export_wide_from_csv(std::istream& in, const core::Catalog& catalog,
                                                                const ExportRequest& request,
                                                                const std::function<bool(std::string_view)>& write,
                                                                const std::function<void(const std::string&)>& warn) {
    const core::SurveyPtr survey = catalog.find(request.survey);
    if (!survey)
        return std::unexpected(ExportFailure{ExportFailure::Kind::UnknownSurvey,
                                             "survey '" + request.survey + "' is not in the definitions given (--surveys)"});
    auto table = exports::WideTable::make(survey, exports::WideOptions{request.labels});
    if (!table) return std::unexpected(ExportFailure{ExportFailure::Kind::BadRequest, table.error()});
    auto flags = flags_over_open_answers(in, *survey, request, warn);
    if (!flags) return std::unexpected(flags.error());
    WideRows wide{*table, warn};
    if (!write(exports::csv_line(table->header())))
        return std::unexpected(ExportFailure{ExportFailure::Kind::Failed, "the output could not be written"});
    bool written = true;
    std::int64_t rows = 0;
    ExportRow flagged;
    auto read = read_csv_export(in, [&](const ExportRow& row) {
        if (row.survey != request.survey) return true;  // an export holds one survey; skip any other
        if (*flags) {
            flagged = row;
            const QualityResult* q = (*flags)->find(row.id);
            flagged.quality_flags = q != nullptr ? flag_names(q->flags) : std::string();
            flagged.quality_reasons = q != nullptr ? q->reasons : std::string();
        }
        written = write(exports::csv_line(wide.cells(*flags ? flagged : row)));
        rows += written ? 1 : 0;
        return written;
    });
    if (!read) return std::unexpected(ExportFailure{ExportFailure::Kind::BadRequest, read.error()});
    if (!written) return std::unexpected(ExportFailure{ExportFailure::Kind::Failed, "the output could not be written"});
    return rows;
}

}  // namespace fieldkiosk::sync::server
