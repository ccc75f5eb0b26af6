// libFuzzer target: the XLSForm workbook reader and the import over whatever it reads (core/xlsform/).
// Seeds: the .xlsx files of the XLSForm corpus (../shared/xlsforms) and any workbook written by
// `fieldkiosk-ctl export-xlsform`; see fuzz/CMakeLists.txt for the command.
#include "core/xlsform/import.hpp"
#include "core/xlsform/workbook.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (auto wb = fieldkiosk::xlsform::read_workbook_bytes(bytes)) {
        const auto r = fieldkiosk::xlsform::import_workbook(*wb, "fuzz.xlsx");
        for (const auto& p : r.problems) (void)p.to_string();
    }
    return 0;
}
