// fieldkiosk::xlsform XForm — a survey as an ODK XForm, in the shape pyxform gives it, so that the survey
// can be published on ODK Central or KoboToolbox to receive the kiosk's data (docs/xlsform.md, "XForm").
//
// The shape: <h:html> with <model odk:xforms-version="1.0.0">; itext with one translation per language
// ("English (en)", the default one marked default="true()"); the primary instance <data id version> with
// one element per question (and NAME_other after a select with a write-in choice, submission.hpp) and meta with instanceID,
// timeStart and timeEnd (the OpenRosa metadata names), then fk_site, fk_mode and fk_language (hidden strings the
// kiosk fills from the response, submission.hpp); each choice list as a secondary instance
// (<instance id="LIST"><root><item><itextId/><name/>) used through an itemset; one <bind> per field with its
// type, relevant, constraint, required, calculate, readonly (notes) and jr:constraintMsg/jr:requiredMsg; the
// body with input, select1, select, odk:rank, range and trigger (acknowledge) controls. ${name} becomes " /data/name "
// as pyxform writes it.
#pragma once

#include "core/survey.hpp"

#include <string>

namespace fieldkiosk::xlsform {

// The XForm document, UTF-8, indented by two spaces. Never fails for a loaded survey.
[[nodiscard]] std::string to_xform(const core::Survey& survey);

// "${a} > 3 and selected(${b}, 'x')" -> " /data/a  > 3 and selected( /data/b , 'x')": pyxform's spacing.
[[nodiscard]] std::string xpath_of(std::string_view expression);

}  // namespace fieldkiosk::xlsform
