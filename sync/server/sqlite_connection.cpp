// The SQLite adapter of SqlConnection, over storage::Database (WAL, synchronous=FULL, a busy timeout).
// Statements are prepared once per connection and kept (the batch loop runs the same three per item).
#include "storage/database.hpp"
#include "sync/server/sql_connection.hpp"

#include <sqlite3.h>

#include <unordered_map>

namespace fieldkiosk::sync::server {

namespace {

using storage::Database;
using storage::Statement;
using storage::StoreError;

ServerError to_server_error(const StoreError& e) {
    const auto kind = e.kind == StoreError::Kind::Busy   ? ServerError::Kind::Busy
                      : e.kind == StoreError::Kind::Open ? ServerError::Kind::Open
                                                         : ServerError::Kind::Other;
    return ServerError{kind, e.message};
}

class SqliteRow final : public SqlRow {
public:
    explicit SqliteRow(const Statement& st) : m_st(&st) {}
    bool is_null(int col) const override { return m_st->column_is_null(col); }
    std::string text(int col) const override { return m_st->column_text(col); }
    std::int64_t int64(int col) const override { return m_st->column_int64(col); }
    double real(int col) const override { return m_st->column_double(col); }

private:
    const Statement* m_st;
};

// Resets a cached statement however the call ends: a SELECT left unreset holds its read transaction open.
struct ResetOnExit {
    Statement* st;
    explicit ResetOnExit(Statement* s) : st(s) {}
    ResetOnExit(const ResetOnExit&) = delete;
    ResetOnExit& operator=(const ResetOnExit&) = delete;
    ~ResetOnExit() { st->reset(); }
};

class SqliteConnection final : public SqlConnection {
public:
    explicit SqliteConnection(Database db) : m_db(std::move(db)) {}

    const SqlDialect& dialect() const override { return k_sqlite_dialect; }

    SResult<std::int64_t> execute(std::string_view sql, std::span<const SqlValue> params) override {
        auto st = bound(sql, params);
        if (!st) return std::unexpected(st.error());
        const ResetOnExit reset{*st};
        if (auto r = (*st)->run(); !r) return std::unexpected(to_server_error(r.error()));
        return m_db.changes();
    }

    SResult<void> query(std::string_view sql, std::span<const SqlValue> params, const SqlRowFn& on_row) override {
        auto st = bound(sql, params);
        if (!st) return std::unexpected(st.error());
        const ResetOnExit reset{*st};
        const SqliteRow row(**st);
        while (true) {
            auto more = (*st)->step();
            if (!more) return std::unexpected(to_server_error(more.error()));
            if (!*more || !on_row(row)) return {};
        }
    }

    SResult<void> execute_script(std::string_view sql) override {
        if (auto r = m_db.exec(sql); !r) return std::unexpected(to_server_error(r.error()));
        return {};
    }

    bool healthy() const override { return true; }  // a SQLite connection is a file handle: nothing to lose
    bool in_transaction() const override { return sqlite3_get_autocommit(m_db.handle()) == 0; }

private:
    // The cached statement for `sql` with `params` bound (1-based, as ?1 … ?N).
    SResult<Statement*> bound(std::string_view sql, std::span<const SqlValue> params) {
        auto it = m_statements.find(sql);
        if (it == m_statements.end()) {
            auto st = m_db.prepare(sql);
            if (!st) return std::unexpected(to_server_error(st.error()));
            it = m_statements.emplace(std::string(sql), std::move(*st)).first;
        }
        Statement& st = it->second;
        for (std::size_t i = 0; i < params.size(); ++i) {
            const int index = static_cast<int>(i) + 1;
            std::visit(
                [&](const auto& v) {
                    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::nullptr_t>)
                        st.bind_null(index);
                    else
                        st.bind(index, v);
                },
                params[i]);
        }
        return &st;
    }

    struct TransparentHash : std::hash<std::string_view> {
        using is_transparent = void;
    };
    Database m_db;
    std::unordered_map<std::string, Statement, TransparentHash, std::equal_to<>> m_statements;
};

}  // namespace

SResult<std::unique_ptr<SqlConnection>> open_sqlite_connection(const std::string& path) {
    auto db = Database::open(path, Database::Options{.busy_timeout_ms = 10'000, .create = true});
    if (!db) return std::unexpected(ServerError{ServerError::Kind::Open, db.error().message});
    return std::make_unique<SqliteConnection>(std::move(*db));
}

}  // namespace fieldkiosk::sync::server
