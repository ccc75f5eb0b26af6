#include "sync/client/openrosa_uploader.hpp"

#include "core/xlsform/submission.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace fieldkiosk::sync::client {

namespace {

// Submissions are read from the outbox this many at a time; each is its own request.
constexpr storage::BatchLimits k_read_limits{.max_count = 50, .max_bytes = 4u << 20};
// An OpenRosa answer is a short XML document; more than this is not one.
constexpr std::size_t k_max_answer_bytes = 64 * 1024;

std::string http_date(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

}  // namespace

std::string openrosa_message(const std::string& body) {
    const auto open = body.find("<message");
    if (open != std::string::npos) {
        const auto start = body.find('>', open);
        const auto end = body.find("</message>", open);
        if (start != std::string::npos && end != std::string::npos && start < end) return body.substr(start + 1, end - start - 1);
    }
    return body.substr(0, 200);
}

OpenRosaUploader::OpenRosaUploader(storage::ResponseStore& store, HttpTransport& transport, SyncConfig config, core::Rng& rng,
                                   const core::Clock& clock)
    : m_store(&store),
      m_transport(&transport),
      m_config(std::move(config)),
      m_surveys(core::load_paths(m_config.openrosa->survey_paths, core::LoadOptions{.all_versions = true})),
      m_rng(&rng),
      m_clock(&clock) {}

HttpRequest OpenRosaUploader::make_request(const std::string& xml) {
    std::string boundary;
    do boundary = "fieldkiosk-" + core::make_uuid_v4(*m_rng);
    while (xml.find(boundary) != std::string::npos);
    HttpRequest req;
    req.url = m_config.openrosa->submission_url;
    req.max_response_bytes = k_max_answer_bytes;
    req.headers = {{"X-OpenRosa-Version", "1.0"},
                   {"Content-Type", "multipart/form-data; boundary=" + boundary},
                   {"Date", http_date(m_clock->wall_now())}};
    if (!m_config.openrosa->authorization.empty()) req.headers.emplace_back("Authorization", m_config.openrosa->authorization);
    req.body.reserve(xml.size() + 256);
    req.body += "--" + boundary + "\r\n";
    req.body += "Content-Disposition: form-data; name=\"xml_submission_file\"; filename=\"submission.xml\"\r\n";
    req.body += "Content-Type: text/xml\r\n\r\n";
    req.body += xml;
    req.body += "\r\n--" + boundary + "--\r\n";
    return req;
}

DrainSummary OpenRosaUploader::drain(const std::function<bool()>& keep_going, std::optional<protocol::Heartbeat> /*heartbeat*/) {
    DrainSummary summary;
    bool going = true;
    while (going && (!keep_going || keep_going())) {
        auto items = m_store->next_batch(k_read_limits);
        if (!items) {
            summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, items.error().message};
            break;
        }
        if (items->empty()) break;
        std::vector<storage::ItemResult> results;
        for (const auto& item : *items) {
            if (keep_going && !keep_going()) break;
            if (send(item, results, summary) == Step::Stop) {
                going = false;
                break;
            }
        }
        // Answered items are recorded together: a crash before this line means replays, which are harmless.
        if (auto r = m_store->apply_results(results); !r) {
            summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, r.error().message};
            break;
        }
    }
    return summary;
}

// One response: written as a submission and sent. Stop: the drain ends (summary.failure says why).
OpenRosaUploader::Step OpenRosaUploader::send(const storage::OutboxItem& item, std::vector<storage::ItemResult>& results,
                                              DrainSummary& summary) {
    using O = storage::ItemResult::Outcome;
    if (item.encoding != "json") {
        ++summary.held;
        return set_aside(item.response_id, summary);
    }
    auto json = nlohmann::json::parse(item.payload, nullptr, false);
    const core::Survey* survey = nullptr;
    if (json.is_object() && json.value("survey", nlohmann::json()).is_string() && json.value("survey_version", nlohmann::json()).is_string())
        survey = m_surveys.find(json["survey"].get<std::string>(), json["survey_version"].get<std::string>()).get();
    auto xml = xlsform::to_submission(json, survey);
    if (!xml) {  // not what the kiosk stores: no server could take it
        results.push_back({item.response_id, O::Rejected, "the stored response cannot be read: " + xml.error()});
        ++summary.rejected;
        return Step::Next;
    }
    auto res = m_transport->post(make_request(*xml));
    if (!res) {
        const auto k = res.error().kind;
        const auto kind = k == TransportError::Kind::Tls || k == TransportError::Kind::Insecure ? Failure::Kind::Tls : Failure::Kind::Offline;
        summary.failure = Failure{kind, 0, std::nullopt, res.error().message};
        return Step::Stop;
    }
    summary.bytes_sent += res->bytes_sent;
    ++summary.batches;
    if (res->status == 201 || res->status == 202) {
        results.push_back({item.response_id, O::Accepted, {}});
        ++summary.accepted;
        return Step::Next;
    }
    if (res->status == 409) {
        results.push_back({item.response_id, O::Conflict, "the server already has a different submission with this id: " + openrosa_message(res->body)});
        ++summary.conflict;
        return Step::Next;
    }
    summary.failure = failure_of_status(res->status, res->retry_after, "HTTP " + std::to_string(res->status) + ": " + openrosa_message(res->body));
    const bool this_response = summary.failure->kind == Failure::Kind::Refused && res->status != 408;
    if (this_response) (void)set_aside(item.response_id, summary);  // the rest of the queue moves on next time
    return Step::Stop;
}

OpenRosaUploader::Step OpenRosaUploader::set_aside(const std::string& id, DrainSummary& summary) {
    if (auto d = m_store->defer(std::span<const std::string>(&id, 1), m_clock->wall_now() + Uploader::k_refused_item_defer); !d) {
        summary.failure = Failure{Failure::Kind::Store, 0, std::nullopt, d.error().message};
        return Step::Stop;
    }
    return Step::Next;
}

}  // namespace fieldkiosk::sync::client
