// PostgreSQL implementation of Storage through libpq: a pool of connections, one transaction per batch,
// INSERT ... ON CONFLICT DO NOTHING so that two kiosks racing on one id cannot both insert it.
#include "sync/server/storage.hpp"

#include <libpq-fe.h>

#include <array>
#include <mutex>

namespace fieldkiosk::sync::server {

namespace {

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS tokens(
  name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS responses(
  id TEXT PRIMARY KEY, kiosk TEXT NOT NULL, device_id TEXT NOT NULL, survey TEXT NOT NULL,
  survey_version TEXT NOT NULL, completed_at TEXT NOT NULL, content_hash TEXT NOT NULL,
  payload TEXT NOT NULL, received_at TEXT NOT NULL, batch_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS responses_by_survey ON responses(survey, received_at);
CREATE TABLE IF NOT EXISTS conflicts(
  seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL, kiosk TEXT NOT NULL, content_hash TEXT NOT NULL,
  payload TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE(id, content_hash));
)sql";

struct PgResult {
    PGresult* r = nullptr;
    explicit PgResult(PGresult* p) : r(p) {}
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;
    ~PgResult() { PQclear(r); }
};

struct ConnCloser {
    void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;

ServerError pg_error(PGconn* c, std::string_view what, const PGresult* r = nullptr) {
    std::string msg = std::string(what) + ": " + PQerrorMessage(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    ServerError::Kind kind = ServerError::Kind::Other;
    if (r != nullptr) {
        const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        // 40001 serialization failure, 40P01 deadlock, 53xxx insufficient resources, 57P03 cannot connect now
        if (state && (std::string_view(state).starts_with("40") || std::string_view(state).starts_with("53") ||
                      std::string_view(state) == "57P03"))
            kind = ServerError::Kind::Busy;
    }
    if (PQstatus(c) != CONNECTION_OK) kind = ServerError::Kind::Busy;
    return ServerError{kind, std::move(msg)};
}

// Runs `sql` with text parameters; `ok` is the expected status.
template <std::size_t N>
std::expected<std::unique_ptr<PgResult>, ServerError> run(PGconn* c, const char* sql,
                                                          const std::array<std::string_view, N>& params,
                                                          ExecStatusType ok = PGRES_COMMAND_OK) {
    std::array<const char*, N + 1> values{};
    std::array<int, N + 1> lengths{};
    std::array<std::string, N> copies;  // libpq wants NUL-terminated text unless formats say binary
    for (std::size_t i = 0; i < N; ++i) {
        copies[i] = std::string(params[i]);
        values[i] = copies[i].c_str();
        lengths[i] = static_cast<int>(copies[i].size());
    }
    auto res =
        std::make_unique<PgResult>(PQexecParams(c, sql, static_cast<int>(N), nullptr, values.data(), lengths.data(), nullptr, 0));
    if (PQresultStatus(res->r) != ok) return std::unexpected(pg_error(c, sql, res->r));
    return res;
}

std::expected<void, ServerError> exec(PGconn* c, const char* sql) {
    PgResult res(PQexec(c, sql));
    if (PQresultStatus(res.r) != PGRES_COMMAND_OK) return std::unexpected(pg_error(c, sql, res.r));
    return {};
}

#define FK_PG_TRY(var, expr) \
    auto var = (expr);       \
    if (!var) return std::unexpected(std::move(var.error()))

class PgStorage final : public Storage {
public:
    explicit PgStorage(std::string conninfo) : m_conninfo(std::move(conninfo)) {}

    SResult<void> init() {
        return with_conn([&](PGconn* c) -> SResult<void> {
            // Several servers may start at once: serialise the schema creation.
            PgResult lock(PQexec(c, "SELECT pg_advisory_lock(4242001)"));
            auto r = exec(c, k_schema);
            PgResult unlock(PQexec(c, "SELECT pg_advisory_unlock(4242001)"));
            return r;
        });
    }

    std::string_view backend() const override { return "postgresql"; }

    SResult<void> add_token(std::string_view name, std::string_view role, std::string_view hash, std::string_view at) override {
        return with_conn([&](PGconn* c) -> SResult<void> {
            FK_PG_TRY(r, run(c,
                             "INSERT INTO tokens(name, role, token_hash, created_at) VALUES($1, $2, $3, $4)"
                             " ON CONFLICT(name) DO UPDATE SET role = $2, token_hash = $3, created_at = $4, revoked_at = NULL"
                             " WHERE tokens.revoked_at IS NOT NULL",
                             std::array{name, role, hash, at}));
            if (std::string_view(PQcmdTuples((*r)->r)) == "0")
                return std::unexpected(
                    ServerError{ServerError::Kind::Exists,
                                "a kiosk named '" + std::string(name) + "' already has an active token (revoke it first)"});
            return {};
        });
    }

    SResult<void> revoke_token(std::string_view name, std::string_view at) override {
        return with_conn([&](PGconn* c) -> SResult<void> {
            FK_PG_TRY(r,
                      run(c, "UPDATE tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL", std::array{name, at}));
            if (std::string_view(PQcmdTuples((*r)->r)) == "0")
                return std::unexpected(
                    ServerError{ServerError::Kind::NotFound, "no active token named '" + std::string(name) + "'"});
            return {};
        });
    }

    SResult<std::optional<TokenRecord>> find_token(std::string_view hash) override {
        return with_conn([&](PGconn* c) -> SResult<std::optional<TokenRecord>> {
            FK_PG_TRY(r, run(c, "SELECT name, role, token_hash FROM tokens WHERE token_hash = $1 AND revoked_at IS NULL",
                             std::array{hash}, PGRES_TUPLES_OK));
            if (PQntuples((*r)->r) == 0) return std::optional<TokenRecord>{};
            return std::optional<TokenRecord>{
                TokenRecord{PQgetvalue((*r)->r, 0, 0), PQgetvalue((*r)->r, 0, 1), PQgetvalue((*r)->r, 0, 2)}};
        });
    }

    SResult<std::vector<StoreOutcome>> store_batch(const BatchContext& ctx, std::span<const PreparedItem> items,
                                                   const std::function<void()>& before_commit) override {
        return with_conn([&](PGconn* c) -> SResult<std::vector<StoreOutcome>> {
            if (auto b = exec(c, "BEGIN"); !b) return std::unexpected(b.error());
            auto result = store_in_tx(c, ctx, items);
            if (!result) {
                PgResult rb(PQexec(c, "ROLLBACK"));
                return result;
            }
            if (before_commit) before_commit();
            if (auto cm = exec(c, "COMMIT"); !cm) return std::unexpected(cm.error());
            return result;
        });
    }

    SResult<void> for_each_response(std::string_view survey, const std::function<bool(const ExportRow&)>& fn) override {
        return with_conn([&](PGconn* c) -> SResult<void> {
            const std::string s(survey);
            const char* values[] = {s.c_str()};
            if (!PQsendQueryParams(c,
                                   "SELECT id, kiosk, device_id, survey, survey_version, completed_at, received_at, payload"
                                   " FROM responses WHERE survey = $1 ORDER BY received_at, id",
                                   1, nullptr, values, nullptr, nullptr, 0))
                return std::unexpected(pg_error(c, "export"));
            PQsetSingleRowMode(c);  // rows arrive one at a time: streamed, never the whole table in memory
            bool keep = true;
            std::optional<ServerError> failure;
            while (PGresult* raw = PQgetResult(c)) {
                PgResult r(raw);
                const auto st = PQresultStatus(raw);
                if (st == PGRES_SINGLE_TUPLE && keep) {
                    auto v = [&](int col) { return std::string(PQgetvalue(raw, 0, col)); };
                    keep = fn(ExportRow{v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7)});
                } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !failure) {
                    failure = pg_error(c, "export", raw);
                }
            }
            if (failure) return std::unexpected(*failure);
            return {};
        });
    }

    SResult<StorageCounts> counts() override {
        return with_conn([&](PGconn* c) -> SResult<StorageCounts> {
            FK_PG_TRY(r, run(c,
                             "SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM conflicts),"
                             " (SELECT count(*) FROM tokens WHERE revoked_at IS NULL)",
                             std::array<std::string_view, 0>{}, PGRES_TUPLES_OK));
            auto v = [&](int col) { return std::stoll(PQgetvalue((*r)->r, 0, col)); };
            return StorageCounts{v(0), v(1), v(2)};
        });
    }

    SResult<std::int64_t> copies_of(std::string_view id) override {
        return with_conn([&](PGconn* c) -> SResult<std::int64_t> {
            FK_PG_TRY(r, run(c, "SELECT count(*) FROM responses WHERE id = $1", std::array{id}, PGRES_TUPLES_OK));
            return std::int64_t{std::stoll(PQgetvalue((*r)->r, 0, 0))};
        });
    }

private:
    SResult<std::vector<StoreOutcome>> store_in_tx(PGconn* c, const BatchContext& ctx, std::span<const PreparedItem> items) {
        std::vector<StoreOutcome> out;
        out.reserve(items.size());
        for (const auto& it : items) {
            FK_PG_TRY(ins, run(c,
                               "INSERT INTO responses(id, kiosk, device_id, survey, survey_version, completed_at, content_hash,"
                               " payload, received_at, batch_id) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                               " ON CONFLICT(id) DO NOTHING",
                               std::array<std::string_view, 10>{it.id, ctx.kiosk, ctx.device_id, it.survey, it.survey_version,
                                                                it.completed_at, it.content_hash, it.payload, ctx.received_at,
                                                                ctx.batch_id}));
            if (std::string_view(PQcmdTuples((*ins)->r)) == "1") {
                out.push_back(StoreOutcome::Accepted);
                continue;
            }
            FK_PG_TRY(sel, run(c, "SELECT content_hash FROM responses WHERE id = $1", std::array<std::string_view, 1>{it.id},
                               PGRES_TUPLES_OK));
            const std::string stored = PQntuples((*sel)->r) > 0 ? PQgetvalue((*sel)->r, 0, 0) : "";
            if (stored == it.content_hash) {
                out.push_back(StoreOutcome::Duplicate);
                continue;
            }
            FK_PG_TRY(conf, run(c,
                                "INSERT INTO conflicts(id, kiosk, content_hash, payload, received_at) VALUES($1, $2, $3, $4, $5)"
                                " ON CONFLICT(id, content_hash) DO NOTHING",
                                std::array<std::string_view, 5>{it.id, ctx.kiosk, it.content_hash, it.payload, ctx.received_at}));
            out.push_back(StoreOutcome::Conflict);
        }
        return out;
    }

    SResult<Conn> acquire() {
        {
            std::lock_guard lock(m_mutex);
            if (!m_free.empty()) {
                Conn c = std::move(m_free.back());
                m_free.pop_back();
                if (PQstatus(c.get()) == CONNECTION_OK) return c;
            }
        }
        Conn c(PQconnectdb(m_conninfo.c_str()));
        if (!c || PQstatus(c.get()) != CONNECTION_OK) {
            std::string msg = c ? PQerrorMessage(c.get()) : "out of memory";
            while (!msg.empty() && msg.back() == '\n') msg.pop_back();
            return std::unexpected(ServerError{ServerError::Kind::Open, "cannot connect to PostgreSQL: " + msg});
        }
        PgResult quiet(PQexec(c.get(), "SET client_min_messages = warning"));
        return c;
    }
    void release(Conn c) {
        if (PQstatus(c.get()) != CONNECTION_OK || PQtransactionStatus(c.get()) != PQTRANS_IDLE) return;  // drop a broken one
        std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(c));
    }
    template <class F>
    auto with_conn(F&& f) -> decltype(f(std::declval<PGconn*>())) {
        auto c = acquire();
        if (!c) return std::unexpected(c.error());
        auto result = f(c->get());
        release(std::move(*c));
        return result;
    }

    std::string m_conninfo;
    std::mutex m_mutex;
    std::vector<Conn> m_free;
};

}  // namespace

SResult<std::unique_ptr<Storage>> open_pg_storage(const std::string& conninfo) {
    auto s = std::make_unique<PgStorage>(conninfo);
    if (auto r = s->init(); !r) return std::unexpected(r.error());
    return std::unique_ptr<Storage>(std::move(s));
}

}  // namespace fieldkiosk::sync::server
