// fieldkiosk::sync::server::Server — the receiver's HTTP face: routes, authentication, batch intake
// (admit, check, decode, judge, store, answer), survey documents, health, metrics and exports over HTTP.
// Over 600 lines on purpose: it is one class (Server::Impl) whose handlers share the token bucket, the
// in-flight counter and the metrics; each handler is its own short function, and the work behind them lives
// in the files it includes (auth, export_*, fleet, survey_library, storage).
#include "sync/server/server.hpp"

#include "sync/protocol/digest.hpp"
#include "sync/protocol/gzip.hpp"
#include "sync/server/auth.hpp"
#include "sync/server/export_audit.hpp"
#include "sync/server/export_csv.hpp"
#include "sync/server/export_formats.hpp"
#include "sync/server/fleet.hpp"
#include "sync/server/http_core.hpp"
#include "sync/server/survey_library.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>
#include <unordered_map>

namespace fieldkiosk::sync::server {

using nlohmann::json;
using protocol::ErrorBody;

namespace {

constexpr std::array<double, 11> k_latency_buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

struct Metrics {
    std::mutex mutex;
    std::map<int, std::uint64_t> batches_by_status;
    std::array<std::uint64_t, protocol::k_item_status_count> items{};  // by protocol::ItemStatus
    std::array<std::uint64_t, k_latency_buckets.size()> latency{};
    std::uint64_t latency_count = 0;
    double latency_sum = 0;
    std::atomic<int> in_flight{0};

    void record(int status, double seconds) {
        std::lock_guard lock(mutex);
        ++batches_by_status[status];
        for (std::size_t i = 0; i < k_latency_buckets.size(); ++i)
            if (seconds <= k_latency_buckets[i]) ++latency[i];
        ++latency_count;
        latency_sum += seconds;
    }
    void record_items(const protocol::BatchAnswer& a) {
        std::lock_guard lock(mutex);
        for (const auto& r : a.results) ++items[static_cast<std::size_t>(r.status)];
    }
    std::string render() {
        std::ostringstream o;
        std::lock_guard lock(mutex);
        o << "# HELP fieldkiosk_batches_total Batch requests (POST /v1/batches) by HTTP status.\n"
             "# TYPE fieldkiosk_batches_total counter\n";
        for (const auto& [status, n] : batches_by_status)
            o << "fieldkiosk_batches_total{status=\"" << status << "\"} " << n << "\n";
        o << "# HELP fieldkiosk_items_total Responses received, by per-item result.\n# TYPE fieldkiosk_items_total counter\n";
        for (std::size_t s = 0; s < protocol::k_item_status_count; ++s)
            o << "fieldkiosk_items_total{result=\"" << protocol::to_string(static_cast<protocol::ItemStatus>(s)) << "\"} "
              << items[s] << "\n";
        o << "# HELP fieldkiosk_batch_duration_seconds Time to handle a batch request.\n"
             "# TYPE fieldkiosk_batch_duration_seconds histogram\n";
        for (std::size_t i = 0; i < k_latency_buckets.size(); ++i)
            o << "fieldkiosk_batch_duration_seconds_bucket{le=\"" << k_latency_buckets[i] << "\"} " << latency[i] << "\n";
        o << "fieldkiosk_batch_duration_seconds_bucket{le=\"+Inf\"} " << latency_count << "\n"
          << "fieldkiosk_batch_duration_seconds_sum " << latency_sum << "\n"
          << "fieldkiosk_batch_duration_seconds_count " << latency_count << "\n"
          << "# HELP fieldkiosk_batches_in_flight Batch requests being handled now.\n# TYPE fieldkiosk_batches_in_flight gauge\n"
          << "fieldkiosk_batches_in_flight " << in_flight.load() << "\n";
        return o.str();
    }
};

// A token bucket per kiosk: `rate` batches per second sustained, `burst` at once.
class RateLimiter {
public:
    RateLimiter(double rate, double burst) : m_rate(rate), m_burst(burst) {}
    // 0 when allowed (a token is taken); otherwise whole seconds until one is available (>= 1).
    int take(const std::string& key, std::chrono::steady_clock::time_point now) {
        if (m_rate <= 0) return 0;
        std::lock_guard lock(m_mutex);
        auto [it, fresh] = m_buckets.try_emplace(key, Bucket{m_burst, now});
        Bucket& b = it->second;
        if (!fresh) {
            const double elapsed = std::chrono::duration<double>(now - b.at).count();
            b.tokens = std::min(m_burst, b.tokens + elapsed * m_rate);
            b.at = now;
        }
        if (b.tokens >= 1.0) {
            b.tokens -= 1.0;
            return 0;
        }
        return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / m_rate)));
    }

private:
    struct Bucket {
        double tokens;
        std::chrono::steady_clock::time_point at;
    };
    double m_rate, m_burst;
    std::mutex m_mutex;
    std::unordered_map<std::string, Bucket> m_buckets;
};

void answer_error(HttpResponse& res, int status, std::string code, std::string message, int retry_after_s = 0,
                  std::optional<std::size_t> item = std::nullopt) {
    res.status = status;
    if (retry_after_s > 0) res.set_header("Retry-After", std::to_string(retry_after_s));
    if (status == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"fieldkiosk\"");
    res.set_content(protocol::encode(ErrorBody{std::move(code), std::move(message), item}), "application/json");
}

// Counts a batch request as in flight for exactly as long as it lives (exceptions included).
class InFlight {
public:
    explicit InFlight(std::atomic<int>& n) : m_n(&n), m_position(++n) {}
    ~InFlight() { --*m_n; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    // How many were in flight once this one was counted (itself included).
    [[nodiscard]] int position() const { return m_position; }

private:
    std::atomic<int>* m_n;
    int m_position;
};

}  // namespace

struct Server::Impl {
    std::shared_ptr<Storage> storage;
    // Every survey version known now. Replaced whole by replace_surveys() (SIGHUP); a handler takes its own
    // copy of the pointer once, so a batch in flight is judged by one library from start to end.
    std::mutex surveys_mutex;
    std::shared_ptr<const SurveyLibrary> library;
    ServerOptions options;
    const core::Clock* clock;
    Metrics metrics;
    RateLimiter limiter;
    std::atomic<std::uint64_t> batch_counter{0};

    std::unique_ptr<Dashboard> dashboard;  // /dashboard/ (dashboard.hpp)

    Impl(std::shared_ptr<Storage> s, std::shared_ptr<const Validator> v, ServerOptions o, const core::Clock& c)
        : storage(std::move(s)),
          library(SurveyLibrary::from_validator(std::move(v))),
          options(std::move(o)),
          clock(&c),
          limiter(options.limits.rate_per_second, options.limits.rate_burst),
          dashboard(std::make_unique<Dashboard>(*storage, c, options.dashboard, options.quality, [this] { return surveys(); },
                                                !options.tls_cert.empty())) {}

    // The token's record when `req` carries an active token allowed `need` (auth.hpp role_allows); otherwise
    // answers 401 (no token, unknown, revoked, another role) or 403 (an admin token without that scope).
    std::optional<TokenRecord> authenticate(const HttpRequest& req, HttpResponse& res, std::string_view need) {
        const std::string token = bearer_token(req.header("Authorization"));
        if (token.empty()) {
            answer_error(res, 401, "unauthorized", "no token: send 'Authorization: Bearer <token>'");
            return std::nullopt;
        }
        const auto digest = protocol::sha256_hex(token);
        if (!digest) {
            answer_error(res, 503, "unavailable", "the server cannot check tokens now: " + digest.error(), 5);
            return std::nullopt;
        }
        const std::string& hash = *digest;
        auto found = storage->find_token(hash);
        if (!found) {
            answer_error(res, 503, "unavailable", "the server's database is not answering", 5);
            return std::nullopt;
        }
        if (!*found || !constant_time_equal((*found)->token_hash, hash)) {
            answer_error(res, 401, "unauthorized", "this token is unknown, revoked, or not allowed here");
            return std::nullopt;
        }
        if (!role_allows((*found)->role, need)) {
            if (is_admin_role((*found)->role) && need.starts_with("admin:"))
                answer_error(res, 403, "forbidden",
                             "this admin token has no '" + std::string(need.substr(6)) + "' scope (add-admin --scopes)");
            else
                answer_error(res, 401, "unauthorized", "this token is unknown, revoked, or not allowed here");
            return std::nullopt;
        }
        return **found;
    }

    void handle_batch(const HttpRequest& req, HttpResponse& res) {
        const auto start = std::chrono::steady_clock::now();
        {
            const InFlight counted(metrics.in_flight);
            process_batch(req, res, counted.position());
        }
        metrics.record(res.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }

    // POST /v1/batches, in the order a request meets its checks: each step answers and returns false (or
    // nullopt) when the request goes no further. The body has been read whole by HttpCore (within max_body_bytes).
    void process_batch(const HttpRequest& req, HttpResponse& res, int in_flight_position) {
        const std::uint64_t number = ++batch_counter;
        const Fault fault = options.fault ? options.fault(number) : Fault{};
        if (!admit(res, fault, in_flight_position) || !check_headers(req, res)) return;
        auto token = authenticate(req, res, k_role_kiosk);
        if (!token) return;
        if (const int wait = limiter.take(token->name, clock->steady_now()); wait > 0) {
            answer_error(res, 429, "rate_limited", "too many batches from this kiosk; wait and retry", wait);
            return;
        }
        const auto body = read_body(req, res);
        if (!body) return;
        const auto batch = decode_checked(res, *body);
        if (!batch) return;
        Judged judged = judge_items(*batch, token->name);
        if (!store_judged(res, *batch, token->name, fault, judged)) return;
        dashboard->data_changed();
        metrics.record_items(judged.answer);
        send_answer(res, judged.answer, fault);
    }

    // Step 1: injected faults (tests), then the server's own limit on batches in flight.
    bool admit(HttpResponse& res, const Fault& fault, int in_flight_position) {
        if (fault.kind == Fault::Kind::Delay) std::this_thread::sleep_for(fault.delay);
        if (fault.kind == Fault::Kind::Status) {
            answer_error(res, fault.status,
                         fault.status == 429   ? "rate_limited"
                         : fault.status >= 500 ? "unavailable"
                                               : "error",
                         "injected fault", fault.retry_after_s, fault.item);
            return false;
        }
        // The pool never runs more than `threads` handlers at once, so a larger setting could never bite.
        const int workers = std::max(1, options.threads);
        const int max_in_flight = options.max_in_flight_batches > 0 ? std::min(options.max_in_flight_batches, workers) : workers;
        if (in_flight_position > max_in_flight) {
            answer_error(res, 503, "unavailable", "the server is busy; try again shortly", 2);
            return false;
        }
        return true;
    }

    // Step 2: a body that could not be held to max_body_bytes is refused unread.
    bool check_headers(const HttpRequest& req, HttpResponse& res) const {
        const auto& limits = options.limits;
        if (req.header("Transfer-Encoding").find("chunked") != std::string::npos) {
            // A chunked body could not be held to max_body_bytes before it is read: refuse it unread.
            answer_error(res, 411, "length_required", "send the body with a Content-Length (chunked uploads are not taken)");
            return false;
        }
        if (!req.has_header("Content-Length")) return true;
        const std::string cl = req.header("Content-Length");
        std::uint64_t length = 0;
        try {
            length = std::stoull(cl);
        } catch (const std::exception&) {
            answer_error(res, 400, "malformed", "Content-Length is not a number");
            return false;
        }
        if (length > limits.max_body_bytes) {
            answer_error(res, 413, "too_large", "the body is larger than " + std::to_string(limits.max_body_bytes) + " bytes");
            return false;
        }
        return true;
    }

    // Step 3: the body, inflated if gzip'd (Content-Encoding); the inflated size is capped as it grows.
    std::optional<std::string> read_body(const HttpRequest& req, HttpResponse& res) const {
        const auto cap = options.limits.max_decompressed_bytes;
        const std::string encoding = req.header("Content-Encoding");
        if (encoding.empty() || encoding == "identity") {
            if (req.body.size() <= cap) return req.body;
        } else if (encoding == "gzip" || encoding == "x-gzip") {
            auto inflated = protocol::gzip_decompress(req.body, cap);
            if (inflated) return std::move(*inflated);
            if (inflated.error().kind == protocol::GzipError::Kind::Corrupt) {
                answer_error(res, 400, "malformed", "the body could not be read (damaged gzip, or cut short)");
                return std::nullopt;
            }
        } else {
            answer_error(res, 415, "unsupported_encoding", "Content-Encoding '" + encoding + "' is not taken; send gzip or none");
            return std::nullopt;
        }
        answer_error(res, 413, "too_large", "the body is larger than " + std::to_string(cap) + " bytes once decompressed");
        return std::nullopt;
    }

    // Step 4: the envelope, its protocol version and its number of responses.
    std::optional<protocol::Batch> decode_checked(HttpResponse& res, std::string_view body) const {
        auto batch = protocol::decode_batch(body);
        if (!batch) {
            answer_error(res, 400, "malformed", batch.error().message, 0, batch.error().item);
            return std::nullopt;
        }
        if (batch->protocol != protocol::k_version) {
            answer_error(res, 400, "unsupported_protocol",
                         "protocol " + std::to_string(batch->protocol) + " is not spoken here; this server speaks 1");
            return std::nullopt;
        }
        if (batch->responses.size() > options.limits.max_items) {
            answer_error(res, 413, "too_large",
                         "more than " + std::to_string(options.limits.max_items) + " responses in one batch");
            return std::nullopt;
        }
        return std::move(*batch);
    }

    // The answer so far (rejected and retry_later items decided) and what is left to store.
    struct Judged {
        protocol::BatchAnswer answer;
        std::vector<PreparedItem> prepared;
        std::vector<std::size_t> prepared_index;  // prepared[k] answers answer.results[prepared_index[k]]
    };

    // Step 5: each response against the surveys in force (one library for the whole batch).
    Judged judge_items(const protocol::Batch& batch, const std::string& kiosk) {
        Judged j;
        j.answer.batch_id = batch.batch_id;
        j.answer.kiosk = kiosk;  // the kiosk (and `fieldkiosk-ctl provision`) can say which name its token has
        j.answer.results.resize(batch.responses.size());
        const auto batch_surveys = surveys();
        for (std::size_t i = 0; i < batch.responses.size(); ++i) {
            const auto& item = batch.responses[i];
            j.answer.results[i].id = item.id;
            if (auto problem = batch_surveys->validator().judge(item)) {
                j.answer.results[i].status =
                    problem->retry_later ? protocol::ItemStatus::RetryLater : protocol::ItemStatus::Rejected;
                j.answer.results[i].reason = std::move(problem->reason);
                continue;
            }
            std::string text = protocol::canonical(item.payload);
            auto hash = protocol::sha256_hex(text);
            if (!hash) {  // never stored without its content hash: duplicates and conflicts are told apart by it
                j.answer.results[i].status = protocol::ItemStatus::RetryLater;
                j.answer.results[i].reason = hash.error();
                continue;
            }
            j.prepared.push_back(PreparedItem{item.id, item.survey, item.survey_version, item.payload.value("completed_at", ""),
                                              std::move(*hash), std::move(text)});
            j.prepared_index.push_back(i);
        }
        return j;
    }

    // Step 6: one transaction for the responses and the kiosk's row. Every batch answered 200, with or without
    // responses or heartbeat, updates the kiosk's row (last_seen, the batch's counts, and the heartbeat when
    // there is one) in the batch's own transaction (fleet.hpp).
    bool store_judged(HttpResponse& res, const protocol::Batch& batch, const std::string& kiosk, const Fault& fault,
                      Judged& j) {
        std::int64_t rejected = 0, retry_later = 0;
        for (const auto& r : j.answer.results) {
            if (r.status == protocol::ItemStatus::Rejected) ++rejected;
            if (r.status == protocol::ItemStatus::RetryLater) ++retry_later;
        }
        const KioskSeen seen = kiosk_seen(batch, rejected, retry_later);
        BatchContext ctx{kiosk, bounded_text(batch.kiosk_id, k_max_short_text_bytes), batch.batch_id,
                         core::format_utc(clock->wall_now())};
        ctx.seen = &seen;
        std::function<void()> before_commit;
        if (fault.kind == Fault::Kind::StallBeforeCommit)
            before_commit = [d = fault.delay, note = fault.on_stall] {
                if (note) note();
                std::this_thread::sleep_for(d);
            };
        auto stored = storage->store_batch(ctx, j.prepared, before_commit);
        if (!stored) {
            if (stored.error().kind == ServerError::Kind::Busy)
                answer_error(res, 503, "unavailable", "the database is busy; nothing was stored", 2);
            else
                answer_error(res, 500, "internal", "nothing was stored: " + stored.error().message);
            return false;
        }
        for (std::size_t k = 0; k < stored->size(); ++k) set_outcome(j.answer.results[j.prepared_index[k]], (*stored)[k]);
        return true;
    }

    static void set_outcome(protocol::ItemAnswer& r, StoreOutcome outcome) {
        switch (outcome) {
            case StoreOutcome::Accepted:
                r.status = protocol::ItemStatus::Accepted;
                break;
            case StoreOutcome::Duplicate:
                r.status = protocol::ItemStatus::Duplicate;
                break;
            case StoreOutcome::Conflict:
                r.status = protocol::ItemStatus::Conflict;
                r.reason = "another response with this id, with different content, is already stored; this one is kept aside";
                break;
        }
    }

    // Step 7: 200 and the per-item answer (or, injected, half of it: committed, then the connection breaks).
    static void send_answer(HttpResponse& res, const protocol::BatchAnswer& answer, const Fault& fault) {
        res.status = 200;
        res.set_content(protocol::encode(answer), "application/json");
        if (fault.kind == Fault::Kind::DropAfterCommit) res.cut_after = res.body.size() / 2;
    }

    std::shared_ptr<const SurveyLibrary> surveys() {
        std::lock_guard lock(surveys_mutex);
        return library;
    }

    // GET /v1/surveys: the current version of each enabled survey; 304 when If-None-Match has the ETag.
    void handle_survey_index(const HttpRequest& req, HttpResponse& res) {
        if (!authenticate(req, res, k_role_kiosk)) return;
        const auto lib = surveys();
        res.set_header("Cache-Control", "no-cache");
        if (lib->etag().empty()) {  // no digest (see SurveyLibrary::etag): always the whole list
            res.set_content(lib->index_json(), "application/json");
            return;
        }
        res.set_header("ETag", lib->etag());
        if (req.header("If-None-Match") == lib->etag()) {
            res.status = 304;
            return;
        }
        res.set_content(lib->index_json(), "application/json");
    }

    // GET /v1/surveys/ID/VERSION: one version's self-contained definition (any version the server knows).
    void handle_survey_document(const HttpRequest& req, HttpResponse& res) {
        if (!authenticate(req, res, k_role_kiosk)) return;
        const std::string id = req.matches[1], version = req.matches[2];
        const auto lib = surveys();
        const PublishedSurvey* p = lib->find(id, version);
        if (p == nullptr) {
            const bool known_id = lib->validator().catalog().find(id) != nullptr;
            answer_error(res, 404, "not_found",
                         known_id ? "survey '" + id + "' has no version '" + version +
                                        "' on this server; GET /v1/surveys lists the current versions"
                                  : "there is no survey '" + id + "' on this server; GET /v1/surveys lists the surveys");
            return;
        }
        res.set_header(std::string(protocol::k_survey_sha256_header), p->sha256);
        res.set_header("ETag", "\"" + p->sha256 + "\"");
        res.set_content(p->document, "application/json");
    }

    json health_json() {
        json j = {{"status", "ok"},
                  {"protocol", protocol::k_version},
                  {"version", FIELDKIOSK_VERSION},
                  {"backend", storage->backend()},
                  {"limits", protocol::to_json(options.limits)}};
        json surveys = json::array();
        const auto lib = this->surveys();  // held for the loop: a reload may swap the library meanwhile
        for (const auto& s : lib->validator().catalog().surveys) surveys.push_back({{"id", s->id}, {"version", s->version}});
        j["surveys"] = std::move(surveys);
        return j;
    }

    // The routes: plain functions of HttpRequest -> HttpResponse, whatever carries the bytes (HttpCore).
    struct Route {
        std::string method;
        std::regex pattern;
        std::function<void(const HttpRequest&, HttpResponse&)> handle;
    };
    std::vector<Route> routes;

    void install_routes() {
        const auto add = [this](std::string method, const std::string& pattern, auto handle) {
            routes.push_back(Route{std::move(method), std::regex(pattern), std::move(handle)});
        };
        add("POST", std::string(protocol::k_batches_path), [this](const HttpRequest& req, HttpResponse& res) { handle_batch(req, res); });
        add("GET", std::string(protocol::k_health_path), [this](const HttpRequest&, HttpResponse& res) {
            json j = health_json();
            if (!storage->counts()) {
                j["status"] = "degraded";
                res.status = 503;
            }
            res.set_content(j.dump(), "application/json");
        });
        add("GET", std::string(protocol::k_limits_path), [this](const HttpRequest&, HttpResponse& res) {
            res.set_content(json{{"protocol", protocol::k_version}, {"limits", protocol::to_json(options.limits)}}.dump(),
                            "application/json");
        });
        add("GET", std::string(protocol::k_surveys_path),
            [this](const HttpRequest& req, HttpResponse& res) { handle_survey_index(req, res); });
        add("GET", std::string(protocol::k_surveys_path) + "/([^/]+)/([^/]+)",
            [this](const HttpRequest& req, HttpResponse& res) { handle_survey_document(req, res); });
        add("GET", "/metrics", [this](const HttpRequest& req, HttpResponse& res) { handle_metrics(req, res); });
        // Analysis-ready exports (docs/exports.md) first: "food.wide.csv" is not the long CSV of a survey "food.wide".
        add("GET", R"(/v1/export/([A-Za-z0-9_\-]+)\.(wide\.csv|codebook\.csv|sps|xlsx))",
            [this](const HttpRequest& req, HttpResponse& res) { handle_export_format(req, res); });
        add("GET", R"(/v1/export/([A-Za-z0-9_.\-]+)\.csv)",
            [this](const HttpRequest& req, HttpResponse& res) { handle_export(req, res); });
        // The results dashboard (docs/dashboard.md): it answers GET and POST itself, with HTML pages.
        for (const char* method : {"GET", "POST"})
            add(method, R"(/dashboard(/.*)?)", [this](const HttpRequest& req, HttpResponse& res) { dashboard->handle(req, res); });
        add("GET", R"(/v1/export/(.*))", [this](const HttpRequest& req, HttpResponse& res) {
            if (!authenticate(req, res, k_need_read)) return;
            answer_error(res, 404, "not_found",
                         "no such export: use /v1/export/SURVEY.csv, .wide.csv, .codebook.csv, .sps or .xlsx "
                         "(labels: ?labels=LANGUAGE)");
        });
    }

    void handle_metrics(const HttpRequest& req, HttpResponse& res) {
        // It names every kiosk, its device, version, queue and errors: a metrics token of its own.
        if (!authenticate(req, res, k_role_metrics)) return;
        std::string text = metrics.render();
        if (http) {
            const auto st = http->stats();
            text += "# HELP fieldkiosk_connections_open HTTP connections open now (idle ones included).\n"
                    "# TYPE fieldkiosk_connections_open gauge\nfieldkiosk_connections_open " +
                    std::to_string(st.connections_open) +
                    "\n# HELP fieldkiosk_connections_refused_total Connections refused (503) because too many were open.\n"
                    "# TYPE fieldkiosk_connections_refused_total counter\nfieldkiosk_connections_refused_total " +
                    std::to_string(st.connections_refused) +
                    "\n# HELP fieldkiosk_connections_timed_out_total Connections closed because a deadline passed.\n"
                    "# TYPE fieldkiosk_connections_timed_out_total counter\nfieldkiosk_connections_timed_out_total " +
                    std::to_string(st.connections_timed_out) + "\n";
        }
        // Fleet health: one SELECT over tokens + kiosks per scrape (render_kiosk_metrics, fleet.hpp).
        if (auto kiosks = storage->kiosks())
            text += render_kiosk_metrics(*kiosks, clock->wall_now(), options.quiet_after);
        else
            text += "# fieldkiosk_kiosk_*: the database did not answer: " + bounded_text(kiosks.error().message, 200) + "\n";
        res.set_content(text, "text/plain; version=0.0.4");
    }

    // An export's body: made whole on the worker into an ExportSpool (a temporary file without a name, so memory
    // does not grow with the export), then sent from it with its length. A failure part-way, in the database or
    // the temporary folder, answers 500 before any byte: never a short file that looks complete.
    static std::optional<ExportSpool> open_spool(HttpResponse& res) {
        auto spool = ExportSpool::open();
        if (!spool) {
            answer_error(res, 500, "internal", "the export could not be made: " + bounded_text(spool.error(), 200));
            return std::nullopt;
        }
        return std::move(*spool);
    }
    // The audit entry is written after the spool's last bytes are on disk: a full disk there is "cut short".
    static std::function<bool(std::string&)> flush_of(ExportSpool& spool) {
        return [&spool](std::string& why) {
            if (spool.flush()) return true;
            why = spool.error();
            return false;
        };
    }
    // Why an export failed: the spool's own error (the temporary folder) first, else the export's.
    static std::string spool_failure(const ExportSpool& spool, const std::string& why) {
        return spool.error().empty() ? why : spool.error();
    }
    static void send_spool(HttpResponse& res, ExportSpool& spool, const std::string& filename, std::string_view type) {
        auto body = spool.finish();
        if (!body) {
            answer_error(res, 500, "internal", "the export could not be completed: " + bounded_text(spool.error(), 200));
            return;
        }
        res.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
        res.content_type = std::string(type);
        res.file = std::move(body);
    }

    // GET /v1/export/SURVEY.csv.
    void handle_export(const HttpRequest& req, HttpResponse& res) {
        const auto token = authenticate(req, res, k_need_read);
        if (!token) return;
        const std::string survey = req.matches[1];
        auto spool = open_spool(res);
        if (!spool) return;
        const auto write = [&spool](const std::string& part) { return spool->write(part); };
        const ExportAudit audit{*storage, *clock, token->name, "survey '" + survey + "' as CSV over HTTP", flush_of(*spool)};
        // Never a short file that looks complete, nor a file that is not in the audit log.
        std::string why;
        const auto lib = surveys();
        const core::SurveyPtr definition = lib->validator().catalog().find(survey);
        if (!export_csv_to(*storage, survey, write, audit, ExportQuality{options.quality, definition}, &why)) {
            answer_error(res, 500, "internal", "the export could not be completed: " + bounded_text(spool_failure(*spool, why), 200));
            return;
        }
        send_spool(res, *spool, survey + ".csv", "text/csv; charset=utf-8");
    }

    // GET /v1/export/SURVEY.wide.csv, .codebook.csv, .sps, .xlsx [?labels=LANG]: the same token, scope and audit
    // entry as the long CSV; the survey's current definition from the library in force; made into a spool as the
    // long CSV is (docs/exports.md, "Memory").
    void handle_export_format(const HttpRequest& req, HttpResponse& res) {
        const auto token = authenticate(req, res, k_need_read);
        if (!token) return;
        ExportRequest request;
        request.survey = req.matches[1];
        request.format = export_format_from_suffix(req.matches[2]).value_or(ExportFormat::Wide);
        for (std::string_view rest = req.query; !rest.empty();) {
            const auto amp = rest.find('&');
            const std::string_view pair = rest.substr(0, amp);
            rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
            if (!pair.starts_with("labels=")) continue;
            request.labels = std::string(pair.substr(7));
            const auto code_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
            if (!std::ranges::all_of(request.labels, code_char)) {
                answer_error(res, 400, "bad_request", "labels: give a language code such as en or es");
                return;
            }
        }
        request.quality = options.quality;
        const auto lib = surveys();
        auto spool = open_spool(res);
        if (!spool) return;
        const auto write = [&spool](std::string_view part) { return spool->write(part); };
        const ExportAudit audit{*storage, *clock, token->name,
                                "survey '" + request.survey + "' as " + std::string(to_string(request.format)) +
                                    (request.labels.empty() ? "" : " (labels " + request.labels + ")") + " over HTTP",
                                flush_of(*spool)};
        auto done = export_survey_to(*storage, &lib->validator().catalog(), request, write, audit);
        if (!done) {
            const auto k = done.error().kind;
            const bool unknown = k == ExportFailure::Kind::UnknownSurvey, bad = k == ExportFailure::Kind::BadRequest;
            answer_error(res,
                         unknown ? 404
                         : bad   ? 400
                                 : 500,
                         unknown ? "not_found"
                         : bad   ? "bad_request"
                                 : "internal",
                         bounded_text(spool_failure(*spool, done.error().message), 300));
            return;
        }
        const std::string name =
            request.survey + (request.labels.empty() ? "" : "." + request.labels) + std::string(export_suffix(request.format));
        send_spool(res, *spool, name, export_content_type(request.format));
    }

    // A survey document is ~60 KB of JSON and ~10 KB gzip'd: answers of 1 KB or more go gzip'd to a client
    // that says it takes gzip (the kiosk's libcurl does). Never a deliberately cut answer (tests).
    static void compress_if_asked(const HttpRequest& req, HttpResponse& res) {
        if (res.body.size() < 1024 || res.cut_after || req.header("Accept-Encoding").find("gzip") == std::string::npos) return;
        res.body = protocol::gzip_compress(res.body);
        res.set_header("Content-Encoding", "gzip");
        res.set_header("Vary", "Accept-Encoding");
    }

    // HttpCore's handler: runs on a worker with a complete request.
    HttpResponse route(HttpRequest& req) {
        HttpResponse res;
        bool path_known = false;
        for (const auto& r : routes) {
            std::smatch m;
            if (!std::regex_match(req.path, m, r.pattern)) continue;
            path_known = true;
            if (r.method != req.method) continue;
            req.matches.assign(m.begin(), m.end());
            try {
                r.handle(req, res);
            } catch (const std::exception&) {
                res = HttpResponse{};
                answer_error(res, 500, "internal", "internal error");
            }
            compress_if_asked(req, res);
            return res;
        }
        if (path_known) {
            answer_error(res, 405, "method_not_allowed", req.method + " is not taken at " + req.path);
        } else {
            answer_error(res, 404, "not_found", "HTTP 404");
        }
        return res;
    }

    std::unique_ptr<HttpCore> http;
};

Server::Server(std::shared_ptr<Storage> storage, std::shared_ptr<const Validator> validator, ServerOptions options,
               const core::Clock& clock)
    : m_impl(std::make_unique<Impl>(std::move(storage), std::move(validator), std::move(options), clock)) {
    const auto& o = m_impl->options;
    HttpCoreOptions core;
    core.host = o.host;
    core.port = o.port;
    core.workers = std::max(1, o.threads);
    core.head_timeout = o.read_timeout;
    core.body_timeout = o.read_timeout;
    core.idle_timeout = o.keep_alive_timeout;
    core.write_timeout = o.write_timeout;
    core.max_body_bytes = o.limits.max_body_bytes;
    core.max_connections = o.max_connections;
    core.tls_cert = o.tls_cert;
    core.tls_key = o.tls_key;
    m_impl->install_routes();
    m_impl->http = std::make_unique<HttpCore>(core, [impl = m_impl.get()](HttpRequest& req) { return impl->route(req); });
}

Server::~Server() { stop(); }

bool Server::bind() {
    if (!m_impl->http->bind()) {
        m_error = m_impl->http->error();
        return false;
    }
    m_port = m_impl->http->port();
    return true;
}

void Server::replace_surveys(std::shared_ptr<const SurveyLibrary> library) {
    if (!library) return;
    std::lock_guard lock(m_impl->surveys_mutex);
    m_impl->library = std::move(library);
}

std::shared_ptr<const SurveyLibrary> Server::surveys() const { return m_impl->surveys(); }

bool Server::run() { return m_impl->http->run(); }
void Server::stop() {
    if (m_impl && m_impl->http) m_impl->http->stop();
}
bool Server::is_running() const { return m_impl->http->is_running(); }

}  // namespace fieldkiosk::sync::server
