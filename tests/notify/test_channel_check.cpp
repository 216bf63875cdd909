// doctor's channel checks: a URL missing the platform's key, a bad scheme, an e-mail channel
// without sender or recipients, an unknown kind — without ever echoing the URL.
#include <catch2/catch.hpp>

#include "faultline/config/config.hpp"
#include "faultline/notify/channel_check.hpp"

using namespace faultline;

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
