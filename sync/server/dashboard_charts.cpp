#include "sync/server/dashboard_charts.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

namespace fieldkiosk::sync::server::dashboard {

namespace {

// GOV.UK-like colours: text, secondary text, the bar blue, the whisker black, light rules.
constexpr const char* k_text = "#0b0c0c";
constexpr const char* k_secondary = "#505a5f";
constexpr const char* k_bar = "#1d70b8";
constexpr const char* k_rule = "#b1b4b6";
// Five sequential classes, light to dark (ColorBrewer "Blues", 5 classes); the darkest two take white text.
constexpr const char* k_classes[5] = {"#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"};

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string svg_open(const std::string& id, const std::string& title, const std::string& description, double width, double height) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 " + num(width) + " " + num(height) +
           "\" aria-labelledby=\"" + escape_html(id) + "-title " + escape_html(id) + "-desc\"><title id=\"" + escape_html(id) +
           "-title\">" + escape_html(title) + "</title><desc id=\"" + escape_html(id) + "-desc\">" + escape_html(description) +
           "</desc>";
}

std::string text_at(double x, double y, const std::string& text, const std::string& anchor = "start", const char* fill = k_text,
                     int size = 14) {
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" fill=\"" + fill + "\" font-size=\"" +
           std::to_string(size) + "\">" + escape_html(text) + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, const char* stroke, double width = 1.5) {
    return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\" stroke=\"" + stroke +
           "\" stroke-width=\"" + num(width) + "\"/>";
}

// Long labels are cut at a word with "…" so that a bar keeps its room; the table beside has the whole label.
std::string short_label(const std::string& label, std::size_t max_chars) {
    if (label.size() <= max_chars) return label;
    std::size_t cut = label.rfind(' ', max_chars - 1);
    if (cut == std::string::npos || cut < max_chars / 2) cut = max_chars - 1;
    while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;  // never inside a UTF-8 sequence
    return label.substr(0, cut) + "…";
}

// A label on at most two lines of `width` bytes, broken at a space; the second line cut with "…" if need be.
std::pair<std::string, std::string> two_lines(const std::string& label, std::size_t width) {
    if (label.size() <= width) return {label, ""};
    std::size_t cut = label.rfind(' ', width);
    if (cut == std::string::npos || cut < width / 2) return {short_label(label, width), ""};
    return {label.substr(0, cut), short_label(label.substr(cut + 1), width)};
}

// Axis ticks at 0, 25, 50, 75, 100 % of the scale.
std::string axis(double x0, double width, double y_top, double y_bottom, double axis_max, const std::string& unit) {
    std::string s;
    for (int i = 0; i <= 4; ++i) {
        const double x = x0 + width * i / 4.0;
        s += line(x, y_top, x, y_bottom, k_rule, 1);
        const double v = axis_max * i / 4.0;
        s += text_at(x, y_bottom + 16, (axis_max >= 20 ? std::to_string(static_cast<int>(std::lround(v))) : num(v)) + unit, "middle",
                     k_secondary, 12);
    }
    return s;
}

}  // namespace

std::string one_decimal(double v) { return num(v); }

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default:
            // Control characters (but tab and newline) never reach a page: they could hide text or break a line.
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') out += "\xEF\xBF\xBD";
            else out += c;
        }
    }
    return out;
}

std::string render_bar_chart(const BarChart& chart) {
    constexpr double label_w = 300, plot_w = 360, right_w = 100, row_h = 40, top = 10;
    const double width = label_w + plot_w + right_w;
    const double rows_h = row_h * static_cast<double>(std::max<std::size_t>(chart.bars.size(), 1));
    const double height = top + rows_h + 30;
    const double max = chart.axis_max > 0 ? chart.axis_max : 100;
    const auto x_of = [&](double v) { return label_w + plot_w * std::clamp(v / max, 0.0, 1.0); };
    std::string s = svg_open(chart.id, chart.title, chart.description, width, height);
    s += axis(label_w, plot_w, top, top + rows_h, max, chart.unit);
    for (std::size_t i = 0; i < chart.bars.size(); ++i) {
        const Bar& b = chart.bars[i];
        const double y = top + row_h * static_cast<double>(i);
        const auto [first, second] = two_lines(b.label, 38);
        if (second.empty())
            s += text_at(label_w - 8, y + row_h / 2 + 5, first, "end", k_text, 13);
        else
            s += text_at(label_w - 8, y + row_h / 2 - 2, first, "end", k_text, 13) + text_at(label_w - 8, y + row_h / 2 + 13, second, "end", k_text, 13);
        if (!b.value) {
            s += text_at(label_w + 6, y + row_h / 2 + 5, b.note.empty() ? "no figure" : b.note, "start", k_secondary, 13);
            continue;
        }
        s += "<rect x=\"" + num(label_w) + "\" y=\"" + num(y + 9) + "\" width=\"" + num(x_of(*b.value) - label_w) + "\" height=\"" +
             num(row_h - 18) + "\" fill=\"" + k_bar + "\"/>";
        if (b.low && b.high) {
            const double mid = y + row_h / 2, lo = x_of(*b.low), hi = x_of(*b.high);
            s += line(lo, mid, hi, mid, k_text) + line(lo, mid - 6, lo, mid + 6, k_text) + line(hi, mid - 6, hi, mid + 6, k_text);
        }
        s += text_at(label_w + plot_w + 8, y + row_h / 2 + 5, num(*b.value) + chart.unit + (b.note.empty() ? "" : " *"), "start");
    }
    return s + "</svg>";
}

std::string render_trend_chart(const std::string& id, const std::string& title, const std::string& description,
                               const std::vector<TrendPoint>& points, double axis_max, const std::string& unit) {
    constexpr double left = 56, plot_w = 620, top = 12, plot_h = 220, bottom = 40;
    const double width = left + plot_w + 24, height = top + plot_h + bottom;
    const double max = axis_max > 0 ? axis_max : 100;
    std::string s = svg_open(id, title, description, width, height);
    for (int i = 0; i <= 4; ++i) {
        const double y = top + plot_h - plot_h * i / 4.0;
        s += line(left, y, left + plot_w, y, k_rule, 1);
        const double v = max * i / 4.0;
        s += text_at(left - 6, y + 4, (max >= 20 ? std::to_string(static_cast<int>(std::lround(v))) : num(v)) + unit, "end", k_secondary, 12);
    }
    const std::size_t n = points.size();
    const auto x_of = [&](std::size_t i) { return left + (n <= 1 ? plot_w / 2 : plot_w * static_cast<double>(i) / static_cast<double>(n - 1)); };
    const auto y_of = [&](double v) { return top + plot_h - plot_h * std::clamp(v / max, 0.0, 1.0); };
    // The line joins neighbouring periods that both have a figure; a hidden period leaves a gap.
    std::string path;
    bool pen_down = false;
    for (std::size_t i = 0; i < n; ++i) {
        if (!points[i].value) {
            pen_down = false;
            continue;
        }
        path += (pen_down ? " L" : " M") + num(x_of(i)) + " " + num(y_of(*points[i].value));
        pen_down = true;
    }
    if (!path.empty()) s += "<path d=\"" + path.substr(1) + "\" fill=\"none\" stroke=\"" + k_bar + "\" stroke-width=\"2.5\"/>";
    // Label every period when they fit, else every second or fourth.
    const std::size_t step = n <= 8 ? 1 : n <= 16 ? 2 : 4;
    for (std::size_t i = 0; i < n; ++i) {
        const TrendPoint& p = points[i];
        const double x = x_of(i);
        if (i % step == 0) s += text_at(x, top + plot_h + 18, p.period, "middle", k_secondary, 12);
        if (!p.value) continue;
        if (p.low && p.high) s += line(x, y_of(*p.low), x, y_of(*p.high), k_text) + line(x - 5, y_of(*p.low), x + 5, y_of(*p.low), k_text) +
                                  line(x - 5, y_of(*p.high), x + 5, y_of(*p.high), k_text);
        s += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y_of(*p.value)) + "\" r=\"4.5\" fill=\"" + k_bar + "\"><title>" +
             escape_html(p.period + ": " + num(*p.value) + unit) + "</title></circle>";
    }
    return s + "</svg>";
}

std::expected<std::vector<WardShape>, std::string> read_ward_boundaries(const std::filesystem::path& file, std::string_view code_property,
                                                                        std::string_view name_property) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected(file.string() + ": cannot be read (does it exist?)");
    const auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded()) return std::unexpected(file.string() + ": is not JSON (a GeoJSON FeatureCollection is expected)");
    if (!doc.is_object() || doc.value("type", "") != "FeatureCollection" || !doc.contains("features") || !doc["features"].is_array())
        return std::unexpected(file.string() + ": is not a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\" with \"features\")");
    std::vector<WardShape> wards;
    const auto& features = doc["features"];
    for (std::size_t i = 0; i < features.size(); ++i) {
        const auto& f = features[i];
        const std::string where = file.string() + ": feature " + std::to_string(i + 1);
        if (!f.is_object() || !f.contains("properties") || !f["properties"].is_object())
            return std::unexpected(where + ": has no properties");
        const auto& props = f["properties"];
        const auto code = props.find(code_property), name = props.find(name_property);
        if (code == props.end() || !code->is_string())
            return std::unexpected(where + ": property " + std::string(code_property) + " (the ward code) is missing or not text");
        WardShape w{code->get<std::string>(), name != props.end() && name->is_string() ? name->get<std::string>() : code->get<std::string>(), {}};
        if (!f.contains("geometry") || !f["geometry"].is_object()) return std::unexpected(where + " (" + w.code + "): has no geometry");
        const auto& g = f["geometry"];
        const std::string type = g.value("type", "");
        if (type != "Polygon" && type != "MultiPolygon")
            return std::unexpected(where + " (" + w.code + "): geometry is " + (type.empty() ? "missing its type" : type) +
                                   "; a ward must be a Polygon or MultiPolygon");
        if (!g.contains("coordinates") || !g["coordinates"].is_array()) return std::unexpected(where + " (" + w.code + "): geometry has no coordinates");
        const auto add_polygon = [&](const nlohmann::json& polygon) -> bool {
            if (!polygon.is_array()) return false;
            for (const auto& ring : polygon) {
                if (!ring.is_array() || ring.size() < 3) return false;
                std::vector<std::pair<double, double>> pts;
                for (const auto& p : ring) {
                    if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number()) return false;
                    const double lon = p[0].get<double>(), lat = p[1].get<double>();
                    if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lon) > 180 || std::abs(lat) > 90) return false;
                    pts.emplace_back(lon, lat);
                }
                w.rings.push_back(std::move(pts));
            }
            return true;
        };
        bool ok = true;
        if (type == "Polygon")
            ok = add_polygon(g["coordinates"]);
        else
            for (const auto& part : g["coordinates"]) ok = ok && add_polygon(part);
        if (!ok || w.rings.empty())
            return std::unexpected(where + " (" + w.code + "): coordinates are not rings of at least 3 [longitude, latitude] points");
        wards.push_back(std::move(w));
    }
    if (wards.empty()) return std::unexpected(file.string() + ": has no ward");
    return wards;
}

std::string render_ward_map(const std::string& id, const std::string& title, const std::string& description,
                            const std::vector<WardShape>& wards, const std::map<std::string, WardValue>& values, const std::string& unit) {
    double min_lon = std::numeric_limits<double>::max(), max_lon = -min_lon, min_lat = min_lon, max_lat = -min_lon;
    for (const auto& w : wards)
        for (const auto& r : w.rings)
            for (const auto& [lon, lat] : r) {
                min_lon = std::min(min_lon, lon);
                max_lon = std::max(max_lon, lon);
                min_lat = std::min(min_lat, lat);
                max_lat = std::max(max_lat, lat);
            }
    // Equirectangular at the middle latitude: at a borough's scale the distortion is well under 1 %.
    const double k = std::cos((min_lat + max_lat) / 2 * 3.14159265358979323846 / 180);
    const double span_x = std::max((max_lon - min_lon) * k, 1e-9), span_y = std::max(max_lat - min_lat, 1e-9);
    constexpr double map_w = 520, pad = 8, legend_h = 96;
    const double scale = map_w / span_x, map_h = span_y * scale;
    const double width = map_w + 2 * pad, height = map_h + 2 * pad + legend_h;
    double lo = std::numeric_limits<double>::max(), hi = -lo;
    for (const auto& [code, v] : values)
        if (v.value) {
            lo = std::min(lo, *v.value);
            hi = std::max(hi, *v.value);
        }
    const bool any = lo <= hi;
    const auto class_of = [&](double v) {
        if (!any || hi - lo < 1e-9) return 2;
        return std::clamp(static_cast<int>((v - lo) / (hi - lo) * 5), 0, 4);
    };
    std::string s = svg_open(id, title, description, width, height);
    s += "<defs><pattern id=\"" + escape_html(id) +
         "-hidden\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" "
         "height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#505a5f\" stroke-width=\"2\"/></pattern></defs>";
    for (const auto& w : wards) {
        std::string d;
        for (const auto& r : w.rings) {
            for (std::size_t i = 0; i < r.size(); ++i)
                d += (i == 0 ? "M" : "L") + num((r[i].first - min_lon) * k * scale + pad) + " " + num((max_lat - r[i].second) * scale + pad);
            d += "Z";
        }
        const auto it = values.find(w.code);
        std::string fill = "#f3f2f1", label = w.name + ": no respondents";
        if (it != values.end()) {
            if (it->second.value)
                fill = k_classes[class_of(*it->second.value)];
            else if (it->second.hidden)
                fill = "url(#" + escape_html(id) + "-hidden)";
            label = w.name + ": " + it->second.text;
        }
        s += "<path d=\"" + d + "\" fill=\"" + fill + "\" stroke=\"#ffffff\" stroke-width=\"1\"><title>" + escape_html(label) + "</title></path>";
    }
    // Legend: the five classes with their ranges, then hidden and no respondents.
    const double ly = map_h + 2 * pad + 8;
    for (int i = 0; i < 5 && any; ++i) {
        const double a = lo + (hi - lo) * i / 5.0, b = lo + (hi - lo) * (i + 1) / 5.0;
        const double x = pad + i * 104.0;
        s += "<rect x=\"" + num(x) + "\" y=\"" + num(ly) + "\" width=\"24\" height=\"16\" fill=\"" + k_classes[i] + "\" stroke=\"" + k_rule + "\"/>";
        s += text_at(x + 28, ly + 13, hi - lo < 1e-9 ? num(lo) + unit : num(a) + "–" + num(b) + unit, "start", k_text, 12);
    }
    s += "<rect x=\"" + num(pad) + "\" y=\"" + num(ly + 28) + "\" width=\"24\" height=\"16\" fill=\"url(#" + escape_html(id) +
         "-hidden)\" stroke=\"" + k_rule + "\"/>" + text_at(pad + 28, ly + 41, "hidden: fewer than 10 people, or to protect another ward", "start", k_text, 12);
    s += "<rect x=\"" + num(pad) + "\" y=\"" + num(ly + 52) + "\" width=\"24\" height=\"16\" fill=\"#f3f2f1\" stroke=\"" + k_rule + "\"/>" +
         text_at(pad + 28, ly + 65, "no respondents", "start", k_text, 12);
    return s + "</svg>";
}

}  // namespace fieldkiosk::sync::server::dashboard
