// The .xlsx reader: libzip opens the package, pugixml parses its parts.
//
// Index: zip access (Package) · part paths and relationships · shared strings · cell values · sheets
#include "core/xlsform/workbook.hpp"

#include <pugixml.hpp>
#include <zip.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>

namespace fieldkiosk::xlsform {

namespace {

constexpr zip_uint64_t k_max_part_bytes = 64ULL << 20;  // a worksheet larger than this is not a form
constexpr std::size_t k_max_rows = 1'000'000;            // Excel's own limit is 1,048,576
constexpr std::size_t k_max_columns = 16'384;            // Excel's own limit (XFD)

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The zip archive, closed on destruction.
class Package {
public:
    static std::expected<Package, std::string> open(std::string_view bytes) {
        zip_error_t error;
        zip_error_init(&error);
        zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
        if (src == nullptr) {
            zip_error_fini(&error);
            return std::unexpected("cannot read the file");
        }
        zip_t* archive = zip_open_from_source(src, ZIP_RDONLY, &error);
        zip_error_fini(&error);
        if (archive == nullptr) {
            zip_source_free(src);
            return std::unexpected("not an .xlsx workbook (not a zip package)");
        }
        return Package(archive);
    }
    // The uncompressed bytes of the entry `name`, or nullopt when absent or unreadable.
    std::optional<std::string> read(const std::string& name) const {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat(m_zip.get(), name.c_str(), 0, &st) != 0 || (st.valid & ZIP_STAT_SIZE) == 0) return std::nullopt;
        if (st.size > k_max_part_bytes) return std::nullopt;
        std::unique_ptr<zip_file_t, decltype(&zip_fclose)> f(zip_fopen(m_zip.get(), name.c_str(), 0), &zip_fclose);
        if (!f) return std::nullopt;
        std::string out(static_cast<std::size_t>(st.size), '\0');
        zip_int64_t got = 0;
        while (got < static_cast<zip_int64_t>(out.size())) {
            const auto n = zip_fread(f.get(), out.data() + got, out.size() - static_cast<std::size_t>(got));
            if (n <= 0) return std::nullopt;
            got += n;
        }
        return out;
    }

private:
    explicit Package(zip_t* z) : m_zip(z, &zip_discard) {}
    std::unique_ptr<zip_t, decltype(&zip_discard)> m_zip;
};

// Resolves a relationship target against the folder of the part that owns the relationships.
std::string resolve_target(std::string_view base_dir, std::string_view target) {
    std::string path = target.starts_with('/') ? std::string(target.substr(1)) : std::string(base_dir) + std::string(target);
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = std::min(path.find('/', start), path.size());
        const auto part = path.substr(start, slash - start);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = slash + 1;
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

std::string folder_of(std::string_view part) {
    const auto slash = part.rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

std::string rels_path_of(std::string_view part) {
    const auto slash = part.rfind('/');
    const auto dir = slash == std::string_view::npos ? std::string_view() : part.substr(0, slash + 1);
    const auto name = slash == std::string_view::npos ? part : part.substr(slash + 1);
    return std::string(dir) + "_rels/" + std::string(name) + ".rels";
}

// Local name of an element, without its namespace prefix ("x:row" -> "row"): some writers use prefixes.
std::string_view local(const pugi::xml_node& n) {
    std::string_view name = n.name();
    const auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}
std::string_view attr(const pugi::xml_node& n, std::string_view wanted) {
    for (const auto& a : n.attributes()) {
        std::string_view name = a.name();
        const auto colon = name.find(':');
        if ((colon == std::string_view::npos ? name : name.substr(colon + 1)) == wanted) return a.value();
    }
    return {};
}
template <typename F>
void each_child(const pugi::xml_node& n, std::string_view name, F&& f) {
    for (auto c = n.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && local(c) == name) f(c);
}
pugi::xml_node child(const pugi::xml_node& n, std::string_view name) {
    for (auto c = n.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && local(c) == name) return c;
    return {};
}

// The text of a string item (<si> or <is>): a plain <t>, or rich-text runs <r><t> joined. Phonetic
// runs (<rPh>) are not part of the text.
std::string string_item(const pugi::xml_node& si) {
    std::string out;
    if (auto t = child(si, "t")) out += t.text().get();
    each_child(si, "r", [&](const pugi::xml_node& r) {
        if (auto t = child(r, "t")) out += t.text().get();
    });
    return out;
}

std::map<std::string, std::string> relationships(const Package& pkg, const std::string& part) {
    std::map<std::string, std::string> out;  // id -> resolved target
    const auto text = pkg.read(rels_path_of(part));
    if (!text) return out;
    pugi::xml_document doc;
    if (!doc.load_buffer(text->data(), text->size())) return out;
    each_child(doc.document_element(), "Relationship", [&](const pugi::xml_node& r) {
        if (attr(r, "TargetMode") == "External") return;
        out[std::string(attr(r, "Id"))] = resolve_target(folder_of(part), attr(r, "Target"));
    });
    return out;
}

std::optional<std::string> relationship_of_type(const Package& pkg, const std::string& part, std::string_view type_suffix) {
    const auto text = pkg.read(rels_path_of(part));
    if (!text) return std::nullopt;
    pugi::xml_document doc;
    if (!doc.load_buffer(text->data(), text->size())) return std::nullopt;
    for (auto r = doc.document_element().first_child(); r; r = r.next_sibling())
        if (local(r) == "Relationship" && std::string_view(attr(r, "Type")).ends_with(type_suffix))
            return resolve_target(folder_of(part), attr(r, "Target"));
    return std::nullopt;
}

// A number as the shortest text that reads back the same; whole numbers without a fraction.
std::string number_text(std::string_view v) {
    double d = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(d)) return std::string(v);
    std::array<char, 64> buf{};
    if (d == std::trunc(d) && std::abs(d) < 1e15) {
        const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), static_cast<long long>(d));
        return std::string(buf.data(), r.ptr);
    }
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), d);
    return std::string(buf.data(), r.ptr);
}

// Column index (0-based) of a reference like "AB12", or nullopt.
std::optional<std::size_t> column_of(std::string_view ref) {
    std::size_t col = 0, i = 0;
    for (; i < ref.size() && std::isalpha(static_cast<unsigned char>(ref[i])); ++i) {
        col = col * 26 + static_cast<std::size_t>(std::toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
        if (col > k_max_columns) return std::nullopt;
    }
    if (i == 0) return std::nullopt;
    return col - 1;
}

std::string cell_text(const pugi::xml_node& c, const std::vector<std::string>& shared) {
    const std::string_view type = attr(c, "t");
    if (type == "inlineStr") return string_item(child(c, "is"));
    const std::string_view v = child(c, "v").text().get();
    if (type == "s") {
        std::size_t i = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
        return (ec == std::errc() && end == v.data() + v.size() && i < shared.size()) ? shared[i] : std::string();
    }
    if (type == "b") return v == "1" ? "TRUE" : "FALSE";
    if (type == "str" || type == "e" || type == "d") return std::string(v);
    return v.empty() ? std::string() : number_text(v);
}

std::expected<Sheet, std::string> read_sheet(const Package& pkg, const std::string& part, std::string name,
                                             const std::vector<std::string>& shared) {
    const auto text = pkg.read(part);
    if (!text) return std::unexpected("sheet '" + name + "' is missing from the package (" + part + ")");
    pugi::xml_document doc;
    if (const auto r = doc.load_buffer(text->data(), text->size()); !r)
        return std::unexpected("sheet '" + name + "' is not valid XML: " + r.description());
    Sheet sheet{.name = std::move(name), .rows = {}};
    std::size_t next_row = 1;
    each_child(child(doc.document_element(), "sheetData"), "row", [&](const pugi::xml_node& row) {
        std::size_t r = next_row;
        if (const auto ra = attr(row, "r"); !ra.empty()) std::from_chars(ra.data(), ra.data() + ra.size(), r);
        if (r == 0 || r > k_max_rows || r < next_row) r = next_row;  // a broken or repeated number: keep the order
        next_row = r + 1;
        std::size_t next_col = 0;
        each_child(row, "c", [&](const pugi::xml_node& c) {
            const auto ref = attr(c, "r");
            const std::size_t col = ref.empty() ? next_col : column_of(ref).value_or(next_col);
            next_col = col + 1;
            auto value = cell_text(c, shared);
            if (value.empty()) return;  // a styled blank cell
            if (sheet.rows.size() < r) sheet.rows.resize(r);
            auto& cells = sheet.rows[r - 1];
            if (cells.size() <= col) cells.resize(col + 1);
            cells[col] = std::move(value);
        });
    });
    return sheet;
}

}  // namespace

const std::string& Sheet::at(std::size_t row, std::size_t column) const {
    static const std::string empty;
    if (row == 0 || row > rows.size() || column >= rows[row - 1].size()) return empty;
    return rows[row - 1][column];
}

const Sheet* Workbook::find(std::string_view name) const {
    const auto wanted = lower(name);
    for (const auto& s : sheets)
        if (lower(s.name) == wanted) return &s;
    return nullptr;
}

std::string column_name(std::size_t column) {
    std::string out;
    for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26) out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
    return out;
}
std::string cell_ref(std::size_t row, std::size_t column) { return column_name(column) + std::to_string(row); }

std::expected<Workbook, std::string> read_workbook_bytes(std::string_view bytes) {
    static constexpr std::string_view k_ole = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if (bytes.starts_with(k_ole))
        return std::unexpected("this is an old Excel .xls file: open it in Excel or LibreOffice and save it as .xlsx");
    if (bytes.empty()) return std::unexpected("the file is empty");
    auto pkg = Package::open(bytes);
    if (!pkg) return std::unexpected(pkg.error());
    const std::string book_part = relationship_of_type(*pkg, "", "/officeDocument").value_or("xl/workbook.xml");
    const auto book_text = pkg->read(book_part);
    if (!book_text) return std::unexpected("not an .xlsx workbook (no " + book_part + ")");
    pugi::xml_document book;
    if (const auto r = book.load_buffer(book_text->data(), book_text->size()); !r)
        return std::unexpected(book_part + " is not valid XML: " + r.description());

    std::vector<std::string> shared;
    if (const auto sst_part = relationship_of_type(*pkg, book_part, "/sharedStrings")) {
        if (const auto sst_text = pkg->read(*sst_part)) {
            pugi::xml_document sst;
            if (const auto r = sst.load_buffer(sst_text->data(), sst_text->size()); !r)
                return std::unexpected(*sst_part + " is not valid XML: " + r.description());
            each_child(sst.document_element(), "si", [&](const pugi::xml_node& si) { shared.push_back(string_item(si)); });
        }
    }
    const auto rels = relationships(*pkg, book_part);
    Workbook wb;
    std::string error;
    each_child(child(book.document_element(), "sheets"), "sheet", [&](const pugi::xml_node& s) {
        if (!error.empty()) return;
        std::string name(attr(s, "name"));
        if (name.empty()) {  // found by xlsform_fuzz: read as a null pointer before, which threw
            error = "a sheet of the workbook has no name";
            return;
        }
        const auto rel = rels.find(std::string(attr(s, "id")));
        if (rel == rels.end()) {
            error = "sheet '" + name + "' has no part in the package";
            return;
        }
        auto sheet = read_sheet(*pkg, rel->second, std::move(name), shared);
        if (!sheet) {
            error = sheet.error();
            return;
        }
        wb.sheets.push_back(std::move(*sheet));
    });
    if (!error.empty()) return std::unexpected(error);
    if (wb.sheets.empty()) return std::unexpected("the workbook has no sheets");
    return wb;
}

std::expected<Workbook, std::string> read_workbook(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected("cannot open the file");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return std::unexpected("cannot read the file");
    return read_workbook_bytes(bytes);
}

}  // namespace fieldkiosk::xlsform
