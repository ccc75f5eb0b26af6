// Fuzzes what the receiver reads from the network and what the kiosk reads back: the batch envelope
// (plain or gzip, with the decompression cap), the per-item answer and the error body. Any bytes must be
// decoded or refused with a message; never a crash, an exception or an unbounded allocation. A batch
// that decodes must survive encode -> decode unchanged (the codec has one meaning for each text it takes).
#include "sync/protocol/gzip.hpp"
#include "sync/protocol/wire.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {
using namespace fieldkiosk::sync::protocol;

constexpr std::size_t k_cap = 1u << 20;  // decompressed-size cap, as the server has one (smaller here)

void check_batch(std::string_view text) {
    auto b = decode_batch(text);
    if (!b) {
        if (b.error().message.empty()) std::abort();
        return;
    }
    const std::string once = encode(*b);
    auto again = decode_batch(once);
    if (!again) std::abort();               // what we wrote, we must read
    if (encode(*again) != once) std::abort();  // and it means the same
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 4) {
        case 0: check_batch(text); break;
        case 1: {
            auto inflated = gzip_decompress(text, k_cap);
            if (inflated) {
                if (inflated->size() > k_cap) std::abort();
                check_batch(*inflated);
            } else if (inflated.error().message.empty()) {
                std::abort();
            }
            break;
        }
        case 2: {
            auto a = decode_batch_answer(text);
            if (!a && a.error().message.empty()) std::abort();
            if (a && !decode_batch_answer(encode(*a))) std::abort();
            break;
        }
        default: {
            auto e = decode_error(text);
            if (!e && e.error().message.empty()) std::abort();
            break;
        }
    }
    return 0;
}
