// Index:
//   keys             what kept data were computed with, as text compared with kept_state's
//   RowWriter        many rows in one INSERT (one round trip per few hundred rows, not per row)
//   new responses    the survey's responses not yet in response_flags, read in (received_at, id) pages
//   flags            computed again over a kiosk's time range, in chunks, context included
//   cells            the responses not yet in the cells, read once into a CellBuilder, then upserted
//   refresh_kept, readers
#include "sync/server/kept_figures.hpp"

#include "core/clock.hpp"
#include "sync/server/fleet.hpp"
#include "sync/server/quality_rows.hpp"
#include "sync/server/sql_connection.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <unordered_map>

namespace fieldkiosk::sync::server {

namespace {

// Raised when what a kept column means changes, so that data kept by an older receiver are computed again.
constexpr std::string_view k_flags_format = "flags 1", k_cells_format = "cells 1";
constexpr std::size_t k_page_rows = 20'000;      // new responses read per page
constexpr std::size_t k_most_ranges = 256;       // more separate time ranges on one kiosk: the closest joined
constexpr std::int64_t k_lookback_s = 3600;      // a batch stored this long before the last one seen may be new
constexpr std::int64_t k_far = std::numeric_limits<std::int64_t>::max() / 4;

std::string fnv_hex(std::string_view text) {
    std::uint64_t h = 1469598103934665603ull;
    for (const unsigned char c : text) h = (h ^ c) * 1099511628211ull;
    char out[17];
    const auto r = std::to_chars(out, out + 16, h, 16);
    return std::string(out, r.ptr);
}

std::string flags_key(const KeptRequest& r) {
    const QualitySettings& q = r.quality;
    std::ostringstream k;
    k << k_flags_format << '|' << r.survey->id << '|' << r.survey->version << '|' << q.burst_window_s << ',' << q.burst_count << ','
      << q.duplicate_window_s << ',' << q.near_identical_share << ',' << q.duplicate_min_answers << ',' << q.duplicate_max_compare
      << ',' << q.min_seconds_per_screen << ',' << q.straight_line_min_items;
    return k.str();
}

std::string cells_key(const KeptRequest& r) {
    std::ifstream in(r.set->file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::string ids;  // an indicator set made in memory (tests) has no file: its ids stand in
    for (const auto& i : r.set->indicators) ids += i.id + ",";
    return std::string(k_cells_format) + "|" + r.survey->id + "|" + r.survey->version + "|" + fnv_hex(text.str()) + "|" + fnv_hex(ids);
}

// Rows added in INSERT statements of many rows each. `columns` lists each column's placeholder form, "?" or e.g.
// "CAST(? AS DOUBLE PRECISION)" (PostgreSQL types a text parameter as text). A row is its values, one call each
// (text, integer, null), then end_row(); the values are owned here until their statement has run.
class RowWriter {
public:
    RowWriter(SqlConnection& c, std::string head, std::vector<std::string> columns, std::string tail)
        : m_c(c), m_head(std::move(head)), m_columns(std::move(columns)), m_tail(std::move(tail)),
          m_per_statement(std::max<std::size_t>(1, c.dialect().insert_parameters / m_columns.size())) {}

    RowWriter& text(std::string_view s) {
        m_params.push_back({Param::Kind::Text, 0, m_texts.size()});
        m_texts.emplace_back(s);
        return *this;
    }
    RowWriter& integer(std::int64_t n) {
        m_params.push_back({Param::Kind::Integer, n, 0});
        return *this;
    }
    RowWriter& null() {
        m_params.push_back({Param::Kind::Null, 0, 0});
        return *this;
    }
    SResult<void> end_row() {
        if (m_params.size() >= m_per_statement * m_columns.size()) return flush();
        return {};
    }

    SResult<void> flush() {
        if (m_params.empty()) return {};
        const std::size_t rows = m_params.size() / m_columns.size();
        std::string sql = m_head;
        std::size_t n = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            sql += r == 0 ? " (" : ", (";
            for (std::size_t c = 0; c < m_columns.size(); ++c) {
                const std::string& form = m_columns[c];
                const auto q = form.find('?');
                sql += (c == 0 ? "" : ", ") + form.substr(0, q + 1) + std::to_string(++n) + form.substr(q + 1);
            }
            sql += ")";
        }
        sql += m_tail;
        std::vector<SqlValue> values;
        values.reserve(m_params.size());
        for (const auto& p : m_params) {
            if (p.kind == Param::Kind::Text)
                values.emplace_back(std::string_view(m_texts[p.text]));
            else if (p.kind == Param::Kind::Integer)
                values.emplace_back(p.integer);
            else
                values.emplace_back(nullptr);
        }
        auto r = m_c.execute(sql, values);
        m_params.clear();
        m_texts.clear();
        if (!r) return std::unexpected(r.error());
        return {};
    }

private:
    struct Param {
        enum class Kind : std::uint8_t { Null, Integer, Text } kind;
        std::int64_t integer;
        std::size_t text;  // index into m_texts
    };
    SqlConnection& m_c;
    std::string m_head;
    std::vector<std::string> m_columns;
    std::string m_tail;
    std::size_t m_per_statement;
    std::vector<Param> m_params;
    std::vector<std::string> m_texts;
};

std::string real_text(double x) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
}

SResult<std::int64_t> count(SqlConnection& c, std::string_view sql, std::string_view survey) {
    std::int64_t n = 0;
    const std::array<SqlValue, 1> p{survey};
    auto r = c.query(sql, p, [&](const SqlRow& row) {
        n = row.int64(0);
        return false;
    });
    if (!r) return std::unexpected(r.error());
    return n;
}

// Columns 0-3 of a query that selects r.id, r.kiosk, r.completed_at, r.payload: what a frame and the flags read.
void read_row_head(const SqlRow& s, ExportRow& row) {
    row.id = s.text(0);
    row.kiosk = s.text(1);
    row.completed_at = s.text(2);
    row.payload = s.text(3);
}

struct State {
    std::string flags_key, cells_key, last_received;
    std::int64_t rows_seen = 0;
};

// ---------------------------------------------------------------------------------------------
// New responses
// ---------------------------------------------------------------------------------------------

struct NewRow {
    std::string id, kiosk, received_at;
    std::optional<std::int64_t> completed_s;
};

// Every response of `survey` received at or after `since` that is not in response_flags yet: added there (no
// flag, not in the cells yet), each kiosk's completion times collected in `times`. Returns how many were added.
SResult<std::int64_t> add_new_rows(SqlConnection& c, std::string_view survey, const std::string& since, std::string& last_received,
                                   std::map<std::string, std::vector<std::int64_t>>& times) {
    std::int64_t added = 0;
    std::string after_at, after_id;
    for (;;) {
        std::vector<NewRow> page;
        const std::string limit = std::to_string(k_page_rows);
        const std::array<SqlValue, 4> p{survey, since, after_at, after_id};
        auto r = c.query(
            "SELECT r.id, r.kiosk, r.completed_at, r.received_at FROM responses r WHERE r.survey = ?1 AND r.received_at >= ?2"
            " AND (r.received_at > ?3 OR (r.received_at = ?3 AND r.id > ?4))"
            " AND NOT EXISTS (SELECT 1 FROM response_flags f WHERE f.id = r.id) ORDER BY r.received_at, r.id LIMIT " + limit,
            p, [&](const SqlRow& row) {
                page.push_back({row.text(0), row.text(1), row.text(3), unix_seconds(row.text(2))});
                return true;
            });
        if (!r) return std::unexpected(r.error());
        if (page.empty()) return added;
        RowWriter insert(c,
                         "INSERT INTO response_flags(id, survey, kiosk, completed_s, flags, reasons, in_cells, unreadable, received_at)"
                         " VALUES",
                         {"?", "?", "?", "?", "?", "?", "?", "?", "?"}, "");
        for (const auto& n : page) {
            insert.text(n.id).text(survey).text(n.kiosk);
            if (n.completed_s) {
                times[n.kiosk].push_back(*n.completed_s);
                insert.integer(*n.completed_s);
            } else {
                insert.null();
            }
            if (auto w = insert.integer(0).text("").integer(0).text("").text(n.received_at).end_row(); !w)
                return std::unexpected(w.error());
        }
        if (auto w = insert.flush(); !w) return std::unexpected(w.error());
        added += static_cast<std::int64_t>(page.size());
        after_at = page.back().received_at;
        after_id = page.back().id;
        last_received = std::max(last_received, after_at);
        if (page.size() < k_page_rows) return added;
    }
}

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

// The flags of `kiosk`'s responses completed in [from, to] computed again and written where they changed. A
// response's flags depend only on the same kiosk's responses within `reach` seconds of it (the burst and
// duplicate windows), so each chunk is computed with that much context on both sides: the result is the
// one compute_quality gives over all the survey's responses.
SResult<void> reflag_range(SqlConnection& c, const KeptRequest& req, const std::string& kiosk, std::int64_t from, std::int64_t to,
                           std::int64_t reach) {
    const std::string& survey = req.survey->id;
    std::vector<std::int64_t> at;
    {
        const std::array<SqlValue, 4> p{std::string_view(survey), std::string_view(kiosk), from, to};
        auto r = c.query(
            "SELECT completed_s FROM response_flags WHERE survey = ?1 AND kiosk = ?2 AND completed_s BETWEEN ?3 AND ?4"
            " ORDER BY completed_s",
            p, [&](const SqlRow& row) {
                at.push_back(row.int64(0));
                return true;
            });
        if (!r) return std::unexpected(r.error());
    }
    std::size_t begin = 0;
    while (begin < at.size()) {
        std::size_t end = std::min(at.size(), begin + std::max<std::size_t>(1, req.chunk_rows));
        while (end < at.size() && at[end] == at[end - 1]) ++end;  // a second is never split
        const std::int64_t c0 = at[begin], c1 = at[end - 1];
        begin = end;
        std::vector<QualityInput> inputs;
        std::vector<std::pair<std::uint8_t, std::string>> kept;
        std::vector<char> core;
        const std::array<SqlValue, 4> p{std::string_view(survey), std::string_view(kiosk), c0 - reach, c1 + reach};
        ExportRow row;
        auto r = c.query(
            "SELECT r.id, r.kiosk, r.completed_at, r.payload, f.flags, f.reasons, f.completed_s FROM response_flags f"
            " JOIN responses r ON r.id = f.id WHERE f.survey = ?1 AND f.kiosk = ?2 AND f.completed_s BETWEEN ?3 AND ?4"
            " ORDER BY f.completed_s, r.received_at, r.id",
            p, [&](const SqlRow& s) {
                read_row_head(s, row);
                inputs.push_back(quality_input(row, req.survey.get()));
                kept.emplace_back(static_cast<std::uint8_t>(s.int64(4)), s.text(5));
                const std::int64_t t = s.int64(6);
                core.push_back(t >= c0 && t <= c1);
                return true;
            });
        if (!r) return std::unexpected(r.error());
        const auto results = compute_quality(inputs, req.quality);
        for (std::size_t i = 0; i < results.size(); ++i) {
            if (!core[i] || (results[i].flags == kept[i].first && results[i].reasons == kept[i].second)) continue;
            const std::array<SqlValue, 3> u{std::string_view(inputs[i].id), std::int64_t{results[i].flags},
                                            std::string_view(results[i].reasons)};
            if (auto w = c.execute("UPDATE response_flags SET flags = ?2, reasons = ?3 WHERE id = ?1", u); !w)
                return std::unexpected(w.error());
        }
    }
    return {};
}

// The time ranges a kiosk's new responses can change: [t - reach, t + reach] around each, merged. When there are
// more than k_most_ranges, the ranges closest together are joined (keeping the widest gaps apart), so that a large
// refresh makes a bounded number of queries; reflag_range reads a long range in chunks.
std::vector<std::pair<std::int64_t, std::int64_t>> ranges_of(std::vector<std::int64_t> t, std::int64_t reach) {
    std::ranges::sort(t);
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (const auto x : t)
        if (!out.empty() && x - reach <= out.back().second)
            out.back().second = x + reach;
        else
            out.emplace_back(x - reach, x + reach);
    if (out.size() <= k_most_ranges) return out;
    std::vector<std::int64_t> gaps(out.size() - 1);
    for (std::size_t i = 1; i < out.size(); ++i) gaps[i - 1] = out[i].first - out[i - 1].second;
    std::vector<std::int64_t> widest = gaps;
    const auto keep = static_cast<std::ptrdiff_t>(k_most_ranges - 1);
    std::ranges::nth_element(widest, widest.begin() + keep - 1, std::greater<>());
    const std::int64_t threshold = widest[static_cast<std::size_t>(keep - 1)];  // the (k_most_ranges - 1)th widest gap
    std::vector<std::pair<std::int64_t, std::int64_t>> joined{out.front()};
    std::size_t splits = 0;
    for (std::size_t i = 1; i < out.size(); ++i)
        if (gaps[i - 1] >= threshold && splits < k_most_ranges - 1) {
            joined.push_back(out[i]);
            ++splits;
        } else {
            joined.back().second = out[i].second;
        }
    return joined;
}

// ---------------------------------------------------------------------------------------------
// Cells
// ---------------------------------------------------------------------------------------------

// The responses not in the cells yet, read once, added to them; one that cannot be read is kept aside with why.
SResult<std::int64_t> add_to_cells(SqlConnection& c, const KeptRequest& req) {
    const std::string& survey = req.survey->id;
    results::CellBuilder cells(*req.set);
    results::ResponseFrame frame(req.survey);
    std::vector<std::pair<std::string, std::string>> unreadable;
    std::int64_t read = 0;
    ExportRow row;
    const std::array<SqlValue, 1> p{std::string_view(survey)};
    auto r = c.query(
        "SELECT r.id, r.kiosk, r.completed_at, r.payload FROM response_flags f JOIN responses r ON r.id = f.id"
        " WHERE f.survey = ?1 AND f.in_cells = 0",
        p, [&](const SqlRow& s) {
            read_row_head(s, row);
            ++read;
            if (auto loaded = load_stored_frame(frame, row); !loaded)
                unreadable.emplace_back(row.id, loaded.error());
            else
                cells.add(frame);
            return true;
        });
    if (!r) return std::unexpected(r.error());
    RowWriter upsert(c, "INSERT INTO figure_cells(survey, breakdown, month, unit, grp, n, numerator, nonresponse, total, total_sq) VALUES",
                     {"?", "?", "?", "?", "?", "?", "?", "?", "CAST(? AS DOUBLE PRECISION)", "CAST(? AS DOUBLE PRECISION)"},
                     " ON CONFLICT(survey, breakdown, month, unit, grp) DO UPDATE SET n = figure_cells.n + excluded.n,"
                     " numerator = figure_cells.numerator + excluded.numerator,"
                     " nonresponse = figure_cells.nonresponse + excluded.nonresponse,"
                     " total = figure_cells.total + excluded.total, total_sq = figure_cells.total_sq + excluded.total_sq");
    std::optional<ServerError> failed;
    cells.for_each([&](const results::CellKey& k, const results::CellSums& s) {
        if (failed) return;
        auto w = upsert.text(survey).text(k.breakdown).integer(k.month).text(k.unit).text(k.group).integer(s.n).integer(s.numerator)
                     .integer(s.nonresponse).text(real_text(s.sum)).text(real_text(s.sum_sq)).end_row();
        if (!w) failed = w.error();
    });
    if (failed) return std::unexpected(*failed);
    if (auto w = upsert.flush(); !w) return std::unexpected(w.error());
    if (auto w = c.execute("UPDATE response_flags SET in_cells = 1 WHERE survey = ?1 AND in_cells = 0", p); !w)
        return std::unexpected(w.error());
    for (const auto& [id, why] : unreadable) {
        const std::array<SqlValue, 2> u{std::string_view(id), std::string_view(why)};
        if (auto w = c.execute("UPDATE response_flags SET unreadable = ?2 WHERE id = ?1", u); !w) return std::unexpected(w.error());
    }
    return read;
}

}  // namespace

std::expected<void, std::string> load_stored_frame(results::ResponseFrame& frame, const ExportRow& row) {
    auto loaded = frame.load_payload(row.payload);
    if (!loaded) return loaded;
    frame.id = row.id;
    frame.kiosk = row.kiosk;
    frame.completed_at = row.completed_at;
    return {};
}

SResult<KeptStatus> refresh_kept(Storage& storage, const KeptRequest& req) {
    KeptStatus status;
    const std::string survey = req.survey->id;
    auto done = storage.with_sql(true, [&](SqlConnection& c) -> SResult<void> {
        const std::array<SqlValue, 1> p{std::string_view(survey)};
        // Writing the survey's row first makes a second refresh (another thread or process) wait for this one.
        if (auto w = c.execute(
                "INSERT INTO kept_state(survey, flags_key, cells_key, rows_seen, last_received) VALUES(?1, '', '', 0, '')"
                " ON CONFLICT(survey) DO UPDATE SET rows_seen = kept_state.rows_seen",
                p);
            !w)
            return std::unexpected(w.error());
        State st;
        if (auto r = c.query("SELECT flags_key, cells_key, rows_seen, last_received FROM kept_state WHERE survey = ?1", p,
                             [&](const SqlRow& row) {
                                 st.flags_key = row.text(0);
                                 st.cells_key = row.text(1);
                                 st.rows_seen = row.int64(2);
                                 st.last_received = row.text(3);
                                 return false;
                             });
            !r)
            return std::unexpected(r.error());
        auto total = count(c, "SELECT count(*) FROM responses WHERE survey = ?1", survey);
        if (!total) return std::unexpected(total.error());
        status.responses = *total;

        const std::string want_flags = flags_key(req);
        const std::int64_t reach = std::max<std::int64_t>({0, req.quality.burst_window_s, req.quality.duplicate_window_s});
        std::map<std::string, std::vector<std::int64_t>> times;
        std::int64_t seen = st.rows_seen;
        if (seen != *total) {
            // Batches arrive in received_at order, give or take a transaction that committed late: look back an hour
            // first, then, if some response is still missing (a clock put back), through everything.
            std::string since;
            if (const auto last = parse_utc(st.last_received)) since = core::format_utc(*last - std::chrono::seconds(k_lookback_s));
            for (int pass = 0; pass < 2 && seen != *total; ++pass) {
                auto added = add_new_rows(c, survey, pass == 0 ? since : std::string(), st.last_received, times);
                if (!added) return std::unexpected(added.error());
                status.new_responses += *added;
                seen += *added;  // rows enter response_flags only here, under this survey's kept_state row
            }
        }
        if (st.flags_key != want_flags) {
            status.flags_recomputed = true;
            std::vector<std::string> kiosks;
            if (auto r = c.query("SELECT DISTINCT kiosk FROM response_flags WHERE survey = ?1", p,
                                 [&](const SqlRow& row) {
                                     kiosks.push_back(row.text(0));
                                     return true;
                                 });
                !r)
                return std::unexpected(r.error());
            for (const auto& k : kiosks)
                if (auto r = reflag_range(c, req, k, -k_far, k_far, reach); !r) return r;
        } else {
            for (auto& [kiosk, t] : times)
                for (const auto& [from, to] : ranges_of(std::move(t), reach))
                    if (auto r = reflag_range(c, req, kiosk, from, to, reach); !r) return r;
        }
        std::string cells = st.cells_key;
        if (req.set) {
            cells = cells_key(req);
            if (cells != st.cells_key) {
                status.cells_rebuilt = true;
                if (auto w = c.execute("DELETE FROM figure_cells WHERE survey = ?1", p); !w) return std::unexpected(w.error());
                if (auto w = c.execute("UPDATE response_flags SET in_cells = 0, unreadable = '' WHERE survey = ?1", p); !w)
                    return std::unexpected(w.error());
            }
            auto added = add_to_cells(c, req);
            if (!added) return std::unexpected(added.error());
            status.cells_added = *added;
        }
        // A flagged row without its arrival time (kept by an older receiver after this one added the column): the
        // export reads flagged rows in that order, so it is filled in (through the flagged index: only those).
        if (auto w = c.execute("UPDATE response_flags SET received_at = COALESCE((SELECT r.received_at FROM responses r"
                               " WHERE r.id = response_flags.id), '') WHERE survey = ?1 AND flags <> 0 AND received_at = ''",
                               p);
            !w)
            return std::unexpected(w.error());
        const std::array<SqlValue, 5> u{std::string_view(survey), std::string_view(want_flags), std::string_view(cells), seen,
                                        std::string_view(st.last_received)};
        if (auto w = c.execute(
                "UPDATE kept_state SET flags_key = ?2, cells_key = ?3, rows_seen = ?4, last_received = ?5 WHERE survey = ?1", u);
            !w)
            return std::unexpected(w.error());
        return {};
    });
    if (!done) return std::unexpected(done.error());
    return status;
}

SResult<void> for_each_kept_cell(Storage& storage, std::string_view survey, std::span<const std::string> breakdowns,
                                 const std::function<void(const results::CellKey&, const results::CellSums&)>& fn) {
    return storage.with_sql(false, [&](SqlConnection& c) -> SResult<void> {
        std::vector<SqlValue> p{survey};
        std::string in = "'all'";
        for (const auto& b : breakdowns) {
            p.emplace_back(std::string_view(b));
            in += ", ?" + std::to_string(p.size());
        }
        results::CellKey key;
        results::CellSums sums;
        return c.query(
            "SELECT month, unit, breakdown, grp, n, numerator, nonresponse, total, total_sq FROM figure_cells WHERE survey = ?1"
            " AND breakdown IN (" + in + ")",
            p, [&](const SqlRow& row) {
                key.month = static_cast<int>(row.int64(0));
                key.unit = row.text(1);
                key.breakdown = row.text(2);
                key.group = row.text(3);
                sums = {row.int64(4), row.int64(5), row.int64(6), row.real(7), row.real(8)};
                fn(key, sums);
                return true;
            });
    });
}

SResult<void> for_each_kept_exception(Storage& storage, std::string_view survey,
                                      const std::function<bool(const ExportRow&, const KeptException&)>& fn) {
    return storage.with_sql(false, [&](SqlConnection& c) -> SResult<void> {
        const std::array<SqlValue, 1> p{survey};
        return c.query(
            "SELECT r.id, r.kiosk, r.device_id, r.survey, r.survey_version, r.completed_at, r.received_at, r.payload, f.flags,"
            " f.reasons, f.unreadable FROM response_flags f JOIN responses r ON r.id = f.id"
            " WHERE f.survey = ?1 AND (f.flags <> 0 OR f.unreadable <> '') ORDER BY r.received_at, r.id",
            p, [&](const SqlRow& row) {
                const ExportRow e{row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5), row.text(6), row.text(7)};
                return fn(e, KeptException{static_cast<std::uint8_t>(row.int64(8)), row.text(9), row.text(10)});
            });
    });
}

SResult<void> for_each_response_with_flags(Storage& storage, std::string_view survey, const std::function<bool(const ExportRow&)>& fn,
                                          std::size_t flagged_page) {
    // Not a join: looking up each response's flags by its id reads response_flags' key in random order, which cost an
    // export more than reading the responses themselves. The flagged responses (few) are read first, a page at a
    // time in export order; then the responses up to the page's last one, streamed, each looked up among them.
    struct Flags {
        std::uint8_t flags = 0;
        std::string reasons;
    };
    flagged_page = std::max<std::size_t>(1, flagged_page);
    return storage.with_sql(false, [&](SqlConnection& c) -> SResult<void> {
        auto tx = SqlTransaction::begin_read(c);  // the pages and the responses: one state of the database
        if (!tx) return std::unexpected(tx.error());
        const std::string page_sql =
            "SELECT id, flags, reasons, received_at FROM response_flags WHERE survey = ?1 AND flags <> 0"
            " AND (received_at > ?2 OR (received_at = ?2 AND id > ?3)) ORDER BY received_at, id LIMIT " +
            std::to_string(flagged_page);
        const std::string rows_sql =
            "SELECT r.id, r.kiosk, r.device_id, r.survey, r.survey_version, r.completed_at, r.received_at, r.payload FROM responses r"
            " WHERE r.survey = ?1 AND (r.received_at > ?2 OR (r.received_at = ?2 AND r.id > ?3))";
        const std::string order = " ORDER BY r.received_at, r.id";
        std::unordered_map<std::string, Flags> flagged;
        std::string after_at, after_id;  // every response up to (after_at, after_id) has been given; "" sorts first
        bool go_on = true;
        ExportRow e;
        while (go_on) {
            flagged.clear();
            std::string last_at, last_id;
            const std::array<SqlValue, 3> p{survey, std::string_view(after_at), std::string_view(after_id)};
            if (auto r = c.query(page_sql, p,
                                 [&](const SqlRow& row) {
                                     flagged.emplace(row.text(0), Flags{static_cast<std::uint8_t>(row.int64(1)), row.text(2)});
                                     last_at = row.text(3);
                                     last_id = row.text(0);
                                     return true;
                                 });
                !r)
                return std::unexpected(r.error());
            const bool last_page = flagged.size() < flagged_page;
            const auto on_row = [&](const SqlRow& row) {
                e.id = row.text(0);
                e.kiosk = row.text(1);
                e.device_id = row.text(2);
                e.survey = row.text(3);
                e.survey_version = row.text(4);
                e.completed_at = row.text(5);
                e.received_at = row.text(6);
                e.payload = row.text(7);
                e.quality_flags.clear();
                e.quality_reasons.clear();
                if (const auto f = flagged.find(e.id); f != flagged.end()) {
                    e.quality_flags = flag_names(f->second.flags);
                    e.quality_reasons = f->second.reasons;
                }
                go_on = fn(e);
                return go_on;
            };
            if (last_page) {
                if (auto r = c.query(rows_sql + order, p, on_row); !r) return std::unexpected(r.error());
                break;
            }
            const std::array<SqlValue, 5> q{survey, std::string_view(after_at), std::string_view(after_id), std::string_view(last_at),
                                            std::string_view(last_id)};
            if (auto r = c.query(rows_sql + " AND (r.received_at < ?4 OR (r.received_at = ?4 AND r.id <= ?5))" + order, q, on_row); !r)
                return std::unexpected(r.error());
            after_at = std::move(last_at);
            after_id = std::move(last_id);
        }
        return tx->commit();
    });
}

}  // namespace fieldkiosk::sync::server
