// The connection layer under the receiver's storage (sync/server/sql_connection.*), on both databases: the
// pool's one rule for broken connections, ?N placeholders, and SqlTransaction.
#include "sync/server/sql_connection.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>

namespace fieldkiosk::testing {
namespace {

using sync::server::ConnectionPool;
using sync::server::SqlConnection;
using sync::server::SqlRow;
using sync::server::SqlTransaction;
using sync::server::SqlValue;
using sync::server::SResult;

class SqlConnections : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql") {
            if (test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
            m_pg.emplace();
            m_conninfo = m_pg->url();
            if (m_conninfo.starts_with("pg:")) m_conninfo.erase(0, 3);
        }
    }
    SResult<std::unique_ptr<SqlConnection>> open() {
        ++opened;
        return GetParam() == "postgresql" ? sync::server::open_pg_connection(m_conninfo)
                                          : sync::server::open_sqlite_connection((m_dir.path() / "c.db").string());
    }
    // Rows of `sql` as "a|b|…" text, NULL as "~".
    static std::vector<std::string> rows(SqlConnection& c, std::string_view sql, std::span<const SqlValue> params = {}) {
        std::vector<std::string> out;
        auto r = c.query(sql, params, [&](const SqlRow& row) {
            std::string line;
            for (int col = 0; col < 2; ++col) line += (col ? "|" : "") + (row.is_null(col) ? std::string("~") : row.text(col));
            out.push_back(line);
            return true;
        });
        EXPECT_TRUE(r.has_value()) << r.error().message;
        return out;
    }

    int opened = 0;

private:
    TempDir m_dir;
    std::optional<PgSchema> m_pg;
    std::string m_conninfo;
};

// SQLite's pool used to take back any connection, PostgreSQL's only a healthy one outside a transaction; the
// one pool now applies the PostgreSQL rule to both: the next caller never inherits an open transaction.
TEST_P(SqlConnections, PoolClosesAConnectionLeftInATransactionAndReusesACleanOne) {
    ConnectionPool pool([this] { return open(); });
    auto left_open = pool.with_connection([](SqlConnection& c) -> SResult<bool> {
        if (auto r = c.execute(c.dialect().begin_write); !r) return std::unexpected(r.error());
        return c.in_transaction();
    });
    ASSERT_TRUE(left_open.has_value()) << left_open.error().message;
    EXPECT_TRUE(*left_open);
    auto next = pool.with_connection([](SqlConnection& c) -> SResult<bool> { return c.in_transaction(); });
    ASSERT_TRUE(next.has_value());
    EXPECT_FALSE(*next);
    EXPECT_EQ(opened, 2);  // the first one was closed, not pooled
    ASSERT_TRUE(pool.with_connection([](SqlConnection& c) { return c.execute("SELECT 1"); }).has_value());
    EXPECT_EQ(opened, 2);  // a clean one is reused
}

TEST_P(SqlConnections, NumberedPlaceholdersMayRepeatAndAreLeftAloneInsideQuotes) {
    ConnectionPool pool([this] { return open(); });
    auto r = pool.with_connection([](SqlConnection& c) -> SResult<std::vector<std::string>> {
        if (auto s = c.execute_script("CREATE TABLE t(a TEXT, b TEXT, n BIGINT)"); !s) return std::unexpected(s.error());
        const std::array<SqlValue, 3> p{std::string_view("x"), nullptr, std::int64_t{1'000'000'000'000'000}};
        auto n = c.execute("INSERT INTO t(a, b, n) VALUES(?1, ?2, ?3), (?1, '?1', ?3)", p);
        if (!n) return std::unexpected(n.error());
        EXPECT_EQ(*n, 2);
        const std::array<SqlValue, 2> q{std::string_view("x"), std::int64_t{1}};
        return rows(c, "SELECT a, b FROM t WHERE a = ?1 AND n > ?2 ORDER BY b", q);
    });
    ASSERT_TRUE(r.has_value()) << r.error().message;
    // NULL sorts first on SQLite and last on PostgreSQL: compare as a set.
    std::sort(r->begin(), r->end());
    EXPECT_EQ(*r, (std::vector<std::string>{"x|?1", "x|~"}));
}

TEST_P(SqlConnections, ATransactionNotCommittedIsRolledBack) {
    ConnectionPool pool([this] { return open(); });
    auto r = pool.with_connection([](SqlConnection& c) -> SResult<std::size_t> {
        if (auto s = c.execute_script("CREATE TABLE t(a TEXT, b TEXT)"); !s) return std::unexpected(s.error());
        {
            auto tx = SqlTransaction::begin(c);
            if (!tx) return std::unexpected(tx.error());
            if (auto n = c.execute("INSERT INTO t(a, b) VALUES('gone', 'gone')"); !n) return std::unexpected(n.error());
        }
        EXPECT_FALSE(c.in_transaction());
        auto tx = SqlTransaction::begin(c);
        if (!tx) return std::unexpected(tx.error());
        if (auto n = c.execute("INSERT INTO t(a, b) VALUES('kept', 'kept')"); !n) return std::unexpected(n.error());
        if (auto done = tx->commit(); !done) return std::unexpected(done.error());
        EXPECT_EQ(rows(c, "SELECT a, b FROM t"), std::vector<std::string>{"kept|kept"});
        return rows(c, "SELECT a, b FROM t").size();
    });
    ASSERT_TRUE(r.has_value()) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlConnections, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace fieldkiosk::testing
