// The pure parts of `fieldkiosk-ctl provision` (tools/ctl/cmd_provision.cpp): the TOML line editor that changes a few keys of an
// operator's fieldkiosk.toml and keeps everything else, and masking.
//
// Index:
//   toml_string    a TOML basic string literal ("..." with escapes) for any UTF-8 text
//   TomlEdit       one key to set in one [section], to a TOML literal
//   edit_toml      sets keys in place (comments, order, other keys and spacing kept); adds missing ones
//   mask           "abcd…(40 characters)" for printing a secret
//
// Why a line editor and not a toml++ round trip: toml++ drops comments and reorders keys, and the kiosk's
// file is documented by its comments (installer/fieldkiosk.toml). edit_toml only touches the lines of
// the keys it sets; anything it cannot edit safely in place (a multi-line value, a dotted or quoted key
// that names one of ours, an inline table) is refused with a message, never guessed at. The caller
// parses the result again with the kiosk's own parser and checks the values (cmd_provision.cpp).
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::tools {

[[nodiscard]] std::string toml_string(std::string_view text);

struct TomlEdit {
    std::string section;  // "kiosk", "sync", "admin" (a plain [section] name)
    std::string key;      // a bare key
    std::string literal;  // the TOML text of the value, e.g. toml_string("x") or "true"
};

// `text` with each edit applied: an existing `key = value` line in [section] has its value replaced (its
// indentation, trailing comment and the comment's column kept when possible); a missing key is added after
// the section's last key; a missing section is added at the end. Fails, naming the key and line, when a
// key cannot be edited safely in place (see above). Line endings (\n or \r\n) follow the file's.
[[nodiscard]] std::expected<std::string, std::string> edit_toml(std::string_view text, const std::vector<TomlEdit>& edits);

// The first 4 characters of `secret` and a count, never the whole secret: "abcd… (43 characters)".
[[nodiscard]] std::string mask(std::string_view secret);

}  // namespace fieldkiosk::tools
