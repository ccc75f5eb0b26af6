// fieldkiosk::sync::server analysis-ready exports over exports/ (WideTable, codebook, SPSS, XlsxExport).
#include "sync/server/export_formats.hpp"

#include "exports/codebook.hpp"
#include "exports/wide.hpp"
#include "exports/xlsx.hpp"
#include "sync/server/export_csv.hpp"
#include "sync/server/quality_rows.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <random>
#include <utility>

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

// The wide CSV's lines made on two threads, written in order. The rows come in batches. When one is full, a worker
// starts making its lines while this thread reads the next batch from the database; then this thread makes
// whatever lines of the earlier batch are still left, takes turns with the worker to the end, and writes them.
// The two threads take rows k_step at a time from one counter, so the work divides itself by their speeds (the
// read is fast or slow with the database and the machine; docs/performance.md). Memory: two batches. A payload
// that did not fit is reported through `warn` with its row, in order, as WideRows does. WideTable::row is const
// and reads only its arguments, so the two threads share the table.
class WideLines {
public:
    WideLines(const exports::WideTable& table, const std::function<void(const std::string&)>& warn,
              const std::function<bool(std::string_view)>& write)
        : m_table(table), m_warn(warn), m_write(write) {
        m_filling->first_line = m_next_line;
    }
    ~WideLines() {
        if (m_pending.valid()) m_pending.wait();
    }
    WideLines(const WideLines&) = delete;
    WideLines& operator=(const WideLines&) = delete;

    // false: the output failed (rows written so far: written()).
    bool add(const ExportRow& row) {
        Batch& b = *m_filling;
        if (b.count == b.rows.size()) b.grow();
        fill_record(b.rows[b.count++], row);  // assigned into the strings of an earlier batch: no allocation
        return b.count < k_batch || hand_over();
    }
    bool finish() {
        if (!settle()) return false;
        m_filling->next = 0;
        make(*m_filling);
        return put(*m_filling);
    }
    [[nodiscard]] std::int64_t written() const { return m_written; }

private:
    static constexpr std::size_t k_batch = 256, k_step = 8;
    struct Batch {
        std::vector<exports::ResponseRecord> rows;  // [0, count) in use; the rest kept for their strings' capacity
        std::vector<std::string> lines, problems;   // per row, as rows
        std::size_t count = 0;
        std::int64_t first_line = 0;
        std::atomic<std::size_t> next{0};  // the next row whose line is to be made, by either thread
        void grow() {
            rows.emplace_back();
            lines.emplace_back();
            problems.emplace_back();
        }
    };

    // Either thread: makes lines k_step rows at a time until every row of `b` is taken.
    void make(Batch& b) const {
        for (;;) {
            const std::size_t from = b.next.fetch_add(k_step, std::memory_order_relaxed);
            if (from >= b.count) return;
            for (std::size_t i = from, to = std::min(b.count, from + k_step); i < to; ++i) {
                b.problems[i].clear();
                b.lines[i] = exports::csv_line(m_table.row(b.rows[i], &b.problems[i]));
            }
        }
    }
    // The batch given to the worker last: its remaining lines made here too, then written.
    bool settle() {
        if (!m_pending.valid()) return true;
        make(*m_worked);
        m_pending.get();  // the worker's lines are all made (rethrows what it threw: out of memory)
        return put(*m_worked);
    }
    bool put(Batch& b) {
        m_out.clear();
        for (std::size_t i = 0; i < b.count; ++i) {
            if (m_warn && !b.problems[i].empty())
                m_warn("row " + std::to_string(b.first_line + static_cast<std::int64_t>(i)) + " (response " + b.rows[i].id +
                       "): " + b.problems[i] + "; written as stored");
            m_out += b.lines[i];
        }
        const bool ok = m_out.empty() || m_write(m_out);
        if (ok) m_written += static_cast<std::int64_t>(b.count);
        b.count = 0;
        return ok;
    }
    bool hand_over() {
        if (!settle()) return false;
        std::swap(m_worked, m_filling);
        m_worked->first_line = m_next_line;
        m_next_line += static_cast<std::int64_t>(m_worked->count);
        m_filling->first_line = m_next_line;
        m_worked->next = 0;
        m_pending = std::async(std::launch::async, [this] { make(*m_worked); });
        return true;
    }

    const exports::WideTable& m_table;
    const std::function<void(const std::string&)>& m_warn;
    const std::function<bool(std::string_view)>& m_write;
    std::array<Batch, 2> m_batches;
    Batch* m_filling = &m_batches[0];
    Batch* m_worked = &m_batches[1];
    std::future<void> m_pending;
    std::string m_out;
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

std::expected<ExportSpool, std::string> ExportSpool::open(const std::filesystem::path& dir) {
    const char* tmp = std::getenv("TMPDIR");  // as temp_directory_path(), which forgets the folder when it is missing
    const std::filesystem::path where = !dir.empty() ? dir : tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    int fd = ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    int err = errno;
    if (fd < 0 && (err == EOPNOTSUPP || err == EISDIR || err == EINVAL)) {  // a file system without O_TMPFILE
        std::string name = (where / "fieldkiosk-export-XXXXXX").string();
        fd = ::mkostemp(name.data(), O_CLOEXEC);
        err = errno;
        if (fd >= 0) ::unlink(name.c_str());
    }
    if (fd < 0) return std::unexpected("cannot make a temporary file for the export in " + where.string() + ": " + std::strerror(err));
    return ExportSpool(fd, where);
}

ExportSpool::ExportSpool(ExportSpool&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_dir(std::move(other.m_dir)), m_buf(std::move(other.m_buf)),
      m_error(std::move(other.m_error)), m_size(other.m_size) {}

ExportSpool::~ExportSpool() {
    if (m_fd >= 0) ::close(m_fd);
}

bool ExportSpool::write(std::string_view part) {
    if (!m_error.empty()) return false;
    m_buf += part;
    return m_buf.size() < (1u << 20) || flush();
}

bool ExportSpool::flush() {
    if (!m_error.empty()) return false;
    for (std::size_t off = 0; off < m_buf.size();) {
        const ssize_t n = ::write(m_fd, m_buf.data() + off, m_buf.size() - off);
        const int err = n < 0 ? errno : ENOSPC;
        if (n < 0 && err == EINTR) continue;
        if (n <= 0) {
            m_error = "cannot write the export to a temporary file in " + m_dir.string() + ": " + std::strerror(err);
            return false;
        }
        off += static_cast<std::size_t>(n);
        m_size += static_cast<std::size_t>(n);
    }
    m_buf.clear();
    return true;
}

std::shared_ptr<const FileBody> ExportSpool::finish() {
    if (!flush()) return nullptr;
    return std::make_shared<const FileBody>(std::exchange(m_fd, -1), m_size);
}

}  // namespace fieldkiosk::sync::server
