// A test receiver that behaves as ODK Central's OpenRosa submission endpoint is documented to
// (docs.getodk.org, "OpenRosa Form Submission API"; ODK Central API, "Submissions"), for the kiosk's
// OpenRosa client over loopback. On POST /v1/key/TOKEN/projects/1/submission:
//   no X-OpenRosa-Version header               400
//   a token other than the app user's          401
//   no multipart part "xml_submission_file"    400
//   a form id that is not published            404
//   no meta/instanceID                         400
//   a new instanceID                           201, stored
//   the same instanceID with identical XML     201 again, nothing stored (a replay)
//   the same instanceID with other XML         409
// Answers are OpenRosa XML (<OpenRosaResponse><message>…) with X-OpenRosa-Version: 1.0. Test knobs: cut the
// connection after storing (an answer lost on the way), or answer the next requests with a given status
// before looking at them (a server that is down, busy or refuses a size).
// Runs the receiver's own HttpCore on a thread, on a free 127.0.0.1 port.
#pragma once

#include "sync/server/http_core.hpp"
#include "tests/support/wait_until.hpp"

#include <pugixml.hpp>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace fieldkiosk::testing {

class CentralLikeReceiver {
public:
    explicit CentralLikeReceiver(std::set<std::string> published = {"food", "safety", "youth"}, std::string token = "app-user-key")
        : m_published(std::move(published)), m_token(std::move(token)) {
        sync::server::HttpCoreOptions o;
        o.port = 0;
        o.workers = 2;
        m_core = std::make_unique<sync::server::HttpCore>(o, [this](sync::server::HttpRequest& r) { return handle(r); });
        if (!m_core->bind()) throw std::runtime_error("test receiver: " + m_core->error());
        m_thread = std::thread([this] { m_core->run(); });
        if (!wait_until([this] { return m_core->is_running(); }, std::chrono::seconds(10)))
            throw std::runtime_error("test receiver: did not start");
    }
    ~CentralLikeReceiver() {
        m_core->stop();
        m_thread.join();
    }
    CentralLikeReceiver(const CentralLikeReceiver&) = delete;
    CentralLikeReceiver& operator=(const CentralLikeReceiver&) = delete;

    [[nodiscard]] std::string url(const std::string& token) const {
        return "http://127.0.0.1:" + std::to_string(m_core->port()) + "/v1/key/" + token + "/projects/1/submission";
    }
    [[nodiscard]] std::string url() const { return url(m_token); }

    // instanceID ("uuid:…") -> the stored submission XML.
    [[nodiscard]] std::map<std::string, std::string> stored() const {
        std::lock_guard lock(m_mutex);
        return m_stored;
    }
    [[nodiscard]] int requests() const {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }
    [[nodiscard]] int replays() const {
        std::lock_guard lock(m_mutex);
        return m_replays;
    }
    // The next `n` submissions are stored, then the connection is cut before any answer byte.
    void cut_after_storing(int n) {
        std::lock_guard lock(m_mutex);
        m_cut = n;
    }
    // The next `n` requests are answered `status` (with Retry-After: 1 for 429/503), untouched.
    void answer_next(int n, int status) {
        std::lock_guard lock(m_mutex);
        m_forced = n;
        m_forced_status = status;
    }
    // A submission already on the server under `instance_id`, as another device might have sent it.
    void preload(const std::string& instance_id, std::string xml) {
        std::lock_guard lock(m_mutex);
        m_stored[instance_id] = std::move(xml);
    }

private:
    static sync::server::HttpResponse answer(int status, const std::string& message) {
        sync::server::HttpResponse res;
        res.status = status;
        res.set_header("X-OpenRosa-Version", "1.0");
        res.set_content("<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\"><message nature=\"\">" + message +
                            "</message></OpenRosaResponse>",
                        "text/xml; charset=utf-8");
        return res;
    }

    // The body of the multipart part named `name`, or "" when there is none.
    static std::string part(const sync::server::HttpRequest& r, const std::string& name) {
        const std::string type = r.header("content-type");
        const auto b = type.find("boundary=");
        if (!type.starts_with("multipart/form-data") || b == std::string::npos) return {};
        const std::string delimiter = "--" + type.substr(b + 9);
        for (std::size_t at = r.body.find(delimiter); at != std::string::npos;) {
            const auto head_end = r.body.find("\r\n\r\n", at);
            const auto next = r.body.find("\r\n" + delimiter, at + delimiter.size());
            if (head_end == std::string::npos || next == std::string::npos) return {};
            if (r.body.substr(at, head_end - at).find("name=\"" + name + "\"") != std::string::npos)
                return r.body.substr(head_end + 4, next - head_end - 4);
            at = next + 2;
        }
        return {};
    }

    sync::server::HttpResponse handle(sync::server::HttpRequest& r) {
        std::lock_guard lock(m_mutex);
        ++m_requests;
        if (m_forced > 0) {
            --m_forced;
            auto res = answer(m_forced_status, "forced by the test");
            if (m_forced_status == 429 || m_forced_status == 503) res.set_header("Retry-After", "1");
            return res;
        }
        if (r.method != "POST" || !r.path.ends_with("/projects/1/submission") || !r.path.starts_with("/v1/key/"))
            return answer(404, "Could not find the resource you were looking for.");
        if (!r.has_header("x-openrosa-version")) return answer(400, "A required header X-OpenRosa-Version is missing.");
        if (r.path != "/v1/key/" + m_token + "/projects/1/submission") return answer(401, "Could not authenticate with the provided credentials.");
        const std::string xml = part(r, "xml_submission_file");
        if (xml.empty()) return answer(400, "Required multipart POST field xml_submission_file missing.");
        pugi::xml_document doc;
        if (!doc.load_string(xml.c_str())) return answer(400, "A problem occurred parsing the submission XML.");
        const auto root = doc.document_element();
        if (!m_published.contains(root.attribute("id").value())) return answer(404, "The form you are submitting to does not exist.");
        const std::string id = root.child("meta").child_value("instanceID");
        if (id.empty()) return answer(400, "The submission has no meta/instanceID.");
        if (auto it = m_stored.find(id); it != m_stored.end()) {
            if (it->second != xml) return answer(409, "A submission already exists with this ID, but with different XML.");
            ++m_replays;
            return answer(201, "full submission upload was successful!");
        }
        m_stored[id] = xml;
        auto res = answer(201, "full submission upload was successful!");
        if (m_cut > 0) {
            --m_cut;
            res.cut_after = 0;
        }
        return res;
    }

    std::set<std::string> m_published;
    std::string m_token;
    mutable std::mutex m_mutex;
    std::map<std::string, std::string> m_stored;
    int m_requests = 0, m_replays = 0, m_cut = 0, m_forced = 0, m_forced_status = 0;
    std::unique_ptr<sync::server::HttpCore> m_core;
    std::thread m_thread;
};

}  // namespace fieldkiosk::testing
