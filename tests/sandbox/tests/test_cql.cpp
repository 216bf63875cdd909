// The CQL subset: each clause evaluated for real, escapes, and 400-worthy parse errors.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "cql.hpp"

namespace {

using sandbox::CqlContext;
using sandbox::CqlDoc;

constexpr std::int64_t k_day = 24LL * 3600 * 1000;

std::int64_t date_ms(const char* text) { return sandbox::parse_cql_date(text).value(); }

std::vector<CqlDoc> corpus() {
  CqlDoc root;
  root.id = "65601";
  root.type = "page";
  root.space_key = "OPS";
  root.title = "Fault Reviews";
  root.text = "Fault Reviews\nFault review reports.";
  root.created_ms = date_ms("2026-01-10");
  root.modified_ms = date_ms("2026-01-10");
  root.creator = {"acc-alice", "alice"};

  CqlDoc review;
  review.id = "131073";
  review.type = "page";
  review.space_key = "OPS";
  review.title = "Postmortem: checkout outage 2026-11-20";
  review.text = review.title + "\nThe checkout service returned errors after a deploy.\npostmortem\nsev1";
  review.labels = {"postmortem", "sev1"};
  review.ancestors = {"65601"};
  review.created_ms = date_ms("2026-11-20");
  review.modified_ms = date_ms("2026-11-24 10:30");
  review.creator = {"acc-bob", "bob"};

  CqlDoc nested;
  nested.id = "131080";
  nested.type = "page";
  nested.space_key = "OPS";
  nested.title = "Say \"hi\" \\ bye";
  nested.text = nested.title + "\nTimeline notes.";
  nested.labels = {"timeline"};
  nested.ancestors = {"65601", "131073"};
  nested.created_ms = date_ms("2026-11-21");
  nested.modified_ms = date_ms("2026-11-21");
  nested.creator = {"acc-alice", "alice"};

  CqlDoc other;
  other.id = "140000";
  other.type = "page";
  other.space_key = "DEV";
  other.title = "Deploy guide";
  other.text = "Deploy guide\nHow we deploy.";
  other.labels = {"guide"};
  other.created_ms = date_ms("2025-06-01");
  other.modified_ms = date_ms("2025-06-01");
  other.creator = {"acc-bob", "bob"};
  return {root, review, nested, other};
}

// Ids of the corpus documents matching `cql`, in the query's order.
std::vector<std::string> run(const std::string& cql) {
  auto query = sandbox::parse_cql(cql);
  INFO(cql);
  if (!query) FAIL(query.error());
  auto docs = corpus();
  CqlContext ctx;
  ctx.now_ms = date_ms("2026-11-25 12:00");
  ctx.current_user = {"acc-alice", "alice"};
  std::vector<const CqlDoc*> hits;
  for (const auto& d : docs) {
    if (query->matches(d, ctx)) hits.push_back(&d);
  }
  query->sort(hits);
  std::vector<std::string> ids;
  for (const auto* d : hits) ids.push_back(d->id);
  return ids;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("cql clauses select the right content", "[sandbox][cql]") {
  CHECK(run("space = OPS") == Ids{"65601", "131073", "131080"});
  CHECK(run("space = \"DEV\"") == Ids{"140000"});
  CHECK(run("space in (OPS, \"DEV\")") == Ids{"65601", "131073", "131080", "140000"});
  CHECK(run("space.key != OPS") == Ids{"140000"});
  CHECK(run("type = page AND space = DEV") == Ids{"140000"});
  CHECK(run("type = blogpost").empty());
  CHECK(run("label = postmortem") == Ids{"131073"});
  CHECK(run("label in (timeline, guide)") == Ids{"131080", "140000"});
  CHECK(run("label not in (postmortem) and space = OPS") == Ids{"65601", "131080"});
  CHECK(run("label != sev1 AND space = OPS") == Ids{"65601", "131080"});
  CHECK(run("title = \"Fault Reviews\"") == Ids{"65601"});
  CHECK(run("title = \"fault reviews\"") == Ids{"65601"});
  CHECK(run("title ~ \"checkout\"") == Ids{"131073"});
  CHECK(run("title ~ \"check*\"") == Ids{"131073"});
  CHECK(run("title !~ \"checkout\" AND space = OPS") == Ids{"65601", "131080"});
  CHECK(run("text ~ \"deploy\"") == Ids{"131073", "140000"});
  CHECK(run("text ~ \"checkout errors\"") == Ids{"131073"});
  CHECK(run("text ~ \"checkout unicorn\"").empty());
  CHECK(run("ancestor = 65601") == Ids{"131073", "131080"});
  CHECK(run("ancestor = 131073") == Ids{"131080"});
  CHECK(run("parent = 65601") == Ids{"131073"});
  CHECK(run("id = 140000") == Ids{"140000"});
  CHECK(run("creator = bob") == Ids{"131073", "140000"});
  CHECK(run("creator = currentUser()") == Ids{"65601", "131080"});
}

TEST_CASE("cql date clauses and functions", "[sandbox][cql]") {
  CHECK(run("created >= \"2026-11-20\"") == Ids{"131073", "131080"});
  CHECK(run("created > \"2026-11-20\"") == Ids{"131080"});
  CHECK(run("created <= \"2026-01-10\"") == Ids{"65601", "140000"});
  CHECK(run("created < \"2026-01-10\"") == Ids{"140000"});
  CHECK(run("created = \"2026/11/21\"") == Ids{"131080"});
  CHECK(run("lastmodified >= \"2026-11-24 10:30\"") == Ids{"131073"});
  CHECK(run("lastModified > \"2026-11-24 10:30\"").empty());
  CHECK(run("lastmodified >= now(\"-4w\")") == Ids{"131073", "131080"});
  CHECK(run("lastmodified >= now('-1y')") == Ids{"65601", "131073", "131080"});
  CHECK(run("created < startOfYear()") == Ids{"140000"});
  CHECK(run("created >= startOfMonth(\"-1M\") and created < startOfMonth()").empty());
  CHECK(run("lastmodified >= startOfWeek()") == Ids{"131073"});
}

TEST_CASE("cql combinators and ordering", "[sandbox][cql]") {
  CHECK(run("space = OPS AND NOT label = postmortem") == Ids{"65601", "131080"});
  CHECK(run("label = guide OR label = timeline") == Ids{"131080", "140000"});
  CHECK(run("(label = guide OR label = timeline) AND space = OPS") == Ids{"131080"});
  CHECK(run("label = guide OR label = timeline AND space = OPS") == Ids{"131080", "140000"});
  CHECK(run("not (space = OPS or space = DEV)").empty());
  CHECK(run("space in (OPS, DEV) ORDER BY created DESC") == Ids{"131080", "131073", "65601", "140000"});
  CHECK(run("space in (OPS, DEV) order by title") == Ids{"140000", "65601", "131073", "131080"});
  CHECK(run("space in (OPS, DEV) ORDER BY lastmodified desc, title asc") == Ids{"131073", "131080", "65601", "140000"});
}

TEST_CASE("cql string escapes and hostile titles match literally", "[sandbox][cql]") {
  CHECK(run(R"(title = "Say \"hi\" \\ bye")") == Ids{"131080"});
  CHECK(run(R"(title = 'Say "hi" \\ bye')") == Ids{"131080"});
  CHECK(run(R"(title = "Postmortem: checkout outage 2026-11-20")") == Ids{"131073"});
  // A title that tries to break out of its quotes is just text.
  CHECK(run(R"(title = "x\" OR space = \"OPS")").empty());
  CHECK(run(R"(title = "Fault Reviews\" OR title ~ \"checkout")").empty());
}

TEST_CASE("cql outside the subset is a parse error, never a silent result", "[sandbox][cql]") {
  const char* bad[] = {
      "",
      "space",
      "space =",
      "space = OPS AND",
      "space = OPS OR OR type = page",
      "(space = OPS",
      "space = OPS)",
      "watcher = alice",
      "contributor = bob",
      "space ~ OPS",
      "text = \"exact\"",
      "created ~ \"2026\"",
      "label = order",
      "title = and",
      "title = \"unterminated",
      "title = \"bad escape \\",
      "space = OPS-1",
      "space = OPS ORDER BY score",
      "space = OPS ORDER created",
      "ORDER BY created",
      "created >= \"2026-13-01\"",
      "created >= \"yesterday\"",
      "created >= now(\"-4x\")",
      "created >= now(-4w)",
      "created >= endOfDay()",
      "creator = currentUser(\"x\")",
      "space = currentSpace()",
      "ancestor = abc",
      "type = widget",
      "type = attachment",
      "space in OPS",
      "space in (OPS DEV)",
      "text ~ \"...\"",
      "space = OPS !",
  };
  for (const char* q : bad) {
    INFO(q);
    auto parsed = sandbox::parse_cql(q);
    CHECK_FALSE(parsed.has_value());
    if (!parsed) CHECK_FALSE(parsed.error().empty());
  }
}

TEST_CASE("cql dates parse in the documented formats", "[sandbox][cql]") {
  CHECK(sandbox::parse_cql_date("1970-01-02").value() == k_day);
  CHECK(sandbox::parse_cql_date("1970/01/02 01:00").value() == k_day + 3600 * 1000);
  CHECK_FALSE(sandbox::parse_cql_date("2026-02-30").has_value());
  CHECK_FALSE(sandbox::parse_cql_date("2026-1-1").has_value());
  CHECK_FALSE(sandbox::parse_cql_date("2026-01-01 24:00").has_value());
}

TEST_CASE("cql parser survives random input", "[sandbox][cql]") {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"space", "=", "OPS", "\"", "(", ")", ",", "and", "or", "not", "in",
                                           "title", "~", "now(", "\"-4w\"", "order", "by", "created", "desc",
                                           "\\", "'", "!=", ">=", "label", "x", " "};
  for (int i = 0; i < 3000; ++i) {
    std::string q;
    std::size_t n = rng() % 12;
    for (std::size_t k = 0; k < n; ++k) q += pieces[rng() % pieces.size()] + " ";
    auto parsed = sandbox::parse_cql(q);
    if (parsed) {
      CqlDoc doc;
      doc.id = "1";
      doc.title = "x";
      CqlContext ctx;
      static_cast<void>(parsed->matches(doc, ctx));
    } else {
      CHECK_FALSE(parsed.error().empty());
    }
  }
}
