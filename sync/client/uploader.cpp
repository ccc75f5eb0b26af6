#include "sync/client/uploader.hpp"

#include "sync/protocol/gzip.hpp"
#include "sync/protocol/wire.hpp"

#include <ctime>
#include <unordered_map>

namespace fieldkiosk::sync::client {

namespace {

Failure from_status(int status, std::optional<std::chrono::seconds> retry_after, const std::string& body) {
    Failure f;
    f.http_status = status;
    f.retry_after = retry_after;
    auto e = protocol::decode_error(body);
    f.detail = "HTTP " + std::to_string(status) + (e ? ": " + e->message : std::string());
    if (status == 401 || status == 403)
        f.kind = Failure::Kind::Unauthorized;
    else if (status == 429 || status == 503)
        f.kind = Failure::Kind::Throttled;
    else if (status >= 500)
        f.kind = Failure::Kind::ServerError;
    else
        f.kind = Failure::Kind::Refused;
    return f;
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

std::string describe(const Failure& f, std::chrono::system_clock::time_point since) {
    using K = Failure::Kind;
    switch (f.kind) {
        case K::Offline:
            return "No connection since " + local_hhmm(since);
        case K::Tls:
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

DrainSummary Uploader::drain(const std::function<bool()>& keep_going) {
    DrainSummary summary;
    while (!keep_going || keep_going()) {
        const Step s = send_one(summary);
        if (s != Step::Sent) break;
    }
    return summary;
}

Uploader::Step Uploader::send_one(DrainSummary& summary) {
    auto items = m_store->next_batch(m_config.batch);
    if (!items) {
        summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, items.error().message};
        return Step::Failed;
    }
    if (items->empty()) return Step::Empty;

    protocol::Batch batch;
    batch.kiosk_id = m_store->kiosk_id();
    batch.batch_id = core::make_uuid_v4(*m_rng);
    batch.responses.reserve(items->size());
    std::vector<storage::ItemResult> local;  // answers decided here (an unreadable stored payload)
    for (auto& it : *items) {
        protocol::WireItem w;
        w.id = it.response_id;
        w.survey = it.survey_id;
        w.encoding = it.encoding;
        w.payload = nlohmann::json::parse(it.payload, nullptr, false);
        if (w.payload.is_discarded()) {
            local.push_back({it.response_id, storage::ItemResult::Outcome::Rejected, "the stored payload is not valid JSON"});
            continue;
        }
        w.survey_version = w.payload.value("survey_version", "");
        batch.responses.push_back(std::move(w));
    }
    if (batch.responses.empty()) {
        if (auto r = m_store->apply_results(local); !r) {
            summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, r.error().message};
            return Step::Failed;
        }
        summary.rejected += static_cast<std::int64_t>(local.size());
        return Step::Sent;
    }

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
    auto res = m_transport->post(req);
    if (!res) {
        const auto kind = res.error().kind == TransportError::Kind::Tls ? Failure::Kind::Tls : Failure::Kind::Offline;
        summary.failure = Failure{kind, 0, std::nullopt, res.error().message};
        return Step::Failed;
    }
    summary.bytes_sent += res->bytes_sent;
    if (res->status == 413 || res->status == 400) {
        if (batch.responses.size() > 1) {
            // Too big, or something in it the server cannot read: halve the batch and go on, so that one
            // bad response is soon alone and cannot hold back the others.
            m_config.batch.max_count =
                std::max(1, std::min(m_config.batch.max_count, static_cast<int>(batch.responses.size())) / 2);
            m_config.batch.max_bytes = std::max<std::size_t>(1, m_config.batch.max_bytes / 2);
            return Step::Sent;
        }
        // A single response the server refuses as a whole: set it aside for a day (still queued, never
        // deleted) so that the rest of the queue moves, and say so.
        const std::string id = batch.responses.front().id;
        (void)m_store->defer(std::span<const std::string>(&id, 1), std::chrono::system_clock::now() + std::chrono::hours(24));
        summary.failure = from_status(res->status, res->retry_after, res->body);
        return Step::Failed;
    }
    if (res->status != 200) {
        summary.failure = from_status(res->status, res->retry_after, res->body);
        return Step::Failed;
    }
    auto answer = protocol::decode_batch_answer(res->body);
    if (!answer) {
        summary.failure = Failure{Failure::Kind::BadAnswer, 200, std::nullopt, answer.error().message};
        return Step::Failed;
    }
    // Only ids we sent, each once; anything the server did not answer stays queued.
    std::unordered_map<std::string, const protocol::ItemAnswer*> by_id;
    for (const auto& a : answer->results) by_id.emplace(a.id, &a);
    summary.rejected += static_cast<std::int64_t>(local.size());
    std::vector<storage::ItemResult> results = local;
    for (const auto& w : batch.responses) {
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
        }
    }
    if (results.size() == local.size()) {  // nothing we sent was answered: do not loop on the same batch
        summary.failure = Failure{Failure::Kind::BadAnswer, 200, std::nullopt, "the answer named none of the responses sent"};
        return Step::Failed;
    }
    if (auto r = m_store->apply_results(results); !r) {
        summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, r.error().message};
        return Step::Failed;
    }
    ++summary.batches;
    return Step::Sent;
}

}  // namespace fieldkiosk::sync::client
