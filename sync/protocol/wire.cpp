#include "sync/protocol/wire.hpp"

#include <array>
#include <cmath>
#include <utility>

namespace fieldkiosk::sync::protocol {

using nlohmann::json;

namespace {

constexpr std::array<std::pair<ItemStatus, std::string_view>, k_item_status_count> k_status_names{{
    {ItemStatus::Accepted, "accepted"},
    {ItemStatus::Duplicate, "duplicate"},
    {ItemStatus::Conflict, "conflict"},
    {ItemStatus::Rejected, "rejected"},
    {ItemStatus::RetryLater, "retry_later"},
}};

std::unexpected<DecodeError> fail(std::string message, std::optional<std::size_t> item = std::nullopt) {
    return std::unexpected(DecodeError{std::move(message), item});
}

// Reads a required string member; sets `problem` when missing or not a string.
bool get_string(const json& obj, const char* key, std::string& out, std::string& problem, std::string_view where) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) {
        problem = std::string(where) + ": \"" + key + "\" must be a string";
        return false;
    }
    out = it->get<std::string>();
    return true;
}

Decoded<json> parse(std::string_view text) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return fail("the body is not valid JSON");
    if (!j.is_object()) return fail("the body must be a JSON object");
    return j;
}

bool check_protocol(const json& j, int& out, std::string& problem) {
    auto it = j.find("protocol");
    if (it == j.end() || !it->is_number_integer()) {
        problem = "\"protocol\" must be an integer (this server speaks 1)";
        return false;
    }
    out = it->get<int>();
    return true;
}

}  // namespace

std::string_view to_string(ItemStatus s) {
    for (const auto& [v, name] : k_status_names)
        if (v == s) return name;
    return "rejected";
}

std::optional<ItemStatus> item_status_from_string(std::string_view s) {
    for (const auto& [v, name] : k_status_names)
        if (name == s) return v;
    return std::nullopt;
}

std::string canonical(const json& payload) { return payload.dump(); }

std::string encode(const Batch& b) {
    json items = json::array();
    for (const auto& it : b.responses)
        items.push_back({{"id", it.id},
                         {"survey", it.survey},
                         {"survey_version", it.survey_version},
                         {"encoding", it.encoding},
                         {"payload", it.payload}});
    json j{{"protocol", b.protocol}, {"kiosk_id", b.kiosk_id}, {"batch_id", b.batch_id}, {"responses", std::move(items)}};
    if (b.heartbeat) j["heartbeat"] = to_json(*b.heartbeat);
    return j.dump();
}

json to_json(const Heartbeat& h) {
    json surveys = json::array();
    for (const auto& s : h.surveys) surveys.push_back({{"id", s.id}, {"version", s.version}});
    json j{{"app_version", h.app_version},
           {"surveys", std::move(surveys)},
           {"last_error", h.last_error},
           {"sent_at", h.sent_at},
           {"state", h.state}};
    if (h.queue_depth) j["queue_depth"] = *h.queue_depth;
    if (h.quarantined) j["quarantined"] = *h.quarantined;
    if (h.free_disk_bytes) j["free_disk_bytes"] = *h.free_disk_bytes;
    if (!h.last_success_at.empty()) j["last_success_at"] = h.last_success_at;
    if (!h.dropoffs.empty()) {
        json d = json::array();
        for (const auto& c : h.dropoffs)
            d.push_back({{"survey", c.survey}, {"version", c.version}, {"last_question", c.last_question}, {"site", c.site},
                         {"day", c.day}, {"count", c.count}});
        j["dropoffs"] = std::move(d);
    }
    return j;
}

Heartbeat heartbeat_from_json(const json& j) {
    Heartbeat h;
    if (!j.is_object()) return h;
    const auto text = [&](const char* key, std::string& out) {
        if (auto it = j.find(key); it != j.end() && it->is_string()) out = it->get<std::string>();
    };
    const auto count = [&](const char* key, std::optional<std::int64_t>& out) {
        auto it = j.find(key);
        if (it == j.end()) return;
        if (it->is_number_integer())
            out = it->get<std::int64_t>();  // unsigned above 2^63 reads as negative: bounded later
        else if (it->is_number_float() && std::isfinite(it->get<double>()) && std::abs(it->get<double>()) < 9.0e18)
            out = static_cast<std::int64_t>(it->get<double>());
    };
    text("app_version", h.app_version);
    text("last_error", h.last_error);
    text("last_success_at", h.last_success_at);
    text("sent_at", h.sent_at);
    text("state", h.state);
    count("queue_depth", h.queue_depth);
    count("quarantined", h.quarantined);
    count("free_disk_bytes", h.free_disk_bytes);
    if (auto it = j.find("surveys"); it != j.end() && it->is_array()) {
        for (const auto& s : *it) {
            if (!s.is_object()) continue;
            SurveyVersion v;
            if (auto id = s.find("id"); id != s.end() && id->is_string()) v.id = id->get<std::string>();
            if (auto ver = s.find("version"); ver != s.end() && ver->is_string()) v.version = ver->get<std::string>();
            if (!v.id.empty()) h.surveys.push_back(std::move(v));
        }
    }
    // Lenient like the rest: an entry of the wrong shape is skipped, never a reason to refuse the batch.
    if (auto it = j.find("dropoffs"); it != j.end() && it->is_array()) {
        for (const auto& d : *it) {
            if (!d.is_object()) continue;
            DropoffCount c;
            const auto field = [&](const char* key, std::string& out) {
                if (auto f = d.find(key); f != d.end() && f->is_string()) out = f->get<std::string>();
            };
            field("survey", c.survey);
            field("version", c.version);
            field("last_question", c.last_question);
            field("site", c.site);
            field("day", c.day);
            auto n = d.find("count");
            if (n == d.end() || !n->is_number_integer() || c.survey.empty() || c.last_question.empty()) continue;
            c.count = n->get<std::int64_t>();
            h.dropoffs.push_back(std::move(c));
        }
    }
    return h;
}

Decoded<Batch> decode_batch(std::string_view text) {
    auto j = parse(text);
    if (!j) return std::unexpected(j.error());
    Batch b;
    std::string problem;
    if (!check_protocol(*j, b.protocol, problem)) return fail(problem);
    if (!get_string(*j, "kiosk_id", b.kiosk_id, problem, "envelope")) return fail(problem);
    if (!get_string(*j, "batch_id", b.batch_id, problem, "envelope")) return fail(problem);
    auto rs = j->find("responses");
    if (rs == j->end() || !rs->is_array()) return fail("envelope: \"responses\" must be an array");
    b.responses.reserve(rs->size());
    std::size_t i = 0;
    for (auto& r : *rs) {
        const std::size_t index = i++;
        const std::string where = "responses[" + std::to_string(index) + "]";
        if (!r.is_object()) return fail(where + " must be an object", index);
        WireItem w;
        if (!get_string(r, "id", w.id, problem, where) || !get_string(r, "survey", w.survey, problem, where) ||
            !get_string(r, "survey_version", w.survey_version, problem, where) ||
            !get_string(r, "encoding", w.encoding, problem, where))
            return fail(problem, index);
        if (w.id.empty() || w.id.size() > 64) return fail(where + ": \"id\" must be 1 to 64 characters", index);
        auto p = r.find("payload");
        if (p == r.end()) return fail(where + ": \"payload\" is missing", index);
        w.payload = std::move(*p);
        b.responses.push_back(std::move(w));
    }
    // Optional and lenient (additive in protocol 1): a heartbeat that is not an object is ignored, and
    // one with odd members keeps the rest; it never makes a batch unreadable.
    if (auto hb = j->find("heartbeat"); hb != j->end() && hb->is_object()) b.heartbeat = heartbeat_from_json(*hb);
    return b;
}

std::string encode(const BatchAnswer& a) {
    json results = json::array();
    for (const auto& r : a.results) {
        json one = {{"id", r.id}, {"status", to_string(r.status)}};
        if (!r.reason.empty()) one["reason"] = r.reason;
        results.push_back(std::move(one));
    }
    json j{{"protocol", a.protocol}, {"batch_id", a.batch_id}, {"results", std::move(results)}};
    if (!a.kiosk.empty()) j["kiosk"] = a.kiosk;
    return j.dump();
}

Decoded<BatchAnswer> decode_batch_answer(std::string_view text) {
    auto j = parse(text);
    if (!j) return std::unexpected(j.error());
    BatchAnswer a;
    std::string problem;
    if (!check_protocol(*j, a.protocol, problem)) return fail(problem);
    if (!get_string(*j, "batch_id", a.batch_id, problem, "answer")) return fail(problem);
    auto rs = j->find("results");
    if (rs == j->end() || !rs->is_array()) return fail("answer: \"results\" must be an array");
    for (const auto& r : *rs) {
        if (!r.is_object()) return fail("answer: each result must be an object");
        ItemAnswer ia;
        std::string status;
        if (!get_string(r, "id", ia.id, problem, "result") || !get_string(r, "status", status, problem, "result"))
            return fail(problem);
        auto s = item_status_from_string(status);
        if (!s) continue;  // a status added after this client: the item counts as unanswered and stays queued
        ia.status = *s;
        if (auto it = r.find("reason"); it != r.end() && it->is_string()) ia.reason = it->get<std::string>();
        a.results.push_back(std::move(ia));
    }
    if (auto k = j->find("kiosk"); k != j->end() && k->is_string()) a.kiosk = k->get<std::string>();
    return a;
}

std::string encode(const ErrorBody& e) {
    json j{{"error", e.error}, {"message", e.message}};
    if (e.item) j["item"] = *e.item;
    return j.dump();
}

Decoded<ErrorBody> decode_error(std::string_view text) {
    auto j = parse(text);
    if (!j) return std::unexpected(j.error());
    ErrorBody e;
    std::string problem;
    if (!get_string(*j, "error", e.error, problem, "error") || !get_string(*j, "message", e.message, problem, "error"))
        return fail(problem);
    if (auto it = j->find("item"); it != j->end() && it->is_number_unsigned()) e.item = it->get<std::size_t>();
    return e;
}

json to_json(const Limits& l) {
    return {{"max_body_bytes", l.max_body_bytes},
            {"max_decompressed_bytes", l.max_decompressed_bytes},
            {"max_items", l.max_items},
            {"rate_per_second", l.rate_per_second},
            {"rate_burst", l.rate_burst}};
}

Decoded<Limits> decode_limits(std::string_view text) {
    auto j = parse(text);
    if (!j) return std::unexpected(j.error());
    const json& l = j->contains("limits") ? (*j)["limits"] : *j;
    Limits out;
    try {
        out.max_body_bytes = l.at("max_body_bytes").get<std::size_t>();
        out.max_decompressed_bytes = l.at("max_decompressed_bytes").get<std::size_t>();
        out.max_items = l.at("max_items").get<std::size_t>();
        out.rate_per_second = l.at("rate_per_second").get<double>();
        out.rate_burst = l.at("rate_burst").get<int>();
    } catch (const json::exception& e) { return fail(std::string("limits: ") + e.what()); }
    return out;
}

}  // namespace fieldkiosk::sync::protocol
