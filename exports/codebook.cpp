// fieldkiosk::exports codebook and SPSS syntax.
//
// Index:
//   codebook, codebook_csv
//   SPSS: quoting (doubled quotes, long strings split into '...' + '...' pieces at UTF-8 boundaries), spss_syntax
#include "exports/codebook.hpp"

#include "core/csv.hpp"

#include <algorithm>

namespace fieldkiosk::exports {

namespace {

std::string language_of(const WideTable& t) { return t.labels().empty() ? t.survey().default_language : t.labels(); }

const char* metadata_label(std::string_view n) {
    if (n == "id") return "Response id (a UUID made when the respondent started)";
    if (n == "site") return "Where it was collected (kiosk site or outreach location)";
    if (n == "kiosk") return "The kiosk token that sent it (empty in a kiosk's own export)";
    if (n == "mode") return "kiosk (self-completed) or assisted (with an outreach worker)";
    if (n == "language") return "Language in use when the response was completed";
    if (n == "survey_version") return "Version of the survey the respondent answered";
    if (n == "started_at") return "When the respondent started (UTC, ISO 8601)";
    if (n == "completed_at") return "When the respondent completed (UTC, ISO 8601)";
    if (n == "received_at") return "When the receiver stored it (UTC, ISO 8601; empty in a kiosk's own export)";
    return "";
}

// The row of a column that is not a question's: metadata, the sealed flag, the quality flags.
CodebookRow describe_metadata(const Column& c) {
    CodebookRow r;
    r.variable = c.name;
    r.type = "metadata";
    if (c.kind == ColumnKind::Sealed) {
        r.label = "1: the response is sealed (issue 13) and its answer cells are empty here; open it where the key is";
        r.values = "1 = sealed, 0 = open";
    } else if (c.kind == ColumnKind::Quality) {
        const bool names = c.name == "quality_flags";
        r.label = names ? "Quality flags the receiver raised for the response (docs/quality_flags.md); empty: none, "
                          "or a kiosk's own export"
                        : "Why each quality flag was raised, one plain sentence per flag, separated by '; '";
        if (names) r.values = "burst, duplicate, too_fast, straight_line, joined with ';' (a sealed response: burst only)";
    } else {
        r.label = metadata_label(c.name);
    }
    return r;
}

// The row of a question's column (its answer, a multi-select's option, a write-in, a calculation), with the
// question's wording in `lang`, its rule, its choices and where the wording comes from.
CodebookRow describe_question(const WideTable& table, const Column& c, const std::string& lang) {
    const core::Survey& s = table.survey();
    const auto text = [&](const core::LocalizedText& t) { return t.get(lang, s.default_language); };
    const core::Question& q = *c.question;
    CodebookRow r;
    r.variable = c.name;
    r.question = q.name;
    r.label = text(q.label);
    r.type = std::string(core::to_string(q.type));
    if (q.relevant) r.relevant = q.relevant->text();
    if (q.calculation) r.calculation = q.calculation->text();
    if (!q.source.empty())
        for (const auto& src : s.sources)
            if (src.id == q.source) {
                r.instrument = src.instrument;
                r.source = src.source;
                r.licence = src.licence;
                r.url = src.url;
            }
    const auto choice_list = [&] {
        std::string out;
        for (const auto& ch : q.choices) out += (out.empty() ? "" : " | ") + ch.value + " = " + text(ch.label);
        return out;
    };
    switch (c.kind) {
        case ColumnKind::Answer:
            if (q.is_select()) r.choices = choice_list();
            if (q.type == core::QuestionType::Scale)
                r.values = std::to_string(q.scale_min) + " = " + text(q.min_label) + " ... " + std::to_string(q.scale_max) +
                           " = " + text(q.max_label);
            if (q.type == core::QuestionType::SelectOne)
                r.values = table.labels().empty() ? "the chosen value (see choices)" : "the chosen choice's label";
            if (q.type == core::QuestionType::Acknowledge)
                r.values = "OK = ticked (empty: not ticked, or not asked)";
            if (q.type == core::QuestionType::Date) r.values = "a date, YYYY-MM-DD";
            if (q.type == core::QuestionType::Rank)
                r.values = table.labels().empty()
                               ? "the ranked values in the resident's order, most preferred first, separated by spaces"
                               : "the ranked choices' labels in the resident's order, separated by \"; \"";
            break;
        case ColumnKind::MultiOriginal:
            r.choices = choice_list();
            r.values = table.labels().empty() ? "the chosen values, separated by spaces"
                                              : "the chosen choices' labels, separated by \"; \"";
            break;
        case ColumnKind::Option:
            r.label = text(q.label) + ": " + text(c.choice->label);
            r.type = "option";
            r.choices = c.choice->value + " = " + text(c.choice->label);
            r.values = "1 = chosen, 0 = not chosen (empty: the question was not answered)";
            break;
        case ColumnKind::WriteIn:
            r.label = text(q.label) + " (other, written in)";
            r.type = "write_in";
            r.values = "the text written for the 'other' choice";
            break;
        case ColumnKind::Calculated:
            r.values = "computed by the survey's calculation (recomputed from the answers when the response lacks it)";
            break;
        case ColumnKind::Metadata:
        case ColumnKind::Sealed:
        case ColumnKind::Quality:
            break;
    }
    return r;
}

}  // namespace

std::vector<CodebookRow> codebook(const WideTable& table) {
    const std::string lang = language_of(table);
    std::vector<CodebookRow> rows;
    rows.reserve(table.columns().size());
    for (const Column& c : table.columns()) {
        const bool question = c.kind != ColumnKind::Metadata && c.kind != ColumnKind::Sealed && c.kind != ColumnKind::Quality;
        rows.push_back(question ? describe_question(table, c, lang) : describe_metadata(c));
    }
    return rows;
}

std::vector<std::string> codebook_header() {
    return {"variable",    "question", "label",      "type",   "values",  "relevant",
            "calculation", "choices",  "instrument", "source", "licence", "url"};
}

std::vector<std::string> codebook_cells(const CodebookRow& r) {
    return {r.variable,    r.question, r.label,      r.type,   r.values,  r.relevant,
            r.calculation, r.choices,  r.instrument, r.source, r.licence, r.url};
}

std::string codebook_csv(const WideTable& table) {
    std::string out = csv_line(codebook_header());
    for (const auto& r : codebook(table)) out += csv_line(codebook_cells(r));
    return out;
}

// ---------------------------------------------------------------------------------------------
// SPSS
// ---------------------------------------------------------------------------------------------
namespace {

constexpr std::size_t k_piece = 200;  // escaped bytes of one quoted piece: with indent, quotes and " +" under 251

// The string as quoted SPSS pieces, each on its own line: 'a''b' + / 'c'. Splits only between UTF-8
// characters (never inside one) and never between the two quotes of an escaped quote.
std::string spss_string(std::string_view text, std::string_view indent) {
    std::vector<std::string> pieces(1);
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = 1;
        const auto b = static_cast<unsigned char>(text[i]);
        if (b >= 0xF0)
            len = 4;
        else if (b >= 0xE0)
            len = 3;
        else if (b >= 0xC0)
            len = 2;
        len = std::min(len, text.size() - i);
        std::string ch(text.substr(i, len));
        if (ch == "'") ch = "''";
        if (ch == "\n" || ch == "\r" || ch == "\t") ch = " ";  // a line break inside a quoted string ends the command
        if (pieces.back().size() + ch.size() > k_piece) pieces.emplace_back();
        pieces.back() += ch;
        i += len;
    }
    std::string out;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i) out += " +\n" + std::string(indent);
        out += "'" + pieces[i] + "'";
    }
    return out;
}

}  // namespace

std::string spss_name(std::string_view column) {
    std::string out(column);
    for (char& ch : out)
        if (ch == '/' || ch == '-') ch = '_';
    if (out.empty() || !std::isalpha(static_cast<unsigned char>(out.front()))) out.insert(0, "v_");
    return out.substr(0, 64);
}

std::string spss_syntax(const WideTable& table) {
    const core::Survey& s = table.survey();
    const std::string lang = language_of(table);
    const auto rows = codebook(table);
    std::string out;
    out += "* SPSS syntax for fieldkiosk survey " + spss_string(s.id, "  ") + ".\n";
    out += "* Version " + spss_string(s.version, "  ") + ", labels in " + spss_string(lang, "  ") + ".\n";
    out += "* Read the wide CSV export first (GET DATA /TYPE=TXT, first line as names), then run this file.\n";
    out += "* The CSV's option columns QUESTION/OPTION are named QUESTION_OPTION here (SPSS names take no '/').\n";
    out += "* SPSS keeps the first 256 bytes of a variable label and 120 of a value label.\n";
    out += "VARIABLE LABELS\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out += (i ? "  /" : "  ") + spss_name(rows[i].variable) + "\n    " + spss_string(rows[i].label, "    ");
        out += i + 1 == rows.size() ? ".\n" : "\n";
    }
    // Value labels: select_one values (string codes) and the 0/1 option columns; in labels mode the cells hold
    // labels already, so only the option columns get value labels.
    std::string values;
    for (const Column& c : table.columns()) {
        if (c.kind == ColumnKind::Option) {
            values += (values.empty() ? "  " : "  /") + spss_name(c.name) + "\n    1 " + spss_string("chosen", "    ") +
                      "\n    0 " + spss_string("not chosen", "    ") + "\n";
        } else if (c.kind == ColumnKind::Answer && c.question->type == core::QuestionType::SelectOne && table.labels().empty()) {
            values += (values.empty() ? "  " : "  /") + spss_name(c.name) + "\n";
            for (const auto& ch : c.question->choices)
                values += "    " + spss_string(ch.value, "      ") + "\n      " +
                          spss_string(ch.label.get(lang, s.default_language), "      ") + "\n";
        }
    }
    if (!values.empty()) {
        values.back() = '.';
        out += "VALUE LABELS\n" + values + "\n";
    }
    out += "EXECUTE.\n";
    return out;
}

}  // namespace fieldkiosk::exports
