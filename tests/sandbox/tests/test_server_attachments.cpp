// Confluence attachments through the real server: multipart uploads over HTTP, downloads a
// browser can open without credentials (as the page view's images need), the request log and
// the --state file with binary bytes in them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "test_server_support.hpp"

using sandbox::Flavor;
using sandbox::testing::TestSandbox;

namespace {

// Every byte of the literal, its NULs included (not the terminating one).
const char k_png_bytes[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xd8--x\r\n";
const std::string k_png(k_png_bytes, sizeof(k_png_bytes) - 1);

std::string context(Flavor f) { return f == Flavor::Cloud ? "/wiki" : "/confluence"; }

// Uploads `data` as `name` to page 65601 with the default credentials.
httplib::Result upload(TestSandbox& sb, Flavor f, const std::string& name, const std::string& data, bool xsrf = true) {
  httplib::MultipartFormDataItems items = {{"file", data, name, "image/png"},
                                           {"comment", "monthly chart", "", "text/plain; charset=utf-8"},
                                           {"minorEdit", "true", "", ""}};
  httplib::Headers headers;
  if (xsrf) headers.emplace("X-Atlassian-Token", "no-check");
  return sb.client()->Post((context(f) + "/rest/api/content/65601/child/attachment").c_str(), headers, items);
}

}  // namespace

TEST_CASE("Attachment uploads work over HTTP and downloads open without credentials", "[server][attachments]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO((f == Flavor::Cloud ? "cloud" : "datacenter"));
    TestSandbox sb(f);
    auto refused = upload(sb, f, "chart.png", k_png, false);
    REQUIRE(refused);
    CHECK(refused->status == 403);

    auto res = upload(sb, f, "chart.png", k_png);
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    auto body = nlohmann::json::parse(res->body);
    const auto& att = body["results"][0];
    CHECK(att["extensions"]["fileSize"] == k_png.size());
    CHECK(att["metadata"]["comment"] == "monthly chart");
    CHECK(att["version"]["minorEdit"] == true);

    auto download = sb.anonymous()->Get((context(f) + att["_links"]["download"].get<std::string>()).c_str());
    REQUIRE(download);
    CHECK(download->status == 200);
    CHECK(download->body == k_png);
    CHECK(download->get_header_value("Content-Type") == "image/png");

    auto anonymous_upload = sb.anonymous()->Post((context(f) + "/rest/api/content/65601/child/attachment").c_str(),
                                                 httplib::Headers{{"X-Atlassian-Token", "no-check"}},
                                                 httplib::MultipartFormDataItems{{"file", "x", "x.png", "image/png"}});
    REQUIRE(anonymous_upload);
    CHECK(anonymous_upload->status == 401);

    // The page view a person opens shows the image from a URL that needs no credentials.
    nlohmann::json page{{"type", "page"}, {"title", "Monthly report"}, {"space", {{"key", "OPS"}}},
                        {"ancestors", {{{"id", "65601"}}}},
                        {"body", {{"storage", {{"value", "<p><ac:image><ri:attachment ri:filename=\"chart.png\"/></ac:image></p>"},
                                               {"representation", "storage"}}}}}};
    auto [cs, created] = sb.call("POST", context(f) + "/rest/api/content", page);
    REQUIRE(cs == 200);
    const std::string id = created["id"];
    REQUIRE(sb.client()
                ->Post((context(f) + "/rest/api/content/" + id + "/child/attachment").c_str(),
                       httplib::Headers{{"X-Atlassian-Token", "nocheck"}},
                       httplib::MultipartFormDataItems{{"file", k_png, "chart.png", "image/png"}})
                ->status == 200);
    const std::string view = f == Flavor::Cloud ? "/wiki/spaces/OPS/pages/" + id : "/confluence/pages/viewpage.action?pageId=" + id;
    auto html = sb.anonymous()->Get(view.c_str());
    REQUIRE(html);
    auto src = html->body.find("<img src=\"");
    REQUIRE(src != std::string::npos);
    src += 10;
    std::string link = html->body.substr(src, html->body.find('"', src) - src);
    for (std::size_t at; (at = link.find("&amp;")) != std::string::npos;) link.replace(at, 5, "&");
    CHECK(link.starts_with(context(f) + "/download/attachments/" + id + "/chart.png"));
    auto image = sb.anonymous()->Get(link.c_str());
    REQUIRE(image);
    CHECK(image->body == k_png);

    // Binary bodies in the request log and the state do not break their JSON.
    auto [ls, log] = sb.call("GET", "/_sandbox/requests");
    CHECK(ls == 200);
    CHECK(log["requests"].size() >= 3);
    auto [ss, state] = sb.call("GET", "/_sandbox/state");
    CHECK(ss == 200);
    CHECK(state.dump().find("data_base64") != std::string::npos);
  }
}

TEST_CASE("Attachment bytes survive a stop and a start with the same --state file", "[server][attachments][state]") {
  const auto dir = std::filesystem::temp_directory_path() / ("sandbox-attachments-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "state.json";
  std::filesystem::remove(file);
  sandbox::ServerOptions options;
  options.state_file = file;
  {
    TestSandbox sb(Flavor::DataCenter, options);
    auto res = upload(sb, Flavor::DataCenter, "chart.png", k_png);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    sb.server().stop();
  }
  TestSandbox again(Flavor::DataCenter, options);
  auto download = again.anonymous()->Get("/confluence/download/attachments/65601/chart.png");
  REQUIRE(download);
  CHECK(download->status == 200);
  CHECK(download->body == k_png);
  again.server().stop();
  std::filesystem::remove_all(dir);
}
