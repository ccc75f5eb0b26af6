// HTTPS directly (fieldkiosk-server serve --tls-cert/--tls-key, httplib::SSLServer) against the real
// client: verification is always on, a private CA is trusted only through --ca-file, and a pinned
// public key that does not match refuses the server. The certificate is made here with OpenSSL.
#include "tests/sync/loopback.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <gtest/gtest.h>

#include <cstdio>

namespace fieldkiosk::testing {
namespace {

using sync::client::Failure;

struct Cert {
    std::filesystem::path cert, key;
    std::string pin;  // "sha256//BASE64" of the public key
};

Cert make_self_signed(const TempDir& dir) {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    for (const auto& [nid, value] :
         {std::pair{NID_subject_alt_name, "IP:127.0.0.1"}, std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    X509_sign(x, key, EVP_sha256());
    Cert c{dir.path() / "cert.pem", dir.path() / "key.pem", {}};
    FILE* f = std::fopen(c.cert.c_str(), "wb");
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(c.key.c_str(), "wb");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key, &der);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_Digest(der, static_cast<std::size_t>(len), md, &md_len, EVP_sha256(), nullptr);
    OPENSSL_free(der);
    unsigned char b64[128] = {0};
    EVP_EncodeBlock(b64, md, static_cast<int>(md_len));
    c.pin = std::string("sha256//") + reinterpret_cast<const char*>(b64);
    X509_free(x);
    EVP_PKEY_free(key);
    return c;
}

TEST(Tls, VerifiedServerOnlyWithItsCaAndMatchingPin) {
    TempDir dir;
    const Cert cert = make_self_signed(dir);
    Receiver receiver("sqlite", 0, 40, cert.cert.string(), cert.key.string());
    ASSERT_TRUE(receiver.url().starts_with("https://"));
    Kiosk k;
    k.fill(4);

    auto untrusted = k.drain(receiver.url(), receiver.kiosk_token);  // the system store does not know this CA
    ASSERT_TRUE(untrusted.failure);
    EXPECT_EQ(untrusted.failure->kind, Failure::Kind::Tls) << untrusted.failure->detail;

    auto opts = Kiosk::quick();
    opts.ca_file = cert.cert.string();
    opts.pinned_public_key = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    auto wrong_pin = k.drain(receiver.url(), receiver.kiosk_token, opts);
    ASSERT_TRUE(wrong_pin.failure);
    EXPECT_EQ(wrong_pin.failure->kind, Failure::Kind::Tls) << wrong_pin.failure->detail;
    EXPECT_EQ(receiver.responses(), 0);

    opts.pinned_public_key = cert.pin;
    auto ok = k.drain(receiver.url(), receiver.kiosk_token, opts);
    EXPECT_FALSE(ok.failure) << ok.failure->detail;
    EXPECT_EQ(ok.accepted, 4);
    expect_exactly_once(*receiver.storage, k.all_ids);
}

}  // namespace
}  // namespace fieldkiosk::testing
