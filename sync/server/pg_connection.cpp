// The PostgreSQL adapter of SqlConnection, through libpq. Parameters go as text with their types (int8 for
// integers, text for text, unknown for NULL: the column decides); every query streams in single-row mode.
#include "sync/server/sql_connection.hpp"

#include <libpq-fe.h>

#include <charconv>

namespace fieldkiosk::sync::server {

namespace {

constexpr Oid k_int8_oid = 20;  // pg_type.h's INT8OID, TEXTOID
constexpr Oid k_text_oid = 25;

// The storage writes ?1 … ?N (sql_connection.hpp); PostgreSQL wants $1 … $N. Text in single quotes is left alone.
std::string to_dollar_placeholders(std::string_view sql) {
    std::string out(sql);
    bool quoted = false;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == '\'') quoted = !quoted;
        if (!quoted && out[i] == '?' && i + 1 < out.size() && out[i + 1] >= '0' && out[i + 1] <= '9') out[i] = '$';
    }
    return out;
}

struct ResultCloser {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultCloser>;

struct ConnCloser {
    void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;

std::string trimmed(std::string msg) {
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return msg;
}

ServerError pg_error(PGconn* c, std::string_view what, const PGresult* r = nullptr) {
    ServerError::Kind kind = ServerError::Kind::Other;
    if (r != nullptr) {
        const std::string_view state = PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : "";
        // 40001 serialization failure, 40P01 deadlock, 53xxx insufficient resources, 57P03 cannot connect now
        if (state.starts_with("40") || state.starts_with("53") || state == "57P03") kind = ServerError::Kind::Busy;
    }
    if (PQstatus(c) != CONNECTION_OK) kind = ServerError::Kind::Busy;
    return ServerError{kind, trimmed(std::string(what) + ": " + PQerrorMessage(c))};
}

class PgRow final : public SqlRow {
public:
    PgRow(const PGresult* r, int row) : m_r(r), m_row(row) {}
    bool is_null(int col) const override { return PQgetisnull(m_r, m_row, col) != 0; }
    std::string text(int col) const override { return PQgetvalue(m_r, m_row, col); }
    // PostgreSQL 12+ prints a double in its shortest exact form (extra_float_digits 1), so the text reads back exactly.
    double real(int col) const override {
        const std::string_view v = PQgetvalue(m_r, m_row, col);
        double x = 0;
        std::from_chars(v.data(), v.data() + v.size(), x);
        return x;
    }
    std::int64_t int64(int col) const override {
        const std::string_view v = PQgetvalue(m_r, m_row, col);
        std::int64_t n = 0;
        std::from_chars(v.data(), v.data() + v.size(), n);
        return n;
    }

private:
    const PGresult* m_r;
    int m_row;
};

// libpq wants NUL-terminated text for each parameter, and its type.
struct PgParams {
    std::vector<std::string> text;
    std::vector<const char*> values;
    std::vector<Oid> types;
    explicit PgParams(std::span<const SqlValue> params) : text(params.size()), values(params.size()), types(params.size()) {
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
                text[i] = std::to_string(*n);
                types[i] = k_int8_oid;
            } else if (const auto* s = std::get_if<std::string_view>(&params[i])) {
                text[i] = std::string(*s);
                types[i] = k_text_oid;
            } else {
                continue;  // NULL: values[i] stays nullptr, types[i] 0 (unknown)
            }
            values[i] = text[i].c_str();
        }
    }
    [[nodiscard]] int size() const { return static_cast<int>(values.size()); }
};

class PgConnection final : public SqlConnection {
public:
    explicit PgConnection(Conn c) : m_conn(std::move(c)) {}

    const SqlDialect& dialect() const override { return k_postgresql_dialect; }

    SResult<std::int64_t> execute(std::string_view sql, std::span<const SqlValue> params) override {
        const std::string text = to_dollar_placeholders(sql);
        const PgParams p(params);
        const Result r(PQexecParams(m_conn.get(), text.c_str(), p.size(), p.types.data(), p.values.data(), nullptr, nullptr, 0));
        const auto status = PQresultStatus(r.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return std::unexpected(pg_error(m_conn.get(), sql, r.get()));
        const std::string_view changed = PQcmdTuples(r.get());
        std::int64_t n = 0;
        std::from_chars(changed.data(), changed.data() + changed.size(), n);
        return n;
    }

    SResult<void> query(std::string_view sql, std::span<const SqlValue> params, const SqlRowFn& on_row) override {
        const std::string text = to_dollar_placeholders(sql);
        const PgParams p(params);
        PGconn* c = m_conn.get();
        if (!PQsendQueryParams(c, text.c_str(), p.size(), p.types.data(), p.values.data(), nullptr, nullptr, 0))
            return std::unexpected(pg_error(c, sql));
        PQsetSingleRowMode(c);  // rows arrive one at a time: streamed, never the whole table in memory
        bool keep = true;
        std::optional<ServerError> failure;
        // Every result is read, also after `on_row` said stop or after an error: the connection must be idle after.
        while (PGresult* raw = PQgetResult(c)) {
            const Result r(raw);
            const auto st = PQresultStatus(raw);
            if (st == PGRES_SINGLE_TUPLE && keep && !failure)
                keep = on_row(PgRow(raw, 0));
            else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !failure)
                failure = pg_error(c, sql, raw);
        }
        if (failure) return std::unexpected(*failure);
        return {};
    }

    SResult<void> execute_script(std::string_view sql) override {
        const Result r(PQexec(m_conn.get(), std::string(sql).c_str()));
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return std::unexpected(pg_error(m_conn.get(), sql, r.get()));
        return {};
    }

    bool healthy() const override { return PQstatus(m_conn.get()) == CONNECTION_OK; }
    bool in_transaction() const override { return PQtransactionStatus(m_conn.get()) != PQTRANS_IDLE; }

private:
    Conn m_conn;
};

}  // namespace

SResult<std::unique_ptr<SqlConnection>> open_pg_connection(const std::string& conninfo) {
    Conn c(PQconnectdb(conninfo.c_str()));
    if (!c || PQstatus(c.get()) != CONNECTION_OK) {
        const std::string msg = c ? trimmed(PQerrorMessage(c.get())) : "out of memory";
        return std::unexpected(ServerError{ServerError::Kind::Open, "cannot connect to PostgreSQL: " + msg});
    }
    const Result quiet(PQexec(c.get(), "SET client_min_messages = warning"));
    return std::make_unique<PgConnection>(std::move(c));
}

}  // namespace fieldkiosk::sync::server
