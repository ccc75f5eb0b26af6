// fieldkiosk::sync::server — the verbs of `fieldkiosk-server` for sealed answers (docs/sealed_answers.md):
//   keygen --out FILE [--key-id ID]        a new key pair; the private key to FILE (0600), the survey setting printed
//   decrypt --key FILE [--key FILE...]     a sealed export on stdin -> the open export on stdout
// Both run where the private key is, never on the receiver. Exit codes: 0 done, 1 failed (said why on `err`).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace fieldkiosk::sync::server {

[[nodiscard]] int run_keygen(const std::filesystem::path& file, const std::string& key_id, std::ostream& out, std::ostream& err);
[[nodiscard]] int run_decrypt(const std::vector<std::filesystem::path>& key_files, std::istream& in, std::ostream& out,
                              std::ostream& err);

}  // namespace fieldkiosk::sync::server
