#include "sync/server/sealed_commands.hpp"

#include "seal/sealed_box.hpp"
#include "sync/server/export_csv.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace fieldkiosk::sync::server {

int run_keygen(const std::filesystem::path& file, const std::string& key_id, std::ostream& out, std::ostream& err) {
    auto key = seal::generate_key_pair(key_id);
    if (!key) {
        err << "fieldkiosk-server: keygen: " << key.error().message << "\n";
        return 1;
    }
    if (auto w = seal::write_key_file(file, *key); !w) {
        err << "fieldkiosk-server: keygen: " << w.error().message << "\n";
        return 1;
    }
    const core::Encryption setting = seal::survey_setting(*key);
    const nlohmann::json j = {{"key_id", setting.key_id}, {"public_key", setting.public_key}};
    out << "Wrote the private key to " << file.string() << " (readable by you only).\n"
        << "Keep it away from the receiver and the kiosks: whoever holds it can read every answer sealed to it,\n"
        << "and without it nobody can. Keep a copy somewhere safe.\n"
        << "Key id:      " << key->key_id << "\n"
        << "Fingerprint: " << seal::fingerprint(key->public_key) << "  (the kiosk's admin screen shows the same)\n"
        << "Put this in the survey file, in a new version of the survey:\n"
        << "  \"encryption\": " << j.dump() << "\n";
    return 0;
}

int run_decrypt(const std::vector<std::filesystem::path>& key_files, std::istream& in, std::ostream& out, std::ostream& err) {
    std::vector<seal::KeyPair> keys;
    for (const auto& f : key_files) {
        auto k = seal::read_key_file(f);
        if (!k) {
            err << "fieldkiosk-server: decrypt: " << k.error().message << "\n";
            return 1;
        }
        keys.push_back(std::move(*k));
    }
    auto opened = decrypt_csv(in, out, keys);
    out.flush();
    if (!opened) {
        err << "fieldkiosk-server: decrypt: " << opened.error() << "\n"
            << "fieldkiosk-server: decrypt: stopped there; the rows before it were written\n";
        return 1;
    }
    err << "fieldkiosk-server: decrypt: opened " << *opened << " sealed response(s)\n";
    return 0;
}

}  // namespace fieldkiosk::sync::server
