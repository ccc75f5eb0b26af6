// fieldkiosk::exports XlsxExport over libxlsxwriter (constant_memory mode).
#include "exports/xlsx.hpp"

#include "core/value.hpp"
#include "exports/codebook.hpp"

#include <xlsxwriter.h>

#include <cmath>
#include <limits>
#include <system_error>

namespace fieldkiosk::exports {

namespace {

constexpr std::size_t k_max_rows = 1'048'576;  // Excel's sheet limit, header row included
constexpr std::size_t k_max_cell = 32'767;     // characters in one cell

std::string cell_name(std::size_t row, std::size_t col) {
    std::string letters;
    for (std::size_t c = col + 1; c > 0; c = (c - 1) / 26) letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
    return letters + std::to_string(row + 1);
}

// Columns whose cells are numbers when they parse as one: 0/1 options, integer, decimal, scale, calculations.
bool numeric(const Column& c) {
    if (c.kind == ColumnKind::Option || c.kind == ColumnKind::Sealed) return true;
    if (c.kind == ColumnKind::Calculated) return true;
    if (c.kind != ColumnKind::Answer) return false;
    const auto t = c.question->type;
    return t == core::QuestionType::Integer || t == core::QuestionType::Decimal || t == core::QuestionType::Scale;
}

}  // namespace

struct XlsxExport::State {
    std::filesystem::path file;
    lxw_workbook* book = nullptr;
    lxw_worksheet* data = nullptr;
    lxw_worksheet* codes = nullptr;
    lxw_format* bold = nullptr;
    std::vector<bool> numeric;
    std::vector<std::vector<std::string>> codebook;
    std::size_t next_row = 0;

    std::expected<void, std::string> write(lxw_worksheet* sheet, std::size_t row, const std::vector<std::string>& cells,
                                           lxw_format* format, const std::vector<bool>* numbers) {
        if (row >= k_max_rows)
            return std::unexpected("row " + std::to_string(row + 1) + ": an .xlsx sheet holds at most " +
                                   std::to_string(k_max_rows) + " rows; export the wide CSV instead");
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string& v = cells[c];
            if (v.empty()) continue;
            if (v.size() > k_max_cell)
                return std::unexpected("cell " + cell_name(row, c) + ": longer than the " + std::to_string(k_max_cell) +
                                       " characters an .xlsx cell holds");
            lxw_error rc = LXW_NO_ERROR;
            const double d = numbers && c < numbers->size() && (*numbers)[c] ? core::parse_xpath_number(v)
                                                                             : std::numeric_limits<double>::quiet_NaN();
            if (std::isfinite(d))
                rc = worksheet_write_number(sheet, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(c), d, format);
            else
                rc = worksheet_write_string(sheet, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(c), v.c_str(), format);
            if (rc != LXW_NO_ERROR) return std::unexpected("cell " + cell_name(row, c) + ": " + lxw_strerror(rc));
        }
        return {};
    }

    ~State() {
        if (!book) return;
        workbook_close(book);  // unfinished: close and remove the half-written file
        std::error_code ec;
        std::filesystem::remove(file, ec);
    }
};

XlsxExport::XlsxExport(std::unique_ptr<State> state) : m_state(std::move(state)) {}
XlsxExport::XlsxExport(XlsxExport&&) noexcept = default;
XlsxExport& XlsxExport::operator=(XlsxExport&&) noexcept = default;
XlsxExport::~XlsxExport() = default;

std::expected<XlsxExport, std::string> XlsxExport::create(const std::filesystem::path& file, const WideTable& table) {
    auto st = std::make_unique<State>();
    st->file = file;
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.use_zip64 = LXW_TRUE;
    st->book = workbook_new_opt(file.c_str(), &options);
    if (!st->book) return std::unexpected("cannot create " + file.string());
    st->data = workbook_add_worksheet(st->book, "data");
    st->codes = workbook_add_worksheet(st->book, "codebook");
    st->bold = workbook_add_format(st->book);
    if (!st->data || !st->codes || !st->bold) return std::unexpected("cannot create the sheets of " + file.string());
    format_set_bold(st->bold);
    for (const auto& c : table.columns()) st->numeric.push_back(numeric(c));
    // The codebook is small (one row per column): kept until finish() so that the data sheet is written first.
    st->codebook.push_back(codebook_header());
    for (const auto& r : codebook(table)) st->codebook.push_back(codebook_cells(r));
    if (auto w = st->write(st->data, 0, table.header(), st->bold, nullptr); !w)
        return std::unexpected(file.string() + ": data sheet: " + w.error());
    st->next_row = 1;
    return XlsxExport(std::move(st));
}

std::expected<void, std::string> XlsxExport::add_row(const std::vector<std::string>& cells) {
    if (auto w = m_state->write(m_state->data, m_state->next_row, cells, nullptr, &m_state->numeric); !w)
        return std::unexpected(m_state->file.string() + ": data sheet: " + w.error());
    ++m_state->next_row;
    return {};
}

std::expected<std::size_t, std::string> XlsxExport::finish() {
    State& st = *m_state;
    for (std::size_t r = 0; r < st.codebook.size(); ++r)
        if (auto w = st.write(st.codes, r, st.codebook[r], r == 0 ? st.bold : nullptr, nullptr); !w)
            return std::unexpected(st.file.string() + ": codebook sheet: " + w.error());
    lxw_workbook* book = st.book;
    st.book = nullptr;
    if (const lxw_error rc = workbook_close(book); rc != LXW_NO_ERROR) {
        std::error_code ec;
        std::filesystem::remove(st.file, ec);
        return std::unexpected("cannot write " + st.file.string() + ": " + lxw_strerror(rc));
    }
    return st.next_row - 1;
}

}  // namespace fieldkiosk::exports
