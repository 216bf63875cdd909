// The review publisher's pure parts: page naming, labels, link id and the record it keeps.
#include <catch2/catch.hpp>

#include "faultline/app/review_publisher.hpp"

TEST_CASE("review page naming, labels and link id are stable per fault", "[app][review][publish]") {
  CHECK(faultline::app::review_page_title("FAULT-12", "Checkout down") == "FAULT-12: Checkout down \u2014 Fault review");
  CHECK(faultline::app::review_page_labels("FAULT-12", "P2", "Configuration") ==
        std::vector<std::string>{"fault-review", "fault-12", "fault-level-p2", "fault-type-configuration"});
  CHECK(faultline::app::review_page_labels("FAULT-12", "", "") == std::vector<std::string>{"fault-review", "fault-12"});
  CHECK(faultline::app::review_link_global_id("10001") == "faultline-review:10001");
}

TEST_CASE("the review record survives a round trip and ignores what is not an object", "[app][review][publish]") {
  faultline::app::ReviewRecord record{"123", "abcd", "https://wiki/x", "FAULT-1: t", "", 3};
  CHECK(faultline::app::ReviewRecord::from_json(record.to_json()) == record);
  CHECK_FALSE(record.to_json().contains("creating"));
  record.creating = "ef01";
  CHECK(record.to_json()["creating"] == "ef01");
  CHECK(faultline::app::ReviewRecord::from_json(nlohmann::json::array()) == faultline::app::ReviewRecord{});
}
