#include <catch2/catch.hpp>

#include "faultline/core/labels.hpp"

using namespace faultline::core;

TEST_CASE("label_slug lower-cases and collapses everything else to single dashes", "[labels]") {
  struct Row {
    std::string input;
    std::string expected;
  };
  const Row rows[] = {
      {"Database", "database"},
      {"Database / Redis Outage", "database-redis-outage"},
      {"  leading and trailing  ", "leading-and-trailing"},
      {"P1", "p1"},
      {"a--b__c..d", "a-b-c-d"},
      {"---", ""},
      {"", ""},
      {"数据库故障", ""},
      {"DB 数据库 down", "db-down"},
      {"caf\xc3\xa9", "caf"},
      {"tab\there\nnewline", "tab-here-newline"},
      {"\x01\x02" "ctrl\x7f", "ctrl"},
      {"\xff\xfe invalid utf8", "invalid-utf8"},
      {"quote\"label'<script>", "quote-label-script"},
      {"already-a-slug-42", "already-a-slug-42"},
  };
  for (const auto& row : rows) {
    INFO(row.input);
    CHECK(label_slug(row.input) == row.expected);
  }
}

TEST_CASE("label_slug never exceeds 255 bytes and never ends with a dash", "[labels]") {
  const std::string long_words(300, 'a');
  CHECK(label_slug(long_words).size() == k_max_label_length);
  std::string dashy;
  for (int i = 0; i < 200; ++i) dashy += "ab ";
  const auto slug = label_slug(dashy);
  CHECK(slug.size() <= k_max_label_length);
  CHECK(slug.back() != '-');
  CHECK(is_valid_label(slug));
}

TEST_CASE("fnv1a_64 matches the published test vectors", "[labels]") {
  CHECK(fnv1a_64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a_64("foobar") == 0x85944171f73967e8ULL);
  CHECK(hex16(0xaf63dc4c8601ec8cULL) == "af63dc4c8601ec8c");
  CHECK(hex16(0x1) == "0000000000000001");
}

TEST_CASE("dedupe_label is a stable, label-safe marker of the key", "[labels]") {
  CHECK(dedupe_label("a") == "fault-dedupe-af63dc4c8601ec8c");
  CHECK(dedupe_label("am:{}:{alertname=\"X Y\"}") == dedupe_label("am:{}:{alertname=\"X Y\"}"));
  CHECK(dedupe_label("am:one") != dedupe_label("am:two"));
  CHECK(dedupe_label("").empty());
  const auto label = dedupe_label("key with spaces and 中文");
  CHECK(is_valid_label(label));
  CHECK(label.size() == std::string("fault-dedupe-").size() + 16);
}

TEST_CASE("prefixed_label builds the fact markers", "[labels]") {
  CHECK(prefixed_label(k_level_label_prefix, "P1") == "fault-level-p1");
  CHECK(prefixed_label(k_source_label_prefix, "ci") == "fault-source-ci");
  CHECK(prefixed_label(k_type_label_prefix, "Config Change") == "fault-type-config-change");
  CHECK(prefixed_label(k_type_label_prefix, "中文").empty());
  CHECK(prefixed_label(k_type_label_prefix, std::string(400, 'x')).size() == k_max_label_length);
}

TEST_CASE("is_fact_marker recognises only the per-fact families", "[labels]") {
  CHECK(is_fact_marker("fault-level-p1"));
  CHECK(is_fact_marker("fault-dedupe-0123456789abcdef"));
  CHECK_FALSE(is_fact_marker("fault"));
  CHECK_FALSE(is_fact_marker("fault-action"));
  CHECK_FALSE(is_fact_marker("fault-level-"));
  CHECK_FALSE(is_fact_marker("customer-x"));
}

TEST_CASE("is_valid_label rejects spaces, controls and overlong labels", "[labels]") {
  CHECK(is_valid_label("fault"));
  CHECK(is_valid_label("中文"));
  CHECK_FALSE(is_valid_label(""));
  CHECK_FALSE(is_valid_label("a b"));
  CHECK_FALSE(is_valid_label("a\tb"));
  CHECK_FALSE(is_valid_label(std::string(256, 'a')));
}
