// fieldkiosk::xlsform submission — one completed response as an OpenRosa submission: the XForm's primary
// instance (xform.hpp) filled with the response's answers, as ODK Central and KoboToolbox take it
// (docs/openrosa.md).
//
//   <data id="food" version="3"> <q1>yes</q1> <q2>a b</q2> <q2_other>write-in</q2_other> ...
//     <meta><instanceID>uuid:RESPONSE-ID</instanceID><timeStart>..</timeStart><timeEnd>..</timeEnd>
//           <fk_site>..</fk_site><fk_mode>kiosk</fk_mode><fk_language>en</fk_language></meta> </data>
//
// The instanceID is the response's own id, fixed when the resident started, so sending the same response
// again is a replay the server recognises, never a second submission.
#pragma once

#include "core/survey.hpp"

#include <nlohmann/json_fwd.hpp>

#include <expected>
#include <string>

namespace fieldkiosk::xlsform {

// A select's choice that asks for a write-in (Choice::other), or null. pyxform's or_other gives such a
// select a text field of its own, `NAME_other`, relevant when that choice is selected; the XForm has it too
// (xform.hpp), and a submission carries the write-in there.
[[nodiscard]] const core::Choice* other_choice(const core::Question& q);
[[nodiscard]] std::string other_field(const core::Question& q);

// The response's own metadata the XForm carries in <meta> after the OpenRosa names, as hidden string fields
// (no control in the body): meta element name and the key of the stored response (core::response_to_json).
// Inside <meta> they cannot clash with a question's element; the fk_ prefix keeps them apart from question
// names too where a server flattens groups (Central's CSV with groupPaths=false).
struct MetaField {
    const char* element;  // "fk_site"
    const char* key;      // "site"
};
inline constexpr MetaField k_response_meta[] = {{"fk_site", "site"}, {"fk_mode", "mode"}, {"fk_language", "language"}};

// `response`: the stored response JSON (core::response_to_json). With `survey` (the response's survey
// version), every field of the XForm's instance is written in its order, empty when not answered, as ODK
// Collect does; without it, the answered and calculated fields in the response's order. Values: a
// select_multiple as its values separated by spaces, numbers as written, booleans as true/false.
// Fails, with the reason, only for a response that is not the JSON the kiosk stores.
[[nodiscard]] std::expected<std::string, std::string> to_submission(const nlohmann::json& response, const core::Survey* survey);

}  // namespace fieldkiosk::xlsform
