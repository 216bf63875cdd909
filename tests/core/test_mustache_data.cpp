#include <catch2/catch.hpp>

#include "faultline/core/mustache_data.hpp"

using faultline::core::EmptyString;
using faultline::core::mustache_error_line;
using faultline::core::mustache_error_text;
using faultline::core::to_mustache;

namespace {

std::string render(const std::string& text, const nlohmann::json& model, EmptyString empty = EmptyString::Text) {
  kainjow::mustache::mustache tmpl{text};
  return tmpl.render(to_mustache(model, empty));
}

}  // namespace

TEST_CASE("JSON becomes Mustache data: sections, lists, numbers, null", "[core][mustache]") {
  const nlohmann::json model{{"name", "FAULT-1"}, {"count", 3}, {"ratio", 0.5}, {"none", nullptr},
                             {"items", {{{"k", "a"}}, {{"k", "b"}}}}, {"flag", true}};
  CHECK(render("{{name}} {{count}} {{ratio}}", model) == "FAULT-1 3 0.5");
  CHECK(render("{{#items}}[{{k}}]{{/items}}", model) == "[a][b]");
  CHECK(render("{{#none}}x{{/none}}{{^none}}empty{{/none}}", model) == "empty");
  CHECK(render("{{#flag}}yes{{/flag}}", model) == "yes");
}

TEST_CASE("An empty string is text for chat templates and false for report templates", "[core][mustache]") {
  const nlohmann::json model{{"cause", ""}};
  CHECK(render("{{#cause}}Cause: {{cause}}{{/cause}}", model, EmptyString::Text) == "Cause: ");
  CHECK(render("{{#cause}}Cause: {{cause}}{{/cause}}", model, EmptyString::Falsy) == "");
}

TEST_CASE("kainjow's error positions become template lines", "[core][mustache]") {
  const std::string text = "line one\n{{#open}}\nline three\n";
  kainjow::mustache::mustache tmpl{text};
  REQUIRE_FALSE(tmpl.is_valid());
  CHECK(mustache_error_line(tmpl.error_message(), text) == 2);
  CHECK(mustache_error_text(tmpl.error_message()).find(" at ") == std::string::npos);
  CHECK(mustache_error_line("no position here", text) == 0);
  CHECK(mustache_error_text("Unclosed tag at 4") == "Unclosed tag");
  CHECK(mustache_error_text("a message at the end") == "a message at the end");
}
