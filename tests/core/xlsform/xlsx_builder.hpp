// Test helper: an .xlsx package built in memory from its parts (libzip), so that tests can state exactly the
// XML a spreadsheet program writes (inline strings, rich text, booleans, odd part names).
#pragma once

#include <zip.h>

#include <map>
#include <stdexcept>
#include <string>

namespace fieldkiosk::test {

// Parts: path in the package -> content. Returns the zip bytes.
inline std::string build_zip(const std::map<std::string, std::string>& parts) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &error);
    if (src == nullptr) throw std::runtime_error("zip_source_buffer_create");
    zip_source_keep(src);
    zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &error);
    if (z == nullptr) throw std::runtime_error("zip_open_from_source");
    for (const auto& [name, content] : parts) {
        zip_source_t* s = zip_source_buffer(z, content.data(), content.size(), 0);
        if (s == nullptr || zip_file_add(z, name.c_str(), s, ZIP_FL_ENC_UTF_8) < 0) throw std::runtime_error("zip_file_add");
    }
    if (zip_close(z) != 0) throw std::runtime_error("zip_close");
    zip_stat_t st;
    zip_source_stat(src, &st);
    std::string out(static_cast<std::size_t>(st.size), '\0');
    zip_source_open(src);
    zip_source_read(src, out.data(), out.size());
    zip_source_close(src);
    zip_source_free(src);
    return out;
}

inline constexpr const char* k_main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
inline constexpr const char* k_rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// A workbook whose sheets are given as (name, sheetData inner XML), listed in that order but stored under
// part names in the reverse order, so that a reader that goes by part names gets the order wrong.
inline std::string build_xlsx(const std::vector<std::pair<std::string, std::string>>& sheets, const std::string& shared_strings = "") {
    std::map<std::string, std::string> parts;
    parts["_rels/.rels"] = std::string("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                                       "<Relationship Id=\"r1\" Type=\"") + k_rel_ns + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
    std::string book = std::string("<workbook xmlns=\"") + k_main_ns + "\" xmlns:r=\"" + k_rel_ns + "\"><sheets>";
    std::string rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
    for (std::size_t i = 0; i < sheets.size(); ++i) {
        const auto part = "worksheets/sheet" + std::to_string(sheets.size() - i) + ".xml";
        book += "<sheet name=\"" + sheets[i].first + "\" sheetId=\"" + std::to_string(i + 1) + "\" r:id=\"rId" + std::to_string(i + 1) + "\"/>";
        rels += "<Relationship Id=\"rId" + std::to_string(i + 1) + "\" Type=\"" + k_rel_ns + "/worksheet\" Target=\"" + part + "\"/>";
        parts["xl/" + part] = std::string("<worksheet xmlns=\"") + k_main_ns + "\"><sheetData>" + sheets[i].second + "</sheetData></worksheet>";
    }
    if (!shared_strings.empty()) {
        rels += std::string("<Relationship Id=\"rIdS\" Type=\"") + k_rel_ns + "/sharedStrings\" Target=\"/xl/strings.xml\"/>";
        parts["xl/strings.xml"] = std::string("<sst xmlns=\"") + k_main_ns + "\">" + shared_strings + "</sst>";
    }
    parts["xl/workbook.xml"] = book + "</sheets></workbook>";
    parts["xl/_rels/workbook.xml.rels"] = rels + "</Relationships>";
    return build_zip(parts);
}

}  // namespace fieldkiosk::test
