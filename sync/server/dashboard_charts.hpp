// fieldkiosk::sync::server dashboard charts — SVG drawn on the server from figures already computed (no
// script, no request to any other host), and the HTML escaping every dashboard text goes through.
//
// Index:
//   escape_html          & < > " ' as entities: for element text and attribute values alike
//   BarChart / render_bar_chart      horizontal bars with 95 % interval whiskers; a hidden cell says why, no bar
//   TrendPoint / render_trend_chart  a line over periods, with whiskers; a hidden period leaves a gap
//   WardShape / read_ward_boundaries the wards of a GeoJSON FeatureCollection (Polygon, MultiPolygon; lon/lat)
//   WardValue / render_ward_map      a choropleth of the wards in five classes, hatched where a figure is hidden
//
// Every chart is <svg role="img"> named by its <title> and described by its <desc> (aria-labelledby), and every
// ward has its own <title> (the name and figure, shown on hover) — the page puts the same numbers in a table
// beside each chart. Thread-safety: pure functions.
#pragma once

#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fieldkiosk::sync::server::dashboard {

[[nodiscard]] std::string escape_html(std::string_view text);

struct Bar {
    std::string label;
    std::optional<double> value;      // none: hidden or not computed (then `note` says why)
    std::optional<double> low, high;  // the 95 % interval, same units
    std::string note;                 // shown instead of a value, e.g. "fewer than 10 people"
};

struct BarChart {
    std::string id;           // unique on the page: the ids of <title> and <desc> derive from it
    std::string title, description;
    double axis_max = 100;    // the scale runs 0..axis_max
    std::string unit = "%";  // after each value ("%", or "" for a mean out of 10)
    std::vector<Bar> bars;
};
[[nodiscard]] std::string render_bar_chart(const BarChart& chart);

struct TrendPoint {
    std::string period;  // "2026-Q3"
    std::optional<double> value, low, high;
};
[[nodiscard]] std::string render_trend_chart(const std::string& id, const std::string& title, const std::string& description,
                                             const std::vector<TrendPoint>& points, double axis_max, const std::string& unit);

struct WardShape {
    std::string code, name;                                    // e.g. E05013652, Belsize
    std::vector<std::vector<std::pair<double, double>>> rings;  // (lon, lat); every ring of every polygon part
};
// Every Feature with a Polygon or MultiPolygon geometry and the two properties. An error names the file and the
// feature (by position) and what is wrong; a file with no usable ward is an error.
[[nodiscard]] std::expected<std::vector<WardShape>, std::string> read_ward_boundaries(const std::filesystem::path& file,
                                                                                   std::string_view code_property = "WD22CD",
                                                                                   std::string_view name_property = "WD22NM");

struct WardValue {
    std::optional<double> value;  // none: hidden (small cell) when `hidden`, else no respondents from that ward
    bool hidden = false;
    std::string text;  // the figure as the table says it, for the ward's <title>
};
// `values` by ward code. Classes: five equal steps between the lowest and highest value shown.
[[nodiscard]] std::string render_ward_map(const std::string& id, const std::string& title, const std::string& description,
                                          const std::vector<WardShape>& wards, const std::map<std::string, WardValue>& values,
                                          const std::string& unit);

// "23.5" with one decimal; "7" for a whole mean on a 0-10 scale is still "7.0".
[[nodiscard]] std::string one_decimal(double v);

}  // namespace fieldkiosk::sync::server::dashboard
