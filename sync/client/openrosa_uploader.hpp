// fieldkiosk::sync::client::OpenRosaUploader — one drain of a kiosk's outbox to an OpenRosa server (ODK
// Central, KoboToolbox) instead of fieldkiosk-server: each response becomes one submission
// (xlsform::to_submission), POSTed as the multipart part `xml_submission_file` with `X-OpenRosa-Version: 1.0`,
// one after another on one kept-alive connection (docs/openrosa.md).
//
// What each answer does to the response (and to the drain):
//   201, 202            delivered (Central answers 201 again for an identical replay, so a resend is harmless)
//   409                 parked as a conflict with the server's words (same instanceID, other content): never
//                       sent again; the admin panel and `fieldkiosk-ctl stats` show it
//   401, 403            nothing changes; the drain stops ("The server refused this kiosk's key")
//   413, 400, other 4xx this response is set aside for a day (still queued); the drain stops and backs off
//   429, 5xx, no answer nothing changes; the drain stops and the engine backs off (Retry-After honoured)
// A response with sealed answers cannot be written as a submission: it stays queued, set aside for a day,
// and is counted in DrainSummary::held. Heartbeats and drop-offs have no OpenRosa form: they stay on the
// kiosk (`fieldkiosk-ctl stats`).
//
// As with Uploader, nothing is marked sent before the server has answered; a crash in between means a
// replay, which the instanceID (the response's id) makes harmless.
// Thread-safety: one OpenRosaUploader per thread (it uses a ResponseStore and a transport of that thread).
#pragma once

#include "core/clock.hpp"
#include "core/loader.hpp"
#include "storage/response_store.hpp"
#include "sync/client/transport.hpp"
#include "sync/client/uploader.hpp"

#include <string>
#include <vector>

namespace fieldkiosk::sync::client {

class OpenRosaUploader final : public OutboxSender {
public:
    // `config.openrosa` must be set; its survey files are read here, once. `clock` dates the deferrals.
    OpenRosaUploader(storage::ResponseStore& store, HttpTransport& transport, SyncConfig config, core::Rng& rng,
                     const core::Clock& clock);

    // `heartbeat` is ignored: OpenRosa has nowhere to put it (DrainSummary::heartbeat_sent stays false).
    [[nodiscard]] DrainSummary drain(const std::function<bool()>& keep_going = {},
                                     std::optional<protocol::Heartbeat> heartbeat = std::nullopt) override;

    // The request for one submission document (tests and the benchmark build bodies with it too).
    [[nodiscard]] HttpRequest make_request(const std::string& submission_xml);

private:
    enum class Step : std::uint8_t { Next, Stop };
    Step send(const storage::OutboxItem& item, std::vector<storage::ItemResult>& results, DrainSummary& summary);
    Step set_aside(const std::string& id, DrainSummary& summary);

    storage::ResponseStore* m_store;
    HttpTransport* m_transport;
    SyncConfig m_config;
    core::Catalog m_surveys;  // config.openrosa->survey_paths, every version, read once: an OpenRosa target gets no updates
    core::Rng* m_rng;
    const core::Clock* m_clock;
};

// The text of an OpenRosa response's <message> element (the server's words), or the body's first 200
// bytes when it has none.
[[nodiscard]] std::string openrosa_message(const std::string& body);

}  // namespace fieldkiosk::sync::client
