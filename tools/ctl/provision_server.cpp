// fieldkiosk-ctl provision: the token's form, and the server check — GET /v1/health, then an empty batch with
// a heartbeat (POST /v1/batches) with the token, as the kiosk sends when it has nothing queued.
#include "core/clock.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/protocol/wire.hpp"
#include "tools/ctl/provision_steps.hpp"

#include <nlohmann/json.hpp>

namespace fieldkiosk::tools::provision {

std::optional<std::string> token_problem(const std::string& token) {
    if (token.empty()) return "is empty";
    for (const char c : token)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return "contains spaces or control characters (copy it again)";
    if (token.size() > 512) return "is longer than 512 characters: not a token from `fieldkiosk-server add-kiosk`";
    return std::nullopt;
}

namespace {

std::string error_message(const std::string& body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
    return body.substr(0, 200);
}

// A request that got no HTTP answer: TLS not verified, or the server not reached.
void transport_failure(CheckResult& r, const sync::client::TransportError& e, const std::string& what) {
    if (e.kind == sync::client::TransportError::Kind::Tls) {
        r.exit_code = k_exit_unverified;
        r.lines.push_back("server not verified: " + what + ": TLS: " + e.message +
                          " (if the council uses its own certificate authority, give its PEM file with --ca-file)");
    } else {
        r.exit_code = k_exit_unreachable;
        r.lines.push_back("server not reachable: " + what + ": " + e.message +
                          " (the files are written; the kiosk sends its responses once the server can be reached)");
    }
}

// The token: an empty batch with a heartbeat, as the kiosk sends when it has nothing queued.
void check_token(sync::client::CurlTransport& transport, const std::string& url, const std::string& token, CheckResult& r) {
    core::SystemClock clock;
    core::SystemRng rng;
    sync::protocol::Batch batch;
    batch.kiosk_id = "";  // the kiosk's own id lives in its database; provisioning does not open it
    batch.batch_id = core::make_uuid_v4(rng);
    sync::protocol::Heartbeat hb;
    hb.app_version = std::string("fieldkiosk-ctl ") + FIELDKIOSK_VERSION;
    hb.sent_at = core::format_utc(clock.wall_now());
    batch.heartbeat = hb;
    sync::client::HttpRequest post{.url = url + std::string(sync::protocol::k_batches_path),
                                   .headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                                   .body = sync::protocol::encode(batch)};
    post.max_response_bytes = 1u << 20;
    auto b = transport.post(post);
    if (!b) {
        transport_failure(r, b.error(), "POST " + post.url);
        return;
    }
    if (b->status == 401 || b->status == 403) {
        r.exit_code = k_exit_refused;
        r.lines.push_back("token refused by the server: " + error_message(b->body) +
                          ". Nothing was written. Check it was copied whole, or make a new one on the server: "
                          "fieldkiosk-server add-kiosk NAME");
        return;
    }
    if (b->status == 200) {
        std::string name;
        if (auto a = nlohmann::json::parse(b->body, nullptr, false);
            a.is_object() && a.contains("kiosk") && a["kiosk"].is_string())
            name = a["kiosk"].get<std::string>();
        r.lines.push_back(name.empty() ? std::string("token accepted") : "token accepted for kiosk '" + name + "'");
        return;
    }
    // The server reads the token before the body: 400 (it does not take empty batches) and 429 (rate
    // limit, counted per kiosk) both come after the token was accepted.
    if (b->status == 400 || b->status == 429) {
        r.lines.push_back("token accepted (the server answered HTTP " + std::to_string(b->status) +
                          " to an empty batch: " + error_message(b->body) + ")");
        return;
    }
    r.exit_code = k_exit_unverified;
    r.lines.push_back("the token could not be checked: POST " + post.url + " gave HTTP " + std::to_string(b->status) + ": " +
                      error_message(b->body));
}

}  // namespace

CheckResult check_server(const std::string& url, const std::string& token, const std::string& ca_file, int timeout_s) {
    CheckResult r;
    static sync::client::CurlGlobal curl_global;  // once per process, before any transfer
    sync::client::CurlTransport transport(sync::client::CurlOptions{.connect_timeout = std::chrono::seconds(timeout_s),
                                                                    .total_timeout = std::chrono::seconds(timeout_s * 3),
                                                                    .ca_file = ca_file});
    sync::client::HttpRequest health{.url = url + std::string(sync::protocol::k_health_path)};
    health.max_response_bytes = 1u << 20;
    auto h = transport.get(health);
    if (!h) {
        transport_failure(r, h.error(), "GET " + health.url);
        return r;
    }
    const auto hj = nlohmann::json::parse(h->body, nullptr, false);
    if (!hj.is_object() || !hj.contains("status") || !hj.contains("protocol")) {
        r.exit_code = k_exit_unverified;
        r.lines.push_back("server answers, but not as a fieldkiosk server: GET " + health.url + " gave HTTP " +
                          std::to_string(h->status) + " (check the address: no path after the host name)");
        return r;
    }
    std::string about = "protocol " + (hj["protocol"].is_number() ? hj["protocol"].dump() : std::string("?"));
    if (hj.contains("version") && hj["version"].is_string())
        about = "fieldkiosk-server " + hj["version"].get<std::string>() + ", " + about;
    if (h->status != 200 || hj["status"] != "ok") {
        r.exit_code = k_exit_unverified;
        r.lines.push_back("server reachable but not healthy (HTTP " + std::to_string(h->status) + ", status " +
                          hj["status"].dump() + "): its database is not answering; the token was not checked");
        return r;
    }
    r.lines.push_back("server reachable: " + url + " (" + about + ")");
    check_token(transport, url, token, r);
    return r;
}

}  // namespace fieldkiosk::tools::provision
