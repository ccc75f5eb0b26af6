// Survey -> XLSForm workbook. Index: column builder (Grid) · survey sheet · choices · settings · xlsx writer
#include "core/xlsform/export.hpp"

#include "core/xlsform/header.hpp"

#include <xlsxwriter.h>

#include <cstdio>
#include <map>
#include <unistd.h>

namespace fieldkiosk::xlsform {

namespace {

// A sheet built column by column: set(row, "header", text) adds the header the first time it is used.
class Grid {
public:
    explicit Grid(std::vector<std::string> fixed) {
        for (auto& h : fixed) column(h);
    }
    void set(std::size_t row, const std::string& header, std::string text) {
        if (text.empty()) return;
        const auto c = column(header);
        if (m_rows.size() <= row) m_rows.resize(row + 1);
        if (m_rows[row].size() <= c) m_rows[row].resize(c + 1);
        m_rows[row][c] = std::move(text);
    }
    Sheet sheet(std::string name) && {
        m_rows.insert(m_rows.begin(), m_headers);
        return Sheet{.name = std::move(name), .rows = std::move(m_rows)};
    }

private:
    std::size_t column(const std::string& header) {
        const auto [it, fresh] = m_index.emplace(header, m_headers.size());
        if (fresh) m_headers.push_back(header);
        return it->second;
    }
    std::vector<std::string> m_headers;
    std::map<std::string, std::size_t> m_index;
    std::vector<std::vector<std::string>> m_rows;  // data rows; row 0 is sheet row 2
};

class Exporter {
public:
    explicit Exporter(const core::Survey& s) : m_s(s) {}
    Workbook run();

private:
    void texts(Grid& g, std::size_t row, const std::string& field, const core::LocalizedText& t) const {
        for (const auto& l : m_s.languages)
            if (t.has(l.code)) g.set(row, field + "::" + detail::language_header(l.name, l.code), t.get(l.code));
    }
    std::string list_for(const core::Question& q);
    void question(std::size_t row, const core::Question& q);

    const core::Survey& m_s;
    Grid m_survey{{"type", "name"}};
    Grid m_choices{{"list_name", "name"}};
    std::size_t m_choice_row = 0;
    std::vector<std::pair<std::string, const std::vector<core::Choice>*>> m_lists;
};

bool same_choices(const std::vector<core::Choice>& a, const std::vector<core::Choice>& b) {
    return std::ranges::equal(a, b, [](const core::Choice& x, const core::Choice& y) {
        return x.value == y.value && x.label.texts() == y.label.texts() && x.exclusive == y.exclusive && x.other == y.other &&
               x.properties == y.properties;
    });
}

std::string Exporter::list_for(const core::Question& q) {
    for (const auto& [name, choices] : m_lists)
        if (same_choices(*choices, q.choices)) return name;
    m_lists.emplace_back(q.name, &q.choices);
    for (const auto& c : q.choices) {
        m_choices.set(m_choice_row, "list_name", q.name);
        m_choices.set(m_choice_row, "name", c.value);
        texts(m_choices, m_choice_row, "label", c.label);
        if (c.exclusive) m_choices.set(m_choice_row, "exclusive", "yes");
        if (c.other) m_choices.set(m_choice_row, "other", "yes");
        for (const auto& [key, text] : c.properties) m_choices.set(m_choice_row, key, text);  // a column each, for choice_filter
        ++m_choice_row;
    }
    return q.name;
}

void Exporter::question(std::size_t row, const core::Question& q) {
    using core::QuestionType;
    std::string type(core::to_string(q.type));
    if (q.is_select()) type += " " + list_for(q);
    if (q.type == QuestionType::Scale) {
        type = "range";
        m_survey.set(row, "parameters", "start=" + std::to_string(q.scale_min) + " end=" + std::to_string(q.scale_max) + " step=1");
        texts(m_survey, row, "min_label", q.min_label);
        texts(m_survey, row, "max_label", q.max_label);
    }
    m_survey.set(row, "type", type);
    m_survey.set(row, "name", q.name);
    texts(m_survey, row, "label", q.label);
    texts(m_survey, row, "hint", q.hint);
    if (q.required) m_survey.set(row, "required", "yes");
    texts(m_survey, row, "required_message", q.required_message);
    if (q.relevant) m_survey.set(row, "relevant", q.relevant->text());
    if (q.constraint) m_survey.set(row, "constraint", q.constraint->text());
    texts(m_survey, row, "constraint_message", q.constraint_message);
    if (q.calculation) m_survey.set(row, "calculation", q.calculation->text());
    if (q.choice_filter) m_survey.set(row, "choice_filter", q.choice_filter->text());
    if (q.default_value) m_survey.set(row, "default", *q.default_value);
    if (q.appearance != core::Appearance::None) m_survey.set(row, "appearance", std::string(core::to_string(q.appearance)));
    if (q.type == QuestionType::Text && q.max_length != 200) m_survey.set(row, "max_length", std::to_string(q.max_length));
    m_survey.set(row, "source", q.source);
}

Workbook Exporter::run() {
    for (std::size_t i = 0; i < m_s.questions.size(); ++i) question(i, m_s.questions[i]);
    Grid settings{{"form_title", "form_id", "version", "default_language"}};
    settings.set(0, "form_title", m_s.title.get(m_s.default_language));
    settings.set(0, "form_id", m_s.id);
    settings.set(0, "version", m_s.version);
    const auto* def = m_s.language(m_s.default_language);
    settings.set(0, "default_language", detail::language_header(def ? def->name : m_s.default_language, m_s.default_language));
    settings.set(0, "estimated_minutes", std::to_string(m_s.estimated_minutes));
    settings.set(0, "enabled", m_s.enabled ? "yes" : "no");
    std::string drafts;
    for (const auto& l : m_s.languages)
        if (l.status == core::LanguageStatus::Draft) drafts += (drafts.empty() ? "" : " ") + l.code;
    settings.set(0, "draft_languages", drafts);
    texts(settings, 0, "form_title", m_s.title);
    texts(settings, 0, "description", m_s.description);
    Workbook wb;
    wb.sheets.push_back(std::move(m_survey).sheet("survey"));
    wb.sheets.push_back(std::move(m_choices).sheet("choices"));
    wb.sheets.push_back(std::move(settings).sheet("settings"));
    if (!m_s.sources.empty()) {
        Grid sources{{"id", "instrument", "source", "url", "licence"}};
        for (std::size_t i = 0; i < m_s.sources.size(); ++i) {
            const auto& src = m_s.sources[i];
            sources.set(i, "id", src.id);
            sources.set(i, "instrument", src.instrument);
            sources.set(i, "source", src.source);
            sources.set(i, "url", src.url);
            sources.set(i, "licence", src.licence);
        }
        wb.sheets.push_back(std::move(sources).sheet("sources"));
    }
    return wb;
}

}  // namespace

Workbook to_workbook(const core::Survey& survey) { return Exporter(survey).run(); }

std::expected<void, std::string> write_xlsx(const Workbook& wb, const std::filesystem::path& file) {
    // Written beside the target and renamed over it, so that a failure never leaves half a workbook.
    auto tmp = file;
    tmp += ".tmp-" + std::to_string(::getpid());
    lxw_workbook* book = workbook_new(tmp.c_str());
    if (book == nullptr) return std::unexpected("cannot create " + file.string());
    lxw_format* bold = workbook_add_format(book);
    format_set_bold(bold);
    for (const auto& s : wb.sheets) {
        lxw_worksheet* sheet = workbook_add_worksheet(book, s.name.c_str());
        if (sheet == nullptr) {
            workbook_close(book);
            std::remove(tmp.c_str());
            return std::unexpected("cannot add sheet '" + s.name + "' to " + file.string());
        }
        worksheet_freeze_panes(sheet, 1, 0);
        for (std::size_t r = 0; r < s.rows.size(); ++r)
            for (std::size_t c = 0; c < s.rows[r].size(); ++c)
                if (!s.rows[r][c].empty())
                    worksheet_write_string(sheet, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), s.rows[r][c].c_str(), r == 0 ? bold : nullptr);
    }
    if (const auto rc = workbook_close(book); rc != LXW_NO_ERROR) {
        std::remove(tmp.c_str());
        return std::unexpected("cannot write " + file.string() + ": " + lxw_strerror(rc));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    if (ec) {
        std::remove(tmp.c_str());
        return std::unexpected("cannot write " + file.string() + ": " + ec.message());
    }
    return {};
}

std::expected<void, std::string> export_xlsform(const core::Survey& survey, const std::filesystem::path& file) {
    return write_xlsx(to_workbook(survey), file);
}

}  // namespace fieldkiosk::xlsform
