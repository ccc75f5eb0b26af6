#include "kiosk/app/store_port.hpp"

namespace fieldkiosk::kiosk {

storage::Result<void> ResponseStorePort::save_completed(const core::Response& r) { return m_store->save_completed(r); }
void ResponseStorePort::prepare_seal(const core::Encryption& to) { m_store->prepare_seal(to); }
storage::Result<void> ResponseStorePort::record_dropoff(const storage::DropoffAt& d) {
    return m_store->record_dropoff(d);
}
storage::Result<storage::Stats> ResponseStorePort::stats() { return m_store->stats(); }
storage::Result<void> ResponseStorePort::save_draft(const storage::Draft& d) { return m_store->save_draft(d); }
storage::Result<std::vector<storage::DraftInfo>> ResponseStorePort::list_drafts() { return m_store->list_drafts(); }
storage::Result<std::optional<storage::Draft>> ResponseStorePort::load_draft(std::string_view id) {
    return m_store->load_draft(id);
}
storage::Result<void> ResponseStorePort::discard_draft(std::string_view id) { return m_store->discard_draft(id); }
storage::Result<std::optional<std::string>> ResponseStorePort::setting(std::string_view key) { return m_store->setting(key); }
storage::Result<void> ResponseStorePort::set_setting(std::string_view key, std::string_view value) {
    return m_store->set_setting(key, value);
}

}  // namespace fieldkiosk::kiosk
