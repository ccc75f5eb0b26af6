// Random valid answers to every choice and scale question of a survey (a fixed seed gives the same answers), for
// the tests and benchmarks that fill a receiver: an eighth of the questions left unanswered when `skip` is set.
#pragma once

#include "core/survey.hpp"

#include <nlohmann/json.hpp>

#include <random>

namespace fieldkiosk::testing {

inline nlohmann::json random_answers(const core::Survey& s, std::mt19937_64& rng, bool skip = true) {
    nlohmann::json a = nlohmann::json::object();
    for (const auto& q : s.questions) {
        if (skip && rng() % 8 == 0) continue;  // unanswered
        if (q.type == core::QuestionType::SelectOne) {
            a[q.name] = q.choices[rng() % q.choices.size()].value;
        } else if (q.type == core::QuestionType::SelectMultiple) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& c : q.choices)
                if (!c.exclusive && rng() % 3 == 0) list.push_back(c.value);
            if (list.empty()) list.push_back(q.choices.back().value);
            a[q.name] = list;
        } else if (q.type == core::QuestionType::Scale) {
            if (skip || rng() % 10) a[q.name] = static_cast<int>(rng() % 11);
        }
    }
    return a;
}

}  // namespace fieldkiosk::testing
