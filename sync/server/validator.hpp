// fieldkiosk::sync::server::Validator — checks a received response against the survey definitions the
// server was given (--surveys DIR): known survey and version (any version in the catalog, old ones
// included: core::LoadOptions::all_versions), and every answer one the definition allows.
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
    struct Problem {
        std::string reason;        // plain words for the operator
        bool retry_later = false;  // true: the survey or its version is unknown here (yet): not the item's fault
    };
    // nullopt when the item may be stored; otherwise why not. An unknown survey or version is retry_later
    // (kiosks may get a new survey version before the server does); anything else is a rejection.
    [[nodiscard]] std::optional<Problem> judge(const protocol::WireItem& item) const;
    // judge()'s reason alone (unknown survey or version included).
    [[nodiscard]] std::optional<std::string> check(const protocol::WireItem& item) const;
    [[nodiscard]] const core::Catalog& catalog() const { return m_catalog; }

private:
    [[nodiscard]] std::optional<std::string> check_payload(const core::Survey& survey, const protocol::WireItem& item) const;
    core::Catalog m_catalog;
};

}  // namespace fieldkiosk::sync::server
