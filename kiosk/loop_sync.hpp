// fieldkiosk::kiosk::LoopSync — background sync as the kiosk's main loop sees it: the surveys to start
// with, a start once the window is up, a hand-over once per frame, a stop. make_loop_sync() is the one
// place that chooses: the engine (FIELDKIOSK_BUILD_SYNC, [sync] server_url set, a readable token, not a
// screenshot) or the no-op LoopSync (the admin panel then says why sync is off). UI thread only.
#pragma once

#include "core/clock.hpp"
#include "core/survey.hpp"
#include "kiosk/app/app.hpp"

#include <filesystem>
#include <memory>
#include <vector>

namespace fieldkiosk::kiosk {

class LoopSync {
public:
    virtual ~LoopSync() = default;
    // The surveys to start with: `shipped`, plus updates downloaded earlier (they survive a restart).
    [[nodiscard]] virtual std::vector<core::SurveyPtr> start_surveys(std::vector<core::SurveyPtr> shipped) { return shipped; }
    virtual void start(App& /*app*/) {}  // the engine's thread starts (or the panel is told why not)
    // Once per frame, before drawing: the newest status to the app, new survey versions offered.
    // Returns true when the frame should be drawn again.
    [[nodiscard]] virtual bool frame(App& /*app*/) { return false; }
    virtual void stop(App& /*app*/) {}  // waits for a request in flight (bounded by the transport's time-outs)
};

// `db` is the kiosk's database (downloaded surveys live beside it); `clock` must outlive the result.
[[nodiscard]] std::unique_ptr<LoopSync> make_loop_sync(const KioskConfig& config, const std::filesystem::path& db,
                                                       bool screenshot, const core::Clock& clock);

}  // namespace fieldkiosk::kiosk
