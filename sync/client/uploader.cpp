#include "sync/client/uploader.hpp"

#include "sync/protocol/gzip.hpp"
#include "sync/protocol/wire.hpp"

#include <algorithm>
#include <ctime>
#include <unordered_map>

namespace fieldkiosk::sync::client {

namespace {

Failure from_status(int status, std::optional<std::chrono::seconds> retry_after, const std::string& body) {
    auto e = protocol::decode_error(body);
    return failure_of_status(status, retry_after, "HTTP " + std::to_string(status) + (e ? ": " + e->message : std::string()));
}

std::string local_hhmm(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[8];
    std::strftime(buf, sizeof buf, "%H:%M", &tm);
    return buf;
}

}  // namespace

Failure failure_of_status(int status, std::optional<std::chrono::seconds> retry_after, std::string detail) {
    Failure f;
    f.http_status = status;
    f.retry_after = retry_after;
    f.detail = std::move(detail);
    if (status == 401 || status == 403)
        f.kind = Failure::Kind::Unauthorized;
    else if (status == 429 || status == 503)
        f.kind = Failure::Kind::Throttled;
    else if (status >= 500)
        f.kind = Failure::Kind::ServerError;
    else if (status >= 400)
        f.kind = Failure::Kind::Refused;
    else
        f.kind = Failure::Kind::BadAnswer;  // a redirect, or a success code that is not the protocol's
    return f;
}

std::string describe(const Failure& f, std::chrono::system_clock::time_point since) {
    using K = Failure::Kind;
    switch (f.kind) {
        case K::Offline:
            return "No connection since " + local_hhmm(since);
        case K::Tls:
            if (f.detail.starts_with(k_insecure_url_message))
                return "The server address is not https://, so the kiosk's key would be sent unencrypted; nothing was sent";
            return "The server's certificate could not be trusted; nothing was sent";
        case K::Unauthorized:
            return "The server refused this kiosk's key";
        case K::Throttled:
            return "The server asked the kiosk to wait; it will try again by itself";
        case K::ServerError:
            return "The server had a problem (HTTP " + std::to_string(f.http_status) + "); trying again later";
        case K::Refused:
            return "The server would not take a batch (HTTP " + std::to_string(f.http_status) + ")";
        case K::BadAnswer:
            return "The server's answer could not be read; trying again later";
        case K::Store:
            return "The kiosk's own database failed: " + f.detail;
    }
    return "Sync failed";
}

const core::Clock& Uploader::system_clock() {
    static const core::SystemClock clock;
    return clock;
}

std::chrono::seconds Uploader::retry_later_delay(int attempts) {
    constexpr std::chrono::seconds first{60}, cap{6 * 3600};
    const int doublings = std::clamp(attempts, 0, 16);
    return std::min<std::chrono::seconds>(cap, first * (std::int64_t{1} << doublings));
}

DrainSummary Uploader::drain(const std::function<bool()>& keep_going, std::optional<protocol::Heartbeat> heartbeat) {
    DrainSummary summary;
    m_heartbeat = std::move(heartbeat);
    // The store's drop-off tally rides on the heartbeat (counts only). A store that cannot be read leaves it
    // out this time: the next heartbeat carries the whole tally again, so nothing is lost.
    if (m_heartbeat && m_heartbeat->dropoffs.empty())
        if (auto days = m_store->dropoff_days(protocol::k_max_dropoff_counts))
            for (auto& d : *days)
                m_heartbeat->dropoffs.push_back({std::move(d.survey_id), std::move(d.survey_version), std::move(d.last_question),
                                                 std::move(d.site), std::move(d.day), d.count});
    while (!keep_going || keep_going()) {
        Step s = send_one(summary);
        if (s == Step::Empty && m_heartbeat) s = send_heartbeat_only(summary);
        if (s != Step::Sent) break;
    }
    m_heartbeat.reset();
    return summary;
}

HttpRequest Uploader::make_request(const protocol::Batch& batch) const {
    HttpRequest req;
    req.url = m_config.server_url;
    while (!req.url.empty() && req.url.back() == '/') req.url.pop_back();
    req.url += protocol::k_batches_path;
    req.headers = {{"Authorization", "Bearer " + m_config.token}, {"Content-Type", "application/json"}};
    req.body = protocol::encode(batch);
    if (m_config.gzip && req.body.size() >= m_config.gzip_min_bytes) {
        req.body = protocol::gzip_compress(req.body);
        req.headers.emplace_back("Content-Encoding", "gzip");
    }
    return req;
}

// Nothing to send: the heartbeat alone, in a batch with zero responses, so that the server hears from an
// idle kiosk too. Returns Empty when it was delivered (the drain is over), Failed otherwise.
Uploader::Step Uploader::send_heartbeat_only(DrainSummary& summary) {
    protocol::Batch batch;
    batch.kiosk_id = m_store->kiosk_id();
    batch.batch_id = core::make_uuid_v4(*m_rng);
    batch.heartbeat = m_heartbeat;
    auto res = m_transport->post(make_request(batch));
    if (!res) {
        const auto k = res.error().kind;
        const auto kind =
            k == TransportError::Kind::Tls || k == TransportError::Kind::Insecure ? Failure::Kind::Tls : Failure::Kind::Offline;
        summary.failure = Failure{kind, 0, std::nullopt, res.error().message};
        return Step::Failed;
    }
    summary.bytes_sent += res->bytes_sent;
    if (res->status != 200) {
        summary.failure = from_status(res->status, res->retry_after, res->body);
        return Step::Failed;
    }
    if (auto answer = protocol::decode_batch_answer(res->body); !answer) {
        summary.failure = Failure{Failure::Kind::BadAnswer, 200, std::nullopt, answer.error().message};
        return Step::Failed;
    }
    m_heartbeat.reset();
    summary.heartbeat_sent = true;
    return Step::Empty;
}

// The next batch from the outbox, the drain's pending heartbeat with it. A stored payload that is not JSON
// is answered here (rejected) instead of being sent.
struct Uploader::Outgoing {
    protocol::Batch batch;
    std::unordered_map<std::string, int> attempts;  // by id: earlier tries, for the retry_later back-off
    std::vector<storage::ItemResult> local;         // answers decided here (an unreadable stored payload)
};

Uploader::Outgoing Uploader::make_batch(std::vector<storage::OutboxItem>& items) {
    Outgoing out;
    out.batch.kiosk_id = m_store->kiosk_id();
    out.batch.batch_id = core::make_uuid_v4(*m_rng);
    out.batch.responses.reserve(items.size());
    for (auto& it : items) {
        protocol::WireItem w;
        w.id = it.response_id;
        w.survey = it.survey_id;
        w.encoding = it.encoding;
        w.payload = nlohmann::json::parse(it.payload, nullptr, false);
        if (w.payload.is_discarded()) {
            out.local.push_back({it.response_id, storage::ItemResult::Outcome::Rejected, "the stored payload is not valid JSON"});
            continue;
        }
        w.survey_version = w.payload.value("survey_version", "");
        out.attempts.emplace(w.id, it.attempts);
        out.batch.responses.push_back(std::move(w));
    }
    out.batch.heartbeat = m_heartbeat;  // the drain's first batch carries it (until one is answered 200)
    return out;
}

Uploader::Step Uploader::send_one(DrainSummary& summary) {
    auto items = m_store->next_batch(m_limits);
    if (!items) {
        summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, items.error().message};
        return Step::Failed;
    }
    if (items->empty()) return Step::Empty;
    Outgoing out = make_batch(*items);
    if (out.batch.responses.empty()) {
        if (auto r = m_store->apply_results(out.local); !r) {
            summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, r.error().message};
            return Step::Failed;
        }
        summary.rejected += static_cast<std::int64_t>(out.local.size());
        return Step::Sent;
    }
    auto res = m_transport->post(make_request(out.batch));
    if (!res) {
        const auto k = res.error().kind;
        const auto kind =
            k == TransportError::Kind::Tls || k == TransportError::Kind::Insecure ? Failure::Kind::Tls : Failure::Kind::Offline;
        summary.failure = Failure{kind, 0, std::nullopt, res.error().message};
        return Step::Failed;
    }
    summary.bytes_sent += res->bytes_sent;
    if (res->status == 413 || res->status == 400) return refused(out.batch, *res, summary);
    if (res->status != 200) {
        summary.failure = from_status(res->status, res->retry_after, res->body);
        return Step::Failed;
    }
    auto answer = protocol::decode_batch_answer(res->body);
    if (!answer) {
        summary.failure = Failure{Failure::Kind::BadAnswer, 200, std::nullopt, answer.error().message};
        return Step::Failed;
    }
    if (m_heartbeat) {
        m_heartbeat.reset();  // answered 200: the server has stored it with the batch
        summary.heartbeat_sent = true;
    }
    return record_answer(out, *answer, summary);
}

// A 413, or a 400. Split only when the batch itself is the trouble: too large (413), or a 400 that names one
// response it could not read. A 400 about the whole request (unsupported protocol, bad gzip, ...) is no fault
// of any one response: everything stays queued and the caller backs off.
Uploader::Step Uploader::refused(const protocol::Batch& batch, const HttpResponse& res, DrainSummary& summary) {
    if (res.status == 400) {
        auto e = protocol::decode_error(res.body);
        if (!e || !e->item || *e->item >= batch.responses.size()) {
            summary.failure = from_status(res.status, res.retry_after, res.body);
            return Step::Failed;
        }
    }
    if (batch.responses.size() > 1) {
        // Halve the next batch and go on, so that the one response at fault is soon alone and cannot
        // hold back the others. The normal limits come back after the next successful send.
        m_limits.max_count = std::max(1, std::min(m_limits.max_count, static_cast<int>(batch.responses.size())) / 2);
        m_limits.max_bytes = std::max<std::size_t>(1, m_limits.max_bytes / 2);
        return Step::Sent;
    }
    // A single response the server refuses on its own: set it aside for a day (still queued, never
    // deleted) so that the rest of the queue moves, and say so.
    const std::string id = batch.responses.front().id;
    if (auto d = m_store->defer(std::span<const std::string>(&id, 1), m_clock->wall_now() + k_refused_item_defer); !d) {
        summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, d.error().message};
        return Step::Failed;
    }
    m_limits = m_config.batch;
    summary.failure = from_status(res.status, res.retry_after, res.body);
    return Step::Failed;
}

// The server's answer (200) into the outbox: only ids we sent, each once; anything the server did not
// answer stays queued; retry_later waits longer each time.
Uploader::Step Uploader::record_answer(const Outgoing& out, const protocol::BatchAnswer& answer, DrainSummary& summary) {
    std::unordered_map<std::string, const protocol::ItemAnswer*> by_id;
    for (const auto& a : answer.results) by_id.emplace(a.id, &a);
    summary.rejected += static_cast<std::int64_t>(out.local.size());
    std::vector<storage::ItemResult> results = out.local;
    std::vector<std::string> retry_ids;
    std::chrono::seconds retry_delay{0};
    for (const auto& w : out.batch.responses) {
        auto it = by_id.find(w.id);
        if (it == by_id.end()) continue;
        using O = storage::ItemResult::Outcome;
        const auto* a = it->second;
        switch (a->status) {
            case protocol::ItemStatus::Accepted:
                results.push_back({w.id, O::Accepted, {}});
                ++summary.accepted;
                break;
            case protocol::ItemStatus::Duplicate:
                results.push_back({w.id, O::Duplicate, {}});
                ++summary.duplicate;
                break;
            case protocol::ItemStatus::Conflict:
                results.push_back({w.id, O::Conflict, a->reason.empty() ? "conflict" : a->reason});
                ++summary.conflict;
                break;
            case protocol::ItemStatus::Rejected:
                results.push_back({w.id, O::Rejected, a->reason.empty() ? "rejected" : a->reason});
                ++summary.rejected;
                break;
            case protocol::ItemStatus::RetryLater:
                // Not the response's fault (the server does not know its survey version yet): keep it queued,
                // and wait longer each time before sending it again.
                retry_ids.push_back(w.id);
                retry_delay = std::max(retry_delay, retry_later_delay(out.attempts.at(w.id)));
                ++summary.retry_later;
                break;
        }
    }
    if (results.size() == out.local.size() && retry_ids.empty()) {  // nothing we sent was answered: do not loop on the same batch
        summary.failure = Failure{Failure::Kind::BadAnswer, 200, std::nullopt, "the answer named none of the responses sent"};
        return Step::Failed;
    }
    if (auto r = m_store->apply_results(results); !r) {
        summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, r.error().message};
        return Step::Failed;
    }
    if (!retry_ids.empty()) {
        if (auto d = m_store->defer(retry_ids, m_clock->wall_now() + retry_delay); !d) {
            summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, d.error().message};
            return Step::Failed;
        }
    }
    m_limits = m_config.batch;  // a successful send: back to the normal batch size
    ++summary.batches;
    return Step::Sent;
}

}  // namespace fieldkiosk::sync::client
