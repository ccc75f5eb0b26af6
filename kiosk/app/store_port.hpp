// fieldkiosk::kiosk::StorePort — what the app needs from the durable store, as an interface, so that the
// state machine's tests can make a save fail (disk full) while the walk tests use the real ResponseStore.
#pragma once

#include "storage/response_store.hpp"

namespace fieldkiosk::kiosk {

class StorePort {
public:
    virtual ~StorePort() = default;
    [[nodiscard]] virtual storage::Result<void> save_completed(const core::Response& response) = 0;  // durable on return
    virtual void prepare_seal(const core::Encryption& /*to*/) {}  // a sealed survey starts: sealing's slow half now
    [[nodiscard]] virtual storage::Result<void> record_dropoff(const storage::DropoffAt& dropoff) = 0;
    [[nodiscard]] virtual storage::Result<storage::Stats> stats() = 0;
    [[nodiscard]] virtual storage::Result<void> save_draft(const storage::Draft& draft) = 0;
    [[nodiscard]] virtual storage::Result<std::vector<storage::DraftInfo>> list_drafts() = 0;
    [[nodiscard]] virtual storage::Result<std::optional<storage::Draft>> load_draft(std::string_view id) = 0;
    [[nodiscard]] virtual storage::Result<void> discard_draft(std::string_view id) = 0;
    [[nodiscard]] virtual storage::Result<std::optional<std::string>> setting(std::string_view key) = 0;
    [[nodiscard]] virtual storage::Result<void> set_setting(std::string_view key, std::string_view value) = 0;
};

// The real thing: forwards to a ResponseStore that must outlive it.
class ResponseStorePort final : public StorePort {
public:
    explicit ResponseStorePort(storage::ResponseStore& store) : m_store(&store) {}
    [[nodiscard]] storage::Result<void> save_completed(const core::Response& response) override;
    void prepare_seal(const core::Encryption& to) override;
    [[nodiscard]] storage::Result<void> record_dropoff(const storage::DropoffAt& dropoff) override;
    [[nodiscard]] storage::Result<storage::Stats> stats() override;
    [[nodiscard]] storage::Result<void> save_draft(const storage::Draft& draft) override;
    [[nodiscard]] storage::Result<std::vector<storage::DraftInfo>> list_drafts() override;
    [[nodiscard]] storage::Result<std::optional<storage::Draft>> load_draft(std::string_view id) override;
    [[nodiscard]] storage::Result<void> discard_draft(std::string_view id) override;
    [[nodiscard]] storage::Result<std::optional<std::string>> setting(std::string_view key) override;
    [[nodiscard]] storage::Result<void> set_setting(std::string_view key, std::string_view value) override;

private:
    storage::ResponseStore* m_store;
};

}  // namespace fieldkiosk::kiosk
