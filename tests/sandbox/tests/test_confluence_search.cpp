// Confluence CQL search called directly: siteSearch, the excerpt strategies of each flavor
// (a window around the first match with @@@hl@@@ markers), labels expanded on each result,
// relevance order with a score, phrases, and client-escaped hostile text that stays literal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "confluence_support.hpp"

namespace {

using namespace sandbox::confluence_testing;

const char* flavor_name(Flavor f) { return f == Flavor::Cloud ? "cloud" : "datacenter"; }

// Creates a page under Fault Reviews; returns its id.
std::string add_page(sandbox::Service& s, Flavor f, const std::string& title, const std::string& body) {
  return call_json(s, request("POST", api(f) + "/content", v1_page(title, body)), 200)["id"];
}

// GET {api}/search?cql=...&extra; the parsed answer (status checked by the caller).
SbResponse search(sandbox::Service& s, Flavor f, const std::string& cql, const std::vector<std::pair<std::string, std::string>>& extra = {},
                  const std::string& endpoint = "/search") {
  SbRequest r = request("GET", api(f) + endpoint);
  r.query.emplace("cql", cql);
  for (const auto& [k, v] : extra) r.query.emplace(k, v);
  return call(s, r);
}

json search_json(sandbox::Service& s, Flavor f, const std::string& cql, const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  SbResponse res = search(s, f, cql, extra);
  INFO(cql << " -> " << res.status << " " << res.body);
  REQUIRE(res.status == 200);
  return json::parse(res.body);
}

// Ids of the results, in order.
std::vector<std::string> ids_of(const json& answer) {
  std::vector<std::string> out;
  for (const auto& r : answer["results"]) out.push_back(r.contains("content") ? r["content"]["id"] : r["id"]);
  return out;
}

// What a careful client sends for "these exact words": a Lucene phrase (\ and " escaped) inside
// a CQL string (\ and " escaped again).
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

const std::string k_filler =
    "<p>Background of the service and its owners, the weekly release train, the dashboards and the on-call "
    "rotation that nobody reads twice.</p>";

}  // namespace

TEST_CASE("confluence siteSearch matches title, body and labels like text", "[sandbox][confluence][search]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO(flavor_name(f));
    auto s = make_service(f);
    std::string in_title = add_page(*s, f, "Checkout outage review", "<p>Nothing else.</p>");
    std::string in_body = add_page(*s, f, "Weekly notes", "<p>The checkout failed twice.</p>");
    add_page(*s, f, "Unrelated", "<p>Payments.</p>");
    json site = search_json(*s, f, "siteSearch ~ \"checkout\" AND type = page");
    std::vector<std::string> got = ids_of(site);
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::string>{in_title, in_body});
    CHECK(ids_of(search_json(*s, f, "siteSearch ~ \"checkout\"")) == ids_of(search_json(*s, f, "text ~ \"checkout\"")));
    CHECK(search_json(*s, f, "sitesearch !~ checkout AND space = OPS")["totalSize"] == 2);
    CHECK(search(*s, f, "siteSearch = checkout").status == 400);
  }
}

TEST_CASE("confluence unknown CQL fields are a 400 naming the field", "[sandbox][confluence][search]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    auto s = make_service(f);
    SbResponse res = search(*s, f, "nosuchfield ~ \"x\"");
    CHECK(res.status == 400);
    CHECK(res.body.find("nosuchfield") != std::string::npos);
    CHECK(res.body.find("Could not parse cql") != std::string::npos);
  }
}

TEST_CASE("confluence search excerpts: a highlighted window around the first match", "[sandbox][confluence][search]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO(flavor_name(f));
    auto s = make_service(f);
    const std::string body = k_filler + k_filler + "<p>At 10:02 the disk was full &amp; writes failed; R&amp;D found the disk "
                             "quota.</p>" + k_filler;
    std::string id = add_page(*s, f, "Disk & quota", body);

    json hl = search_json(*s, f, "text ~ \"disk\"");
    REQUIRE(hl["results"].size() == 1);
    const std::string excerpt = hl["results"][0]["excerpt"];
    CHECK(excerpt.find("the @@@hl@@@disk@@@endhl@@@ was full &amp; writes failed; R&amp;D found the @@@hl@@@disk@@@endhl@@@ quota.") != std::string::npos);
    CHECK_FALSE(excerpt.starts_with("Background"));
    CHECK(excerpt.size() <= 240 + 4 * 19);
    CHECK(hl["results"][0]["title"] == "@@@hl@@@Disk@@@endhl@@@ &amp; quota");
    CHECK(hl["results"][0]["content"]["title"] == "Disk & quota");
    CHECK(search_json(*s, f, "text ~ \"disk\"", {{"excerpt", "highlight"}})["results"][0]["excerpt"] == excerpt);

    json indexed = search_json(*s, f, "text ~ \"disk\"", {{"excerpt", "indexed"}});
    const std::string ix = indexed["results"][0]["excerpt"];
    CHECK(ix.starts_with("Background of the service"));
    CHECK(ix.find("@@@hl@@@") == std::string::npos);
    CHECK(indexed["results"][0]["title"] == "Disk &amp; quota");

    json none = search_json(*s, f, "text ~ \"disk\"", {{"excerpt", "none"}});
    CHECK(none["results"][0]["excerpt"] == "");
    CHECK(none["results"][0]["title"] == "Disk & quota");

    if (f == Flavor::Cloud) {
      json raw = search_json(*s, f, "text ~ \"disk\"", {{"excerpt", "highlight_unescaped"}});
      CHECK(raw["results"][0]["excerpt"].get<std::string>().find("was full & writes failed; R&D found the @@@hl@@@disk@@@endhl@@@") != std::string::npos);
      CHECK(raw["results"][0]["title"] == "@@@hl@@@Disk@@@endhl@@@ & quota");
      json raw_ix = search_json(*s, f, "text ~ \"disk\"", {{"excerpt", "indexed_unescaped"}});
      CHECK(raw_ix["results"][0]["title"] == "Disk & quota");
      CHECK(raw_ix["results"][0]["excerpt"].get<std::string>().starts_with("Background"));
    } else {
      // Data Center's search knows indexed, highlight and none only.
      CHECK(search(*s, f, "text ~ \"disk\"", {{"excerpt", "highlight_unescaped"}}).status == 400);
      CHECK(search(*s, f, "text ~ \"disk\"", {{"excerpt", "indexed_unescaped"}}).status == 400);
    }
    CHECK(search(*s, f, "text ~ \"disk\"", {{"excerpt", "bogus"}}).status == 400);

    // A phrase highlights its words; a query without text clauses shows the start of the page.
    json phrase = search_json(*s, f, "text ~ \"\\\"disk quota\\\"\"");
    CHECK(phrase["results"][0]["excerpt"].get<std::string>().find("the @@@hl@@@disk@@@endhl@@@ @@@hl@@@quota@@@endhl@@@.") != std::string::npos);
    CHECK(phrase["results"][0]["excerpt"].get<std::string>().find("@@@hl@@@disk@@@endhl@@@ was") == std::string::npos);
    json plain = search_json(*s, f, "id = " + id);
    CHECK(plain["results"][0]["excerpt"].get<std::string>().starts_with("Background of the service"));
    CHECK(plain["results"][0]["title"] == "Disk &amp; quota");
  }
}

TEST_CASE("confluence search expands content.metadata.labels on each result", "[sandbox][confluence][search]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO(flavor_name(f));
    auto s = make_service(f);
    std::string id = add_page(*s, f, "Fault review FAULT-7", "<p>Review.</p>");
    call_json(*s, request("POST", api(f) + "/content/" + id + "/label",
                          json::array({{{"prefix", "global"}, {"name", "fault-review"}}, {{"prefix", "global"}, {"name", "p1"}}})), 200);
    json with = search_json(*s, f, "label = \"fault-review\"", {{"expand", "content.metadata.labels"}});
    REQUIRE(with["results"].size() == 1);
    const json& labels = with["results"][0]["content"]["metadata"]["labels"];
    REQUIRE(labels["results"].size() == 2);
    CHECK(labels["results"][0]["prefix"] == "global");
    CHECK(labels["results"][0]["name"] == "fault-review");
    CHECK_FALSE(labels["results"][0]["id"].get<std::string>().empty());
    CHECK(labels["size"] == 2);
    json without = search_json(*s, f, "label = \"fault-review\"");
    CHECK_FALSE(without["results"][0]["content"].contains("metadata"));
    json both = search_json(*s, f, "label = \"fault-review\"", {{"expand", "content.metadata.labels,content.version"}});
    CHECK(both["results"][0]["content"]["version"]["number"] == 1);
  }
}

TEST_CASE("confluence text search comes back most relevant first, ORDER BY wins", "[sandbox][confluence][search]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO(flavor_name(f));
    auto s = make_service(f);
    std::string once = add_page(*s, f, "A weekly note", "<p>One rollback.</p>");
    std::string thrice = add_page(*s, f, "B incident log", "<p>Rollback, then rollback, then another rollback.</p>");
    std::string titled = add_page(*s, f, "C rollback policy", "<p>Policy.</p>");
    add_page(*s, f, "D unrelated", "<p>Nothing.</p>");

    json ranked = search_json(*s, f, "text ~ rollback");
    CHECK(ids_of(ranked) == std::vector<std::string>{titled, thrice, once});
    if (f == Flavor::Cloud) {
      double a = ranked["results"][0]["score"];
      double b = ranked["results"][1]["score"];
      double c = ranked["results"][2]["score"];
      CHECK(a > b);
      CHECK(b > c);
      CHECK(c > 0.0);
    } else {
      CHECK_FALSE(ranked["results"][0].contains("score"));
    }
    CHECK(ids_of(search_json(*s, f, "text ~ rollback ORDER BY title")) == std::vector<std::string>{once, thrice, titled});
    CHECK(ids_of(search_json(*s, f, "text ~ rollback ORDER BY title DESC")) == std::vector<std::string>{titled, thrice, once});
    SbResponse content = search(*s, f, "text ~ rollback", {}, "/content/search");
    CHECK(ids_of(json::parse(content.body)) == std::vector<std::string>{titled, thrice, once});
    // Without text clauses: id order, as before.
    std::vector<std::string> all = ids_of(search_json(*s, f, "space = OPS AND type = page"));
    REQUIRE(all.size() == 5);
    CHECK(std::is_sorted(all.begin(), all.end(), [](const std::string& a, const std::string& b) { return std::stoll(a) < std::stoll(b); }));
  }
}

TEST_CASE("confluence text ~ phrases need adjacent words in order", "[sandbox][confluence][search]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO(flavor_name(f));
    auto s = make_service(f);
    std::string adjacent = add_page(*s, f, "Storage alarm", "<p>The disk full alarm fired.</p>");
    std::string reversed = add_page(*s, f, "Reversed", "<p>A full disk again.</p>");
    std::string apart = add_page(*s, f, "Apart", "<p>The disk is full.</p>");
    std::string in_title = add_page(*s, f, "Disk full postmortem", "<p>Nothing here.</p>");
    auto sorted_ids = [&](const std::string& cql) {
      auto v = ids_of(search_json(*s, f, cql));
      std::sort(v.begin(), v.end());
      return v;
    };
    auto expect = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    CHECK(sorted_ids("text ~ \"\\\"disk full\\\"\"") == expect({adjacent, in_title}));
    CHECK(sorted_ids("text ~ \"disk full\"") == expect({adjacent, reversed, apart, in_title}));
    CHECK(sorted_ids("text ~ \"\\\"full disk\\\"\"") == expect({reversed}));
    CHECK(sorted_ids("title ~ \"\\\"disk full\\\"\"") == expect({in_title}));
    CHECK(sorted_ids("text ~ \"disk -\\\"disk full\\\"\"") == expect({reversed, apart}));
    CHECK(sorted_ids("text ~ \"\\\"disk full\\\"\" AND NOT title ~ postmortem") == expect({adjacent}));
  }
}

TEST_CASE("confluence client-escaped hostile text stays literal: no error, never a wider match", "[sandbox][confluence][search]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO(flavor_name(f));
    auto s = make_service(f);
    std::string quoted = add_page(*s, f, "Quoted", "<p>disk full\" OR project = X</p>");
    std::string plain = add_page(*s, f, "Plain", "<p>disk full</p>");
    std::string reversed = add_page(*s, f, "Reversed", "<p>full disk</p>");
    std::string path = add_page(*s, f, "Path", "<p>C:\\temp\\disk-full * (x) [y] {z} ^2 ~1 &amp;&amp; || ! ? : /</p>");
    std::string words = add_page(*s, f, "Words", "<p>disk AND NOT full</p>");
    struct Case {
      std::string text;
      std::set<std::string> expected;
    };
    const std::vector<Case> cases = {
        {"disk full\" OR project = X", {quoted}},
        {"OR project = X", {quoted}},
        {"disk full", {quoted, plain, path}},
        {"full disk", {reversed}},
        {"C:\\temp\\disk-full", {path}},
        {"disk-full * (x) [y] {z} ^2 ~1 && || ! ? : /", {path}},
        {"disk AND NOT full", {words}},
        {"-disk", {quoted, plain, reversed, path, words}},
        {"*", {}},
        {"\\", {}},
        {"\"", {}},
        {"\\\"", {}},
        {"\" OR type = page OR text ~ \"", {}},
        {"') OR space = OPS OR ('", {}},
    };
    for (const auto& c : cases) {
      for (const char* field : {"text", "siteSearch"}) {
        const std::string cql = escaped_phrase_clause(field, c.text) + " AND space = OPS";
        INFO(cql);
        SbResponse res = search(*s, f, cql);
        REQUIRE(res.status == 200);
        auto got = ids_of(json::parse(res.body));
        CHECK(std::set<std::string>(got.begin(), got.end()) == c.expected);
      }
    }
  }
}
