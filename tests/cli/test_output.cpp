// Output helpers: aligned tables on a terminal, tab-separated rows when piped, colour.
#include <catch2/catch.hpp>

#include <sstream>

#include "faultline/cli/exit_codes.hpp"
#include "faultline/cli/init_config.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/notify/channel_check.hpp"

using namespace faultline;
using namespace faultline::cli;

TEST_CASE("aligned tables pad columns by display width, CJK counting double", "[cli][output]") {
  Table table({"KEY", "SUMMARY", "LEVEL"});
  table.add_row({"FAULT-1", "支付失败", "P1"});
  table.add_row({"FAULT-10", "db down", "P2"});
  std::ostringstream out;
  table.print(out, TableStyle::Aligned);
  CHECK(out.str() ==
        "KEY       SUMMARY   LEVEL\n"
        "FAULT-1   支付失败  P1\n"
        "FAULT-10  db down   P2\n");
}

TEST_CASE("piped tables are tab-separated rows without a header, tabs in cells flattened", "[cli][output]") {
  Table table({"KEY", "SUMMARY"});
  table.add_row({"FAULT-1", "a\tb\nc"});
  std::ostringstream out;
  table.print(out, TableStyle::TabSeparated);
  CHECK(out.str() == "FAULT-1\ta b c\n");
}

TEST_CASE("colour codes do not count toward column width", "[cli][output]") {
  CHECK(display_width(paint("pass", Color::Green, true)) == 4);
  CHECK(paint("pass", Color::Green, false) == "pass");
}

TEST_CASE("exit codes follow the documented table", "[cli]") {
  CHECK(exit_code_for(ErrorKind::Failed) == ExitCode::Failed);
  CHECK(to_int(exit_code_for(ErrorKind::Usage)) == 2);
  CHECK(to_int(exit_code_for(ErrorKind::Config)) == 2);
  CHECK(to_int(exit_code_for(ErrorKind::Auth)) == 3);
  CHECK(to_int(exit_code_for(ErrorKind::NotFound)) == 4);
  CHECK(to_int(exit_code_for(ErrorKind::Unavailable)) == 5);
  CHECK(to_int(exit_code_for(ErrorKind::Conflict)) == 1);
  CHECK(to_int(ExitCode::Overdue) == 10);
}

TEST_CASE("toml_quote escapes quotes, backslashes and control characters", "[cli][init]") {
  CHECK(toml_quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(toml_quote("x\ny\x01") == "\"x\\ny\\u0001\"");
}

TEST_CASE("init's config holds the discovered facts and no secret", "[cli][init]") {
  InitFacts facts;
  facts.jira_url = "https://acme.atlassian.net";
  facts.flavor = "cloud";
  facts.user = "me@acme.com";
  facts.token_env = "JIRA_API_TOKEN";
  facts.project = "FAULT";
  facts.fault_type = "Fault";
  facts.subtask_type = "Sub-task";
  facts.fields = {{"level", "Fault Level"}};
  facts.workflow = {{"recovered", "Recovered"}};
  facts.confluence_url = "https://acme.atlassian.net/wiki";
  facts.space = "OPS";
  facts.parent = "Fault \"Reviews\"";
  const auto text = render_init_config(facts);
  CHECK(text.find("token_env = \"JIRA_API_TOKEN\"") != std::string::npos);
  CHECK(text.find("level = \"Fault Level\"") != std::string::npos);
  CHECK(text.find("parent = \"Fault \\\"Reviews\\\"\"") != std::string::npos);
  CHECK(text.find("token =") == std::string::npos);
}

TEST_CASE("channel checks catch URLs missing the platform's key, without echoing the URL", "[notify][doctor]") {
  config::Channel wecom;
  wecom.kind = "wecom";
  wecom.url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send";
  auto problem = notify::check_channel(wecom);
  REQUIRE(problem);
  CHECK(problem->find("key") != std::string::npos);
  wecom.url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123";
  CHECK_FALSE(notify::check_channel(wecom));

  config::Channel ding;
  ding.kind = "dingtalk";
  ding.url = "https://oapi.dingtalk.com/robot/send?access_token=SECRETX";
  CHECK_FALSE(notify::check_channel(ding));
  ding.url = "ftp://oapi.dingtalk.com/robot/send?access_token=SECRETX";
  auto bad = notify::check_channel(ding);
  REQUIRE(bad);
  CHECK(bad->find("SECRETX") == std::string::npos);

  config::Channel mail;
  mail.kind = "email";
  mail.smtp_url = "smtp://mail.example.com:587";
  CHECK(notify::check_channel(mail));  // no sender
  mail.from = "faultline@example.com";
  mail.to = {"oncall@example.com"};
  CHECK_FALSE(notify::check_channel(mail));

  config::Channel odd;
  odd.kind = "carrier-pigeon";
  odd.url = "https://x";
  CHECK(notify::check_channel(odd));
}
