#include <catch2/catch.hpp>

#include "faultline/util/error.hpp"
#include "faultline/util/redact.hpp"

using faultline::Redactor;

TEST_CASE("Redactor masks known secrets wherever they appear", "[redact]") {
  Redactor redactor;
  redactor.add_secret("s3cr3t-token-value");
  CHECK(redactor.mask("token s3cr3t-token-value in text") == "token *** in text");
  CHECK(redactor.mask("twice s3cr3t-token-values3cr3t-token-value") == "twice ******");
  CHECK(redactor.mask("nothing here") == "nothing here");
  CHECK(redactor.mask("") == "");
}

TEST_CASE("Redactor ignores secrets shorter than 4 characters", "[redact]") {
  Redactor redactor;
  redactor.add_secret("abc");
  redactor.add_secret("");
  CHECK(redactor.mask("abc abcabc") == "abc abcabc");
}

TEST_CASE("Redactor masks the percent-encoded form of a secret", "[redact]") {
  Redactor redactor;
  redactor.add_secret("p@ss w/rd!");
  CHECK(redactor.mask("url?x=p%40ss%20w%2Frd%21&y=1") == "url?x=***&y=1");
  CHECK(redactor.mask("raw p@ss w/rd!") == "raw ***");
}

TEST_CASE("Redactor masks a webhook URL down to its origin, and its path on its own", "[redact]") {
  Redactor redactor;
  redactor.add_secret("https://chat.example.invalid/hooks/fake-test-key");
  redactor.add_secret("https://open.feishu.cn/open-apis/bot/v2/hook/5b2d1c3e-aaaa");
  CHECK(redactor.mask("POST https://chat.example.invalid/hooks/fake-test-key failed") ==
        "POST https://chat.example.invalid/*** failed");
  CHECK(redactor.mask("POST /hooks/fake-test-key HTTP/1.1") == "POST *** HTTP/1.1");
  CHECK(redactor.mask("https://open.feishu.cn/open-apis/bot/v2/hook/5b2d1c3e-aaaa") == "https://open.feishu.cn/***");
}

TEST_CASE("Redactor masks credential headers in header and JSON form", "[redact]") {
  const Redactor redactor;
  const std::vector<std::pair<std::string, std::string>> table = {
      {"Authorization: Basic b25jYWxsOnRva2Vu", "Authorization: ***"},
      {"authorization: Bearer abc.def.ghi\r\nAccept: */*", "authorization: ***\r\nAccept: */*"},
      {"  > Proxy-Authorization: Basic eA==\n", "  > Proxy-Authorization: ***\n"},
      {"Cookie: JSESSIONID=1234; atl.xsrf.token=5678", "Cookie: ***"},
      {"Set-Cookie: cloud.session.token=abc; Path=/", "Set-Cookie: ***"},
      {"X-Atlassian-Token: no-check", "X-Atlassian-Token: ***"},
      {"X-Api-Key: k-123456", "X-Api-Key: ***"},
      {"Private-Token: glpat-123", "Private-Token: ***"},
      {R"({"Authorization":"Basic b25jYWxs","Accept":"x"})", R"({"Authorization":"***","Accept":"x"})"},
      {R"({"authorization" : "Bearer a\"b", "n": 1})", R"({"authorization" : "***", "n": 1})"},
      {R"({"password": "hunter2", "user": "bob"})", R"({"password": "***", "user": "bob"})"},
      {R"({"token":"t-1","nextPageToken":"CAEaAggD","key":"FAULT-1"})",
       R"({"token":"***","nextPageToken":"CAEaAggD","key":"FAULT-1"})"},
      {R"({"code":0,"tenant_access_token":"t-g1044ghJ","expire":7200,"app_secret":"s3cr3t-value"})",
       R"({"code":0,"tenant_access_token":"***","expire":7200,"app_secret":"***"})"},
      {"Authorization failed for user bob", "Authorization failed for user bob"},
      {"password=hunter2 user=bob", "password=*** user=bob"},
      {"Accept: application/json", "Accept: application/json"},
  };
  for (const auto& [input, expected] : table) {
    INFO(input);
    CHECK(redactor.mask(input) == expected);
  }
}

TEST_CASE("Redactor masks Basic and Bearer credentials standing alone", "[redact]") {
  const Redactor redactor;
  CHECK(redactor.mask("sent Basic b25jYWxsQGV4YW1wbGUuY29tOnRva2Vu to x") == "sent Basic *** to x");
  CHECK(redactor.mask("bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig") == "bearer ***");
  CHECK(redactor.mask("use Basic authentication") == "use Basic authentication");
}

TEST_CASE("Redactor masks secret-looking query parameters", "[redact]") {
  const Redactor redactor;
  const std::vector<std::pair<std::string, std::string>> table = {
      {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx",
       "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"},
      {"https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1700000000000&sign=a%2Bb%3D",
       "https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=1700000000000&sign=***"},
      {"https://x/p?Signature=abc&sig=def&SECRET=ghi&password=jkl#frag",
       "https://x/p?Signature=***&sig=***&SECRET=***&password=***#frag"},
      {"https://x/p?api_token=a&refresh_token=b&jql=key%3DFAULT-1", "https://x/p?api_token=***&refresh_token=***&jql=key%3DFAULT-1"},
      {"GET https://x/p?key=abc HTTP/1.1", "GET https://x/p?key=*** HTTP/1.1"},
      {"\"https://x/p?token=abc\"", "\"https://x/p?token=***\""},
      {"https://x/p?key=&maxResults=50", "https://x/p?key=&maxResults=50"},
      {"https://x/p?monkey=banana&keys=1", "https://x/p?monkey=banana&keys=1"},
  };
  for (const auto& [input, expected] : table) {
    INFO(input);
    CHECK(redactor.mask(input) == expected);
  }
}

TEST_CASE("Redactor masks the user:password@ of any URL, keeping scheme and host", "[redact]") {
  const Redactor redactor;
  const std::vector<std::pair<std::string, std::string>> table = {
      {"GET https://bob:hunter2@jira.example.com/rest failed", "GET https://***@jira.example.com/rest failed"},
      {"'https://bob@jira.example.com'", "'https://***@jira.example.com'"},
      {"smtps://mailer:pw%40x@mail.example.com:465", "smtps://***@mail.example.com:465"},
      {"http://u:p@a.example.com and http://v:q@b.example.com/x?y=1",
       "http://***@a.example.com and http://***@b.example.com/x?y=1"},
      {"https://jira.example.com/people/@bob", "https://jira.example.com/people/@bob"},
      {"mail oncall@example.com about https://jira.example.com", "mail oncall@example.com about https://jira.example.com"},
      {"https://@host", "https://@host"},
      {"ends with https://", "ends with https://"},
  };
  for (const auto& [input, expected] : table) {
    INFO(input);
    CHECK(redactor.mask(input) == expected);
  }
}

TEST_CASE("mask_url_credentials masks user:password@ and secret query parameters only", "[redact]") {
  using faultline::mask_url_credentials;
  CHECK(mask_url_credentials("ftp://bob:pw@jira.example.com/?token=abc&x=1") == "ftp://***@jira.example.com/?token=***&x=1");
  CHECK(mask_url_credentials("https://jira.example.com/wiki") == "https://jira.example.com/wiki");
  CHECK(mask_url_credentials("jira.example.com") == "jira.example.com");
}

TEST_CASE("Redactor leaves a dotted config key naming itself in a message", "[redact]") {
  const Redactor redactor;
  const std::vector<std::string> unchanged = {
      "/etc/fl/cfg.toml:3: jira.token: expected a string, found integer",
      "/etc/fl/cfg.toml:7: channels.ops.secret: expected a string, found array",
      "/etc/fl/cfg.toml:9: profile.ci.jira.token: jira.token is already set by 'jira.token_env'",
  };
  for (const auto& text : unchanged) {
    INFO(text);
    CHECK(redactor.mask(text) == text);
  }
  // Values written with '=' are still masked, dotted or not; so are header-style fields.
  CHECK(redactor.mask("jira.token = abc123") == "jira.token = ***");
  CHECK(redactor.mask("token: abc123") == "token: ***");
}

TEST_CASE("Redactor is byte-safe on UTF-8 and binary input", "[redact]") {
  Redactor redactor;
  redactor.add_secret("tok\xe6\x95\x85\xff");
  const char raw[] = "\0\xff\xfe Authorization: x\0y\n\x80\x81 tok\xe6\x95\x85\xff \xc3";
  const std::string binary(raw, sizeof raw - 1);
  const std::string masked = redactor.mask(binary);
  CHECK(masked.find("tok\xe6\x95\x85\xff") == std::string::npos);
  CHECK(masked.find("Authorization: ***\n") != std::string::npos);
  CHECK(masked.substr(0, 3) == std::string("\0\xff\xfe", 3));
  CHECK(redactor.mask("故障 P1：数据库 token=秘密 结束") == "故障 P1：数据库 token=*** 结束");
}

TEST_CASE("to_string names every ErrorKind", "[error]") {
  using faultline::ErrorKind;
  CHECK(std::string(to_string(ErrorKind::Failed)) == "failed");
  CHECK(std::string(to_string(ErrorKind::Usage)) == "usage");
  CHECK(std::string(to_string(ErrorKind::Config)) == "config");
  CHECK(std::string(to_string(ErrorKind::Auth)) == "auth");
  CHECK(std::string(to_string(ErrorKind::NotFound)) == "not_found");
  CHECK(std::string(to_string(ErrorKind::Unavailable)) == "unavailable");
  CHECK(std::string(to_string(ErrorKind::Conflict)) == "conflict");
}
