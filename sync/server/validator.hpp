// fieldkiosk::sync::server::Validator — checks a received response against the survey definitions the
// server was given (--surveys DIR): known survey and version, and every answer one the definition allows.
//
// Thread-safety: immutable after construction; check() is safe from many threads.
#pragma once

#include "core/loader.hpp"
#include "sync/protocol/wire.hpp"

#include <optional>
#include <string>

namespace fieldkiosk::sync::server {

class Validator {
public:
    explicit Validator(core::Catalog catalog) : m_catalog(std::move(catalog)) {}
    // nullopt when the item may be stored; otherwise the reason it is rejected, in plain words.
    [[nodiscard]] std::optional<std::string> check(const protocol::WireItem& item) const;
    [[nodiscard]] const core::Catalog& catalog() const { return m_catalog; }

private:
    core::Catalog m_catalog;
};

}  // namespace fieldkiosk::sync::server
