#include <catch2/catch.hpp>

#include "jira_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using http::Method;

TEST_CASE("field_id resolves names case-insensitively and ids as is", "[jira][fields]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/field").reply(200, fixture("jira/cloud/fields.json")).times(3);
  auto client = cloud_client(fake);
  CHECK(client.field_id("fault level") == std::string("customfield_10010"));
  CHECK(client.field_id("customfield_10021") == std::string("customfield_10021"));
  auto missing = client.field_id("Severity");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::NotFound);
  fake.verify();
}

TEST_CASE("an ambiguous field name lists the candidates", "[jira][fields]") {
  FakeTransport fake;
  fake.on(Method::Get, "/rest/api/3/field").reply(200, fixture("jira/cloud/fields.json"));
  auto client = cloud_client(fake);
  auto fields = client.fields();
  REQUIRE(fields);
  auto id = jira::find_field_id(*fields, "Team");
  REQUIRE_FALSE(id);
  CHECK(id.error().kind == ErrorKind::Config);
  CHECK_THAT(id.error().message, Catch::Contains("customfield_10020 (select)") && Catch::Contains("customfield_10021 (textfield)"));
}

TEST_CASE("create metadata: Cloud issueTypes/fields and Data Center values", "[jira][fields]") {
  SECTION("Cloud") {
    FakeTransport fake;
    fake.on(Method::Get, "/rest/api/3/issue/createmeta/FAULT/issuetypes").reply(200, fixture("jira/cloud/createmeta_issuetypes.json"));
    fake.on(Method::Get, "/rest/api/3/issue/createmeta/FAULT/issuetypes/10004").reply(200, fixture("jira/cloud/createmeta_fields.json"));
    auto client = cloud_client(fake);
    auto types = client.issue_types("FAULT");
    REQUIRE(types);
    REQUIRE(types->size() == 2);
    CHECK((*types)[1].subtask);
    auto fields = client.create_fields("FAULT", "10004");
    REQUIRE(fields);
    REQUIRE(fields->size() == 2);
    CHECK((*fields)[1].field_id == "customfield_10010");
    CHECK((*fields)[1].required);
    CHECK((*fields)[1].allowed_values.size() == 2);
    fake.verify();
  }
  SECTION("Data Center") {
    FakeTransport fake;
    fake.on(Method::Get, "/rest/api/2/issue/createmeta/FAULT/issuetypes").reply(200, fixture("jira/datacenter/createmeta_issuetypes.json"));
    fake.on(Method::Get, "/rest/api/2/issue/createmeta/FAULT/issuetypes/10100").reply(200, fixture("jira/datacenter/createmeta_fields.json"));
    auto client = datacenter_client(fake);
    auto types = client.issue_types("FAULT");
    REQUIRE(types);
    REQUIRE(types->size() == 2);
    CHECK((*types)[0].name == "Fault");
    auto fields = client.create_fields("FAULT", "10100");
    REQUIRE(fields);
    REQUIRE(fields->size() == 2);
    CHECK((*fields)[1].field_id == "customfield_10010");
    CHECK((*fields)[1].schema_custom == "com.atlassian.jira.plugin.system.customfieldtypes:select");
    fake.verify();
  }
}
