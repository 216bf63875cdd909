// JQL text search (~) as Jira's Lucene index answers it: which fields text ~ covers, phrases
// of adjacent words, negation, and client-escaped hostile text that stays literal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jql.hpp"

using nlohmann::json;
namespace jql = sandbox::jql;

namespace {

json adf(const std::string& text) {
  return {{"type", "doc"},
          {"version", 1},
          {"content", json::array({{{"type", "paragraph"}, {"content", json::array({{{"type", "text"}, {"text", text}}})}}})}};
}

json issue(const std::string& id, const std::string& key, json fields) {
  fields["project"] = {{"id", "100"}, {"key", "FAULT"}, {"name", "Faults"}};
  return {{"id", id}, {"key", key}, {"fields", std::move(fields)}};
}

std::vector<json> issues() {
  return {
      issue("1", "FAULT-1", {{"summary", "Disk full on db-7"}, {"description", "The disk full alarm fired."}}),
      issue("2", "FAULT-2", {{"summary", "Checkout slow"}, {"description", adf("A full disk again")}}),
      issue("3", "FAULT-3", {{"summary", "Replica lag"}, {"environment", "prod eu-west, kernel 6.1"}}),
      issue("4", "FAULT-4", {{"summary", "Login errors"},
                             {"comment", {{"comments", json::array({{{"body", adf("Root cause: disk is full")}}})}}}}),
      issue("5", "FAULT-5", {{"summary", "disk full\" OR project = X"}, {"description", "C:\\temp\\disk-full * (x) [y] && || ! ? : /"}}),
      issue("6", "FAULT-6", {{"summary", "Cache warmup"}, {"description", "disk AND NOT full"}}),
  };
}

jql::EvalContext ctx() {
  jql::EvalContext c;
  c.now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'608'000));
  return c;
}

// Keys the query matches, in id order; "ERROR: ..." when it does not parse.
std::vector<std::string> run(const std::string& q) {
  auto parsed = jql::parse(q, ctx());
  if (!parsed) return {"ERROR: " + parsed.error()};
  std::vector<std::string> out;
  for (const auto& i : issues()) {
    if (jql::matches(**parsed, i, ctx())) out.push_back(i["key"]);
  }
  return out;
}

// What a careful client sends for "these exact words": a Lucene phrase (\ and " escaped) inside
// a JQL string (\ and " escaped again).
std::string escaped_phrase_clause(const std::string& field, const std::string& user_text) {
  auto escape = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '\\' || c == '"') out += '\\';
      out += c;
    }
    return out;
  };
  return field + " ~ \"" + escape("\"" + escape(user_text) + "\"") + "\"";
}

using Keys = std::vector<std::string>;

}  // namespace

TEST_CASE("jql text ~ covers summary, description, environment and comments", "[jql][text]") {
  CHECK(run("text ~ db") == Keys{"FAULT-1"});
  CHECK(run("text ~ alarm") == Keys{"FAULT-1"});
  CHECK(run("text ~ again") == Keys{"FAULT-2"});
  CHECK(run("text ~ kernel") == Keys{"FAULT-3"});
  CHECK(run("environment ~ kernel") == Keys{"FAULT-3"});
  CHECK(run("text ~ \"root cause\"") == Keys{"FAULT-4"});
  CHECK(run("summary ~ kernel") == Keys{});
}

TEST_CASE("jql ~ phrases need adjacent words in order", "[jql][text]") {
  CHECK(run("text ~ \"\\\"disk full\\\"\"") == Keys{"FAULT-1", "FAULT-5"});
  CHECK(run("text ~ \"disk full\"") == Keys{"FAULT-1", "FAULT-2", "FAULT-4", "FAULT-5", "FAULT-6"});
  CHECK(run("text ~ \"\\\"full disk\\\"\"") == Keys{"FAULT-2"});
  // "is" is a stop word: its position still separates the words, as in Lucene.
  CHECK(run("text ~ \"\\\"disk full\\\"\" AND summary ~ login") == Keys{});
  CHECK(run("text ~ \"\\\"disk is full\\\"\"") == Keys{"FAULT-4"});
  CHECK(run("text ~ \"\\\"disk was full\\\"\"") == Keys{"FAULT-4"});
  CHECK(run("text ~ \"alarm \\\"disk full\\\"\"") == Keys{"FAULT-1"});
  CHECK(run("text ~ \"disk -\\\"disk full\\\"\"") == Keys{"FAULT-2", "FAULT-4", "FAULT-6"});
  CHECK(run("text ~ \"disk NOT alarm\"") == Keys{"FAULT-2", "FAULT-4", "FAULT-5", "FAULT-6"});
  CHECK(run("text !~ \"\\\"disk full\\\"\"") == Keys{"FAULT-2", "FAULT-3", "FAULT-4", "FAULT-6"});
  CHECK(run("summary ~ \"\\\"the\\\"\"") == Keys{});
}

TEST_CASE("jql client-escaped hostile text stays literal: no error, never a wider match", "[jql][text]") {
  struct Case {
    std::string text;
    Keys expected;
  };
  const std::vector<Case> cases = {
      {"disk full\" OR project = X", {"FAULT-5"}},
      {"OR project = X", {"FAULT-5"}},
      {"disk full", {"FAULT-1", "FAULT-5"}},
      {"full disk", {"FAULT-2"}},
      {"C:\\temp\\disk-full", {"FAULT-5"}},
      {"disk-full * (x) [y] && || ! ? : /", {"FAULT-5"}},
      {"disk AND NOT full", {"FAULT-6"}},
      {"-disk", {"FAULT-1", "FAULT-2", "FAULT-4", "FAULT-5", "FAULT-6"}},
      {"*", {}},
      {"\\", {}},
      {"\"", {}},
      {"\\\"", {}},
      {"\" OR project = FAULT OR summary ~ \"", {}},
      {"') OR project = FAULT OR ('", {}},
      {"new\nline", {}},
  };
  for (const auto& c : cases) {
    for (const char* field : {"text", "summary"}) {
      const std::string q = escaped_phrase_clause(field, c.text) + " AND project = FAULT";
      INFO(q);
      Keys got = run(q);
      if (std::string(field) == "text") {
        CHECK(got == c.expected);
      } else {
        // summary alone: a subset of what text ~ finds, never more.
        for (const auto& k : got) CHECK(std::find(c.expected.begin(), c.expected.end(), k) != c.expected.end());
        REQUIRE((got.empty() || !got.front().starts_with("ERROR")));
      }
    }
  }
}
