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
CREATE TABLE IF NOT EXISTS kiosks(
  name TEXT PRIMARY KEY, device_id TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  last_batch_id TEXT NOT NULL, last_batch_items BIGINT NOT NULL DEFAULT 0,
  last_batch_accepted BIGINT NOT NULL DEFAULT 0, last_batch_duplicate BIGINT NOT NULL DEFAULT 0,
  last_batch_conflict BIGINT NOT NULL DEFAULT 0, last_batch_rejected BIGINT NOT NULL DEFAULT 0,
  last_batch_retry_later BIGINT NOT NULL DEFAULT 0,
  heartbeat_at TEXT, app_version TEXT, surveys TEXT, queue_depth BIGINT, quarantined BIGINT,
  free_disk_bytes BIGINT, last_error TEXT, last_success_at TEXT, sent_at TEXT, state TEXT);
)sql";

// The kiosk's row, in the batch's own transaction (after its inserts, so the row lock is held only for
// the COMMIT): no second round trip and commit per batch, and last_seen never counts a rolled-back batch.
// Without a heartbeat ($11 NULL) the last heartbeat's columns are kept, except queue depth and quarantined,
// which follow what this batch moved ($21 left the kiosk's queue, $22 of them quarantined; KioskQueueMove);
// quarantined saturates at 10^15 (k_max_heartbeat_figure): a sum past bigint would fail every later batch.
constexpr const char* k_upsert_kiosk = R"sql(
INSERT INTO kiosks(name, device_id, first_seen, last_seen, last_batch_id, last_batch_items, last_batch_accepted,
  last_batch_duplicate, last_batch_conflict, last_batch_rejected, last_batch_retry_later, heartbeat_at, app_version,
  surveys, queue_depth, quarantined, free_disk_bytes, last_error, last_success_at, sent_at, state)
VALUES($1, $2, $3, $3, $4, $5::bigint, $6::bigint, $7::bigint, $8::bigint, $9::bigint, $10::bigint, $11, $12, $13,
  $14::bigint, $15::bigint, $16::bigint, $17, $18, $19, $20)
ON CONFLICT(name) DO UPDATE SET device_id = EXCLUDED.device_id, last_seen = EXCLUDED.last_seen,
  last_batch_id = EXCLUDED.last_batch_id, last_batch_items = EXCLUDED.last_batch_items,
  last_batch_accepted = EXCLUDED.last_batch_accepted, last_batch_duplicate = EXCLUDED.last_batch_duplicate,
  last_batch_conflict = EXCLUDED.last_batch_conflict, last_batch_rejected = EXCLUDED.last_batch_rejected,
  last_batch_retry_later = EXCLUDED.last_batch_retry_later,
  heartbeat_at = COALESCE(EXCLUDED.heartbeat_at, kiosks.heartbeat_at),
  app_version = CASE WHEN EXCLUDED.heartbeat_at IS NULL THEN kiosks.app_version ELSE EXCLUDED.app_version END,
  surveys = CASE WHEN EXCLUDED.heartbeat_at IS NULL THEN kiosks.surveys ELSE EXCLUDED.surveys END,
  queue_depth = CASE WHEN EXCLUDED.heartbeat_at IS NOT NULL THEN EXCLUDED.queue_depth
                     WHEN kiosks.queue_depth IS NULL THEN NULL ELSE GREATEST(0, kiosks.queue_depth - $21::bigint) END,
  quarantined = CASE WHEN EXCLUDED.heartbeat_at IS NOT NULL THEN EXCLUDED.quarantined
                     WHEN kiosks.quarantined IS NULL THEN NULL
                     ELSE LEAST(LEAST(kiosks.quarantined, 1000000000000000) + $22::bigint, 1000000000000000) END,
  free_disk_bytes = CASE WHEN EXCLUDED.heartbeat_at IS NULL THEN kiosks.free_disk_bytes ELSE EXCLUDED.free_disk_bytes END,
  last_error = CASE WHEN EXCLUDED.heartbeat_at IS NULL THEN kiosks.last_error ELSE EXCLUDED.last_error END,
  last_success_at = CASE WHEN EXCLUDED.heartbeat_at IS NULL THEN kiosks.last_success_at ELSE EXCLUDED.last_success_at END,
  sent_at = CASE WHEN EXCLUDED.heartbeat_at IS NULL THEN kiosks.sent_at ELSE EXCLUDED.sent_at END,
  state = CASE WHEN EXCLUDED.heartbeat_at IS NULL THEN kiosks.state ELSE EXCLUDED.state END
)sql";

constexpr const char* k_select_kiosks = R"sql(
SELECT t.name, t.created_at, t.revoked_at, k.name, k.device_id, k.first_seen, k.last_seen, k.last_batch_id,
  k.last_batch_items, k.last_batch_accepted, k.last_batch_duplicate, k.last_batch_conflict, k.last_batch_rejected,
  k.last_batch_retry_later, k.heartbeat_at, k.app_version, k.surveys, k.queue_depth, k.quarantined,
  k.free_disk_bytes, k.last_error, k.last_success_at, k.sent_at, k.state
FROM tokens t LEFT JOIN kiosks k ON k.name = t.name WHERE t.role = 'kiosk' ORDER BY t.name
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
            // One statement, so one transaction: a new token under an old name is a new device (a replacement
            // after a revoke), and what was heard from the old one (the `kiosks` row) goes with it; otherwise the
            // new kiosk would show QUIET at once with the old one's queue and errors.
            FK_PG_TRY(r, run(c,
                             "WITH t AS (INSERT INTO tokens(name, role, token_hash, created_at) VALUES($1, $2, $3, $4)"
                             " ON CONFLICT(name) DO UPDATE SET role = $2, token_hash = $3, created_at = $4, revoked_at = NULL"
                             " WHERE tokens.revoked_at IS NOT NULL RETURNING name),"
                             " d AS (DELETE FROM kiosks WHERE name IN (SELECT name FROM t))"
                             " SELECT count(*) FROM t",
                             std::array{name, role, hash, at}, PGRES_TUPLES_OK));
            if (std::string_view(PQgetvalue((*r)->r, 0, 0)) == "0")
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

    SResult<std::vector<KioskRecord>> kiosks() override {
        return with_conn([&](PGconn* c) -> SResult<std::vector<KioskRecord>> {
            FK_PG_TRY(r, run(c, k_select_kiosks, std::array<std::string_view, 0>{}, PGRES_TUPLES_OK));
            const PGresult* res = (*r)->r;
            std::vector<KioskRecord> out;
            const int rows = PQntuples(res);
            out.reserve(static_cast<std::size_t>(rows));
            for (int i = 0; i < rows; ++i) {
                const auto text = [&](int col) {
                    return PQgetisnull(res, i, col) ? std::string() : std::string(PQgetvalue(res, i, col));
                };
                const auto count = [&](int col) {
                    return PQgetisnull(res, i, col) ? std::optional<std::int64_t>()
                                                    : std::optional<std::int64_t>(std::stoll(PQgetvalue(res, i, col)));
                };
                KioskRecord k;
                k.name = text(0);
                k.token_created_at = text(1);
                k.revoked_at = text(2);
                k.seen = !PQgetisnull(res, i, 3);
                k.device_id = text(4);
                k.first_seen = text(5);
                k.last_seen = text(6);
                k.last_batch_id = text(7);
                k.last_batch_items = count(8).value_or(0);
                k.last_batch_accepted = count(9).value_or(0);
                k.last_batch_duplicate = count(10).value_or(0);
                k.last_batch_conflict = count(11).value_or(0);
                k.last_batch_rejected = count(12).value_or(0);
                k.last_batch_retry_later = count(13).value_or(0);
                k.heartbeat_at = text(14);
                k.app_version = text(15);
                k.surveys_json = text(16);
                k.queue_depth = count(17);
                k.quarantined = count(18);
                k.free_disk_bytes = count(19);
                k.last_error = text(20);
                k.last_success_at = text(21);
                k.sent_at = text(22);
                k.state = text(23);
                out.push_back(std::move(k));
            }
            return out;
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
        if (ctx.seen) {
            if (auto r = upsert_kiosk(c, ctx, out); !r) return std::unexpected(r.error());
        }
        return out;
    }

    static SResult<void> upsert_kiosk(PGconn* c, const BatchContext& ctx, const std::vector<StoreOutcome>& outcomes) {
        const KioskSeen& s = *ctx.seen;
        std::int64_t accepted = 0, duplicate = 0, conflict = 0;
        for (auto o : outcomes)
            (o == StoreOutcome::Accepted ? accepted : o == StoreOutcome::Duplicate ? duplicate : conflict) += 1;
        // Text parameters, NULL where a value is not known (run() cannot send NULL).
        std::array<std::optional<std::string>, 22> v;
        const KioskQueueMove moved = queue_move(s, conflict);
        v[20] = std::to_string(moved.left);
        v[21] = std::to_string(moved.quarantined);
        v[0] = ctx.kiosk;
        v[1] = ctx.device_id;
        v[2] = ctx.received_at;
        v[3] = ctx.batch_id;
        v[4] = std::to_string(s.items);
        v[5] = std::to_string(accepted);
        v[6] = std::to_string(duplicate);
        v[7] = std::to_string(conflict);
        v[8] = std::to_string(s.rejected);
        v[9] = std::to_string(s.retry_later);
        if (s.heartbeat) {
            const auto num = [](const std::optional<std::int64_t>& n) {
                return n ? std::optional<std::string>(std::to_string(*n)) : std::nullopt;
            };
            v[10] = ctx.received_at;
            v[11] = s.app_version;
            v[12] = s.surveys_json;
            v[13] = num(moved.queue_after(s.queue_depth));
            v[14] = num(moved.quarantined_after(s.quarantined));
            v[15] = num(s.free_disk_bytes);
            v[16] = s.last_error;
            if (!s.last_success_at.empty()) v[17] = s.last_success_at;
            v[18] = s.sent_at;
            v[19] = s.state;
        }
        std::array<const char*, 22> values{};
        for (std::size_t i = 0; i < v.size(); ++i) values[i] = v[i] ? v[i]->c_str() : nullptr;
        PgResult r(PQexecParams(c, k_upsert_kiosk, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
        if (PQresultStatus(r.r) != PGRES_COMMAND_OK) return std::unexpected(pg_error(c, "update kiosks", r.r));
        return {};
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
