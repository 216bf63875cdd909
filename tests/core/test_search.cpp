// The pure side of `faultline search`: the literal phrase every text clause uses (hostile text
// stays one phrase through jql_quote and cql_quote), excerpts, the review page's key label,
// merging Jira and Confluence hits per fault, ranking, and the JSON contract.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "faultline/core/query.hpp"
#include "faultline/core/search.hpp"
#include "faultline/core/time.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/core/utf8.hpp"

using namespace faultline::core;

namespace {

// Undoes jql_quote for the escapes it writes (\" \\ \t \n \r \uXXXX). Fails the test on an
// unescaped quote inside, which would end the literal early.
std::string jql_unquote(const std::string& literal) {
  REQUIRE(literal.size() >= 2);
  REQUIRE(literal.front() == '"');
  REQUIRE(literal.back() == '"');
  std::string out;
  for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
    REQUIRE(literal[i] != '"');
    if (literal[i] != '\\') {
      out += literal[i];
      continue;
    }
    const char next = literal[++i];
    REQUIRE(i + 1 < literal.size());
    if (next == 't') out += '\t';
    else if (next == 'n') out += '\n';
    else if (next == 'r') out += '\r';
    else if (next == 'u') {
      append_utf8(out, static_cast<char32_t>(std::stoul(literal.substr(i + 1, 4), nullptr, 16)));
      i += 4;
    } else out += next;
  }
  return out;
}

// Undoes cql_quote (\" and \\).
std::string cql_unquote(const std::string& literal) {
  REQUIRE(literal.size() >= 2);
  REQUIRE(literal.front() == '"');
  REQUIRE(literal.back() == '"');
  std::string out;
  for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
    REQUIRE(literal[i] != '"');
    if (literal[i] == '\\') ++i;
    out += literal[i];
  }
  return out;
}

// The text of a Lucene phrase as Lucene's parser reads it: one quoted term, \x stands for x.
// Fails the test when a quote inside is unescaped (the phrase would end there).
std::string phrase_text(const std::string& phrase) {
  REQUIRE(phrase.size() >= 2);
  REQUIRE(phrase.front() == '"');
  REQUIRE(phrase.back() == '"');
  std::string out;
  for (std::size_t i = 1; i + 1 < phrase.size(); ++i) {
    REQUIRE(phrase[i] != '"');
    if (phrase[i] == '\\') {
      REQUIRE(i + 2 < phrase.size());  // never escapes the closing quote
      ++i;
    }
    out += phrase[i];
  }
  return out;
}

// `text` with every run of whitespace and control characters one space, ends trimmed: the
// words as a person typed them.
std::string collapsed(const std::string& text) {
  std::string out;
  bool gap = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      gap = !out.empty();
      continue;
    }
    if (gap) out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

Fault fault(const std::string& key, const std::string& started, const std::string& summary = "a fault") {
  Fault f;
  f.key = key;
  f.summary = summary;
  f.status = "Closed";
  f.status_category = "done";
  f.level = "P2";
  f.started_at = parse_timestamp(started).value();
  return f;
}

std::vector<std::string> keys_of(const std::vector<SearchItem>& items) {
  std::vector<std::string> keys;
  for (const auto& item : items) keys.push_back(item.type == SearchItemType::Report ? "report:" + item.title : item.fault.key);
  return keys;
}

}  // namespace

TEST_CASE("lucene_phrase quotes user text as one literal phrase", "[search][query]") {
  struct Row {
    std::string input;
    std::string expected;
  };
  const Row rows[] = {
      {"connection pool", R"("connection pool")"},
      {R"(a" OR project = X \ * -b)", R"("a\" OR project = X \\ * -b")"},
      {R"(trailing\)", R"("trailing\\")"},
      {R"(\")", R"("\\\"")"},
      {"  spaced \t\n out  ", R"("spaced out")"},
      {"ctrl\x01\x7f" "chars", R"("ctrl chars")"},
      {"", R"("")"},
      {" \t ", R"("")"},
      {"故障 ñ", "\"故障 ñ\""},
      {"\xff", "\"\xef\xbf\xbd\""},
  };
  for (const auto& row : rows) {
    INFO(row.input);
    CHECK(lucene_phrase(row.input) == row.expected);
  }
}

TEST_CASE("hostile search text stays one literal phrase through jql_quote and cql_quote", "[search][query]") {
  const std::string hostile[] = {
      R"(a" OR project = X \ * -b)",
      R"(") OR text ~ "x)",
      R"(\" AND NOT \\)",
      R"(title ~ "x" OR label = "y")",
      "+must -not *wild? ~2 ^3 :field (group) [a TO z] {x} && || !",
      R"(\)",
      R"(""")",
      "line\nbreak\r\nand\ttab",
  };
  for (const auto& text : hostile) {
    INFO(text);
    const auto phrase = lucene_phrase(text);
    const auto words = collapsed(text);
    // JQL: the literal decodes back to the phrase, and the phrase to the words as typed.
    CHECK(jql_unquote(jql_quote(phrase)) == phrase);
    CHECK(phrase_text(jql_unquote(jql_quote(phrase))) == words);
    // CQL: the same through cql_quote.
    CHECK(cql_unquote(cql_quote(phrase)) == phrase);
    CHECK(phrase_text(cql_unquote(cql_quote(phrase))) == words);
  }
  CHECK(jql_quote(lucene_phrase(R"(a" OR project = X \ * -b)")) == R"("\"a\\\" OR project = X \\\\ * -b\"")");
  CHECK(cql_quote(lucene_phrase(R"(a" OR project = X \ * -b)")) == R"("\"a\\\" OR project = X \\\\ * -b\"")");
}

TEST_CASE("cut_excerpt shows the text around the first match, cut at code points", "[search][excerpt]") {
  const std::string filler(200, 'x');
  SECTION("a match in the middle of a long text is cut on both sides") {
    const auto excerpt = cut_excerpt(filler + " the Redis pool ran dry " + filler, "redis POOL", 60);
    REQUIRE(excerpt);
    CHECK(excerpt->starts_with("…"));
    CHECK(excerpt->ends_with("…"));
    CHECK(excerpt->find("Redis pool") != std::string::npos);
    CHECK(excerpt->size() <= 60 + 2 * std::string("…").size());
  }
  SECTION("a match near the start keeps the start, whitespace collapsed") {
    CHECK(cut_excerpt("Redis\n\n  pool ran dry", "pool", 160) == std::optional<std::string>("Redis pool ran dry"));
  }
  SECTION("without the whole text, the first word that occurs") {
    const auto excerpt = cut_excerpt("the checkout service timed out", "payment checkout", 160);
    CHECK(excerpt == std::optional<std::string>("the checkout service timed out"));
  }
  SECTION("nothing occurs") { CHECK_FALSE(cut_excerpt("nothing here", "redis", 160)); }
  SECTION("multi-byte text is never cut inside a character") {
    std::string text;
    for (int i = 0; i < 80; ++i) text += "故障";
    text += " redis ";
    for (int i = 0; i < 80; ++i) text += "ñé";
    for (std::size_t width : {10u, 31u, 47u, 100u}) {
      const auto excerpt = cut_excerpt(text, "redis", width);
      REQUIRE(excerpt);
      CHECK(sanitize_utf8(*excerpt) == *excerpt);
      CHECK(excerpt->find("redis") != std::string::npos);
    }
  }
}

TEST_CASE("find_excerpt takes the first field that holds the text", "[search][excerpt]") {
  const std::vector<TextField> fields = {
      {"summary", "Checkout 500s"}, {"description", "After the deploy the pool ran dry"}, {"comment", "pool resized"}};
  const auto found = find_excerpt(fields, "pool");
  CHECK(found.field == "description");
  CHECK(found.text == "After the deploy the pool ran dry");
  CHECK(find_excerpt(fields, "kafka").field.empty());
}

TEST_CASE("a review page is tied to its fault by the key label, case-insensitively", "[search]") {
  CHECK(review_page_fault_key({"fault-review", "fault-12", "fault-level-p2"}, "FAULT") == "FAULT-12");
  CHECK(review_page_fault_key({"FAULT-7"}, "FAULT") == "FAULT-7");
  CHECK(review_page_fault_key({"ops-3", "fault-12"}, "OPS") == "OPS-3");
  CHECK(review_page_fault_key({"faults-12", "fault-12a", "fault-", "fault-level-p1", "other-3"}, "FAULT").empty());
  CHECK(level_from_labels({"fault", "fault-level-p3"}) == "P3");
  CHECK(level_from_labels({"fault-level-p9", "fault"}).empty());
}

TEST_CASE("merge: one item per fault from both sources, ranked both-first, then relevance, then newest", "[search]") {
  std::map<std::string, Fault> faults = {
      {"FAULT-1", fault("FAULT-1", "2026-10-01T10:00:00Z", "Checkout 500s")},
      {"FAULT-2", fault("FAULT-2", "2026-09-01T10:00:00Z", "Redis pool exhausted")},
      {"FAULT-3", fault("FAULT-3", "2026-11-01T10:00:00Z", "Orders lost")},
      {"FAULT-4", fault("FAULT-4", "2026-08-01T10:00:00Z", "Slow search")},
  };
  faults["FAULT-1"].review_page_url = "https://wiki/saved-1";
  faults["FAULT-3"].level.clear();
  faults["FAULT-3"].labels = {"fault", "fault-level-p1"};
  const std::vector<JiraHit> jira = {
      {"FAULT-1", "FAULT-1", {"summary", "Checkout 500s"}},            // Jira only, rank 0
      {"FAULT-9", "FAULT-4", {"comment", "pool sized up"}},           // an action of FAULT-4, rank 1
      {"FAULT-2", "FAULT-2", {"description", "the pool ran dry"}},     // also a review page
      {"FAULT-8", "FAULT-77", {"summary", "not read: filtered out"}},  // parent not read: dropped
  };
  const std::vector<PageHit> pages = {
      {"FAULT-3: Orders lost — Fault review", "https://wiki/3", "lost orders in the pool", {"fault-review", "fault-3"}},
      {"FAULT-2: Redis — Fault review", "https://wiki/2", "Redis pool ran dry at 10:02", {"FAULT-REVIEW", "fault-2"}},
      {"Fault report 2026-10", "https://wiki/report", "pool twice", {"fault-report"}},
      {"FAULT-66: Gone — Fault review", "https://wiki/66", "pool", {"fault-review", "fault-66"}},  // not read: dropped
      {"No key", "https://wiki/x", "pool", {"fault-review"}},                                    // no key label: dropped
  };

  SECTION("report pages kept") {
    auto items = merge_search_hits(jira, pages, faults, "FAULT", ReportPages::Keep);
    rank_search_items(items);
    // FAULT-2 in both; then rank 0 in either source: FAULT-3 (Nov) newer than FAULT-1 (Oct);
    // then rank 1: FAULT-4 (Jira 1) before ... ; the report (Confluence 2).
    CHECK(keys_of(items) == std::vector<std::string>{"FAULT-2", "FAULT-3", "FAULT-1", "FAULT-4", "report:Fault report 2026-10"});
    const auto& both = items[0];
    CHECK(both.excerpt == "Redis pool ran dry at 10:02");  // Confluence's excerpt wins
    CHECK(both.matched_field == "review");
    CHECK(both.review_url == "https://wiki/2");
    CHECK(both.jira_rank == 2u);
    CHECK(both.confluence_rank == 1u);
    CHECK(items[1].fault.level == "P1");  // from the marker label
    CHECK(items[1].review_url == "https://wiki/3");
    CHECK_FALSE(items[1].jira_rank);
    CHECK(items[2].review_url == "https://wiki/saved-1");  // the saved fact: no page hit
    CHECK(items[2].matched_field == "summary");
    CHECK(items[3].actions == std::vector<std::string>{"FAULT-9"});
    CHECK(items[3].matched_field == "action");
    CHECK(items[3].excerpt == "pool sized up");
    CHECK(items[4].url == "https://wiki/report");
    CHECK(items[4].matched_field == "report");
  }
  SECTION("report pages dropped") {
    auto items = merge_search_hits(jira, pages, faults, "FAULT", ReportPages::Drop);
    rank_search_items(items);
    CHECK(keys_of(items) == std::vector<std::string>{"FAULT-2", "FAULT-3", "FAULT-1", "FAULT-4"});
  }
  SECTION("the fault's own text wins over an action's for the excerpt") {
    const std::vector<JiraHit> both = {{"FAULT-9", "FAULT-4", {"summary", "action text"}},
                                       {"FAULT-4", "FAULT-4", {"description", "own text"}}};
    const auto items = merge_search_hits(both, {}, faults, "FAULT", ReportPages::Keep);
    REQUIRE(items.size() == 1);
    CHECK(items[0].excerpt == "own text");
    CHECK(items[0].matched_field == "description");
    CHECK(items[0].jira_rank == 0u);
  }
  SECTION("nothing found, nothing merged") { CHECK(merge_search_hits({}, {}, faults, "FAULT", ReportPages::Keep).empty()); }
}

TEST_CASE("ties in source and relevance go newest first, unknown dates last, then by key", "[search]") {
  std::vector<SearchItem> items(4);
  items[0].fault = fault("FAULT-10", "2026-01-01T00:00:00Z");
  items[1].fault.key = "FAULT-2";  // no date
  items[2].fault = fault("FAULT-11", "2026-05-01T00:00:00Z");
  items[3].fault = fault("FAULT-9", "2026-05-01T00:00:00Z");
  for (auto& item : items) item.jira_rank = 3;
  rank_search_items(items);
  CHECK(keys_of(items) == std::vector<std::string>{"FAULT-9", "FAULT-11", "FAULT-10", "FAULT-2"});
}

TEST_CASE("the faults to read are the parents and review pages' faults not read yet", "[search]") {
  const std::map<std::string, Fault> known = {{"FAULT-1", fault("FAULT-1", "2026-01-01T00:00:00Z")}};
  const std::vector<JiraHit> jira = {{"FAULT-1", "FAULT-1", {}}, {"FAULT-20", "FAULT-10", {}}, {"FAULT-21", "FAULT-10", {}}};
  const std::vector<PageHit> pages = {{"t", "u", "", {"fault-review", "fault-1"}},
                                      {"t", "u", "", {"fault-review", "fault-9"}},
                                      {"t", "u", "", {"fault-report", "fault-5"}}};
  CHECK(fault_keys_to_read(jira, pages, "FAULT", known) == std::vector<std::string>{"FAULT-9", "FAULT-10"});
}

TEST_CASE("search_item_to_json is the documented contract", "[search][json]") {
  const auto* zone = find_zone("Asia/Shanghai").value();
  SearchItem item;
  item.fault = fault("FAULT-2", "2026-09-01T02:00:00Z", "Redis pool exhausted");
  item.fault.team = "payments";
  item.fault.service = "checkout";
  item.title = item.fault.summary;
  item.url = "https://jira/browse/FAULT-2";
  item.review_url = "https://wiki/2";
  item.excerpt = "pool ran dry";
  item.matched_field = "review";
  item.actions = {"FAULT-9"};
  item.jira_rank = 0;
  item.confluence_rank = 1;
  const auto json = search_item_to_json(item, zone);
  CHECK(json == nlohmann::json{{"type", "fault"},
                               {"key", "FAULT-2"},
                               {"title", "Redis pool exhausted"},
                               {"level", "P2"},
                               {"status", "Closed"},
                               {"status_category", "done"},
                               {"team", "payments"},
                               {"service", "checkout"},
                               {"date", "2026-09-01T10:00:00+08:00"},
                               {"url", "https://jira/browse/FAULT-2"},
                               {"review_url", "https://wiki/2"},
                               {"excerpt", "pool ran dry"},
                               {"matched_field", "review"},
                               {"actions", {"FAULT-9"}},
                               {"found_in", {"jira", "confluence"}}});

  SearchItem report;
  report.type = SearchItemType::Report;
  report.title = "Fault report 2026-10";
  report.url = "https://wiki/report";
  report.confluence_rank = 0;
  const auto report_json = search_item_to_json(report, zone);
  CHECK(report_json["type"] == "report");
  CHECK(report_json["key"] == "");
  CHECK(report_json["date"].is_null());
  CHECK(report_json["url"] == "https://wiki/report");
  CHECK(report_json["found_in"] == nlohmann::json{"confluence"});
}

TEST_CASE("significant_words keeps the words that make two titles alike", "[search]") {
  CHECK(significant_words("Checkout 500s after the deploy of v2", 3) == std::vector<std::string>{"checkout", "500s", "deploy"});
  CHECK(significant_words("DB: db is down, DB!", 5) == std::vector<std::string>{"down"});
  CHECK(significant_words("a\" OR * -b", 5) == std::vector<std::string>{});
  CHECK(significant_words("故障 redis", 5) == std::vector<std::string>{"故障", "redis"});
}
