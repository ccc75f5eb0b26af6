// fieldkiosk::kiosk::SyncPort — what the app needs from background sync, as an interface, so that the
// app stays pure (no libcurl, no threads) and its tests can count calls. kiosk/sync/sync_bridge.hpp
// forwards it to sync::client::SyncEngine; both calls only set a flag and return at once.
#pragma once

namespace fieldkiosk::kiosk {

class SyncPort {
public:
    virtual ~SyncPort() = default;
    virtual void notify_response_completed() = 0;  // a completed response is durably saved: send it soon
    virtual void sync_now() = 0;                   // staff asked for a sync now ("Sync now" on the admin panel)
    // Opening hours: the kiosk closed (sync rarely) or opened again (sync soon, at a random moment so that
    // kiosks opening at the same minute do not all send at once). Default: nothing.
    virtual void set_closed(bool /*closed*/) {}
};

}  // namespace fieldkiosk::kiosk
