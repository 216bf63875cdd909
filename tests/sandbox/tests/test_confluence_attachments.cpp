// Confluence attachments called directly: uploads keep every version's bytes, downloads serve
// them, duplicates are refused as the real API does, Cloud's PUT and .../data add versions,
// Cloud v2 reads them, snapshot/restore keeps the bytes and the page view shows images.
#include <catch2/catch.hpp>

#include <cctype>
#include <chrono>
#include <string>
#include <vector>

#include "confluence_support.hpp"

namespace {

using namespace sandbox::confluence_testing;

std::string context(Flavor f) { return f == Flavor::Cloud ? "/wiki" : "/confluence"; }
const char* flavor_name(Flavor f) { return f == Flavor::Cloud ? "cloud" : "datacenter"; }

// A string of every byte of a literal, NULs included (without the terminating one).
template <std::size_t N>
std::string bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

// Bytes that no text handling survives: NUL, high bytes, CR LF and a fake boundary.
const std::string k_png_v1 = bytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe") + "\r\n--sandbox-boundary\r\n";
const std::string k_png_v2 = bytes("\x89PNG\r\n\x1a\n\0\x01\x02version two");

const std::string k_duplicate = "Cannot add a new attachment with same file name as an existing attachment: chart.png";

std::string message_of(const json& error) { return error["message"].get<std::string>(); }

}  // namespace

TEST_CASE("confluence attachments keep every version's bytes and downloads serve them", "[sandbox][confluence][attachments]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO(flavor_name(f));
    auto s = make_service(f);
    const std::string url = api(f) + "/content/65601/child/attachment";
    json uploaded = call_json(*s, upload_request("POST", url, {{"chart.png", "image/png", k_png_v1, "error rate"}}), 200);
    REQUIRE(uploaded["results"].size() == 1);
    CHECK(uploaded["size"] == 1);
    const json& att = uploaded["results"][0];
    const std::string id = att["id"];
    CHECK((f == Flavor::Cloud ? id.starts_with("att") : std::isdigit(static_cast<unsigned char>(id[0])) != 0));
    CHECK(att["type"] == "attachment");
    CHECK(att["title"] == "chart.png");
    CHECK(att["extensions"]["fileSize"] == k_png_v1.size());
    CHECK(att["extensions"]["mediaType"] == "image/png");
    CHECK(att["extensions"]["comment"] == "error rate");
    CHECK(att["metadata"]["mediaType"] == "image/png");
    CHECK(att["metadata"]["comment"] == "error rate");
    CHECK(att["version"]["number"] == 1);
    CHECK(att["version"]["message"] == "error rate");
    CHECK(att["version"]["minorEdit"] == false);
    CHECK(att["container"]["id"] == "65601");
    const std::string download = att["_links"]["download"];
    CHECK(download.starts_with("/download/attachments/65601/chart.png?version=1&modificationDate="));
    CHECK(download.ends_with("&api=v2"));

    SbResponse bytes = call(*s, request("GET", context(f) + download));
    CHECK(bytes.status == 200);
    CHECK(bytes.content_type == "image/png");
    CHECK(bytes.body == k_png_v1);
    CHECK(bytes.headers["Content-Security-Policy"] == "sandbox");

    json second = call_json(*s, upload_request("POST", url + "/" + id + "/data", {{"chart.png", "image/png", k_png_v2, ""}}, "nocheck", "true"), 200);
    CHECK_FALSE(second.contains("results"));
    CHECK(second["id"] == id);
    CHECK(second["version"]["number"] == 2);
    CHECK(second["version"]["minorEdit"] == true);
    CHECK(second["extensions"]["fileSize"] == k_png_v2.size());
    CHECK_FALSE(second["extensions"].contains("comment"));

    const std::string path = context(f) + "/download/attachments/65601/chart.png";
    CHECK(call(*s, request("GET", path)).body == k_png_v2);
    CHECK(call(*s, request("GET", path + "?version=1&modificationDate=1&api=v2")).body == k_png_v1);
    CHECK(call(*s, request("GET", path + "?version=2")).body == k_png_v2);
    CHECK(call(*s, request("GET", path + "?version=3")).status == 404);
    CHECK(call(*s, request("GET", context(f) + "/download/attachments/65601/other.png")).status == 404);
    CHECK(call(*s, request("GET", context(f) + "/download/attachments/424242/chart.png")).status == 404);
    CHECK(call(*s, request("POST", path)).status == 405);

    json listed = call_json(*s, request("GET", url + "?filename=chart.png"), 200);
    REQUIRE(listed["results"].size() == 1);
    CHECK(listed["results"][0]["version"]["number"] == 2);
    CHECK(call_json(*s, request("GET", url + "?mediaType=text/plain"), 200)["size"] == 0);

    json self = call_json(*s, request("GET", api(f) + "/content/" + id), 200);
    CHECK(self["type"] == "attachment");
    CHECK(self["title"] == "chart.png");
  }
}

TEST_CASE("confluence attachment file names with spaces and non-ASCII download by name", "[sandbox][confluence][attachments]") {
  auto s = make_service(Flavor::DataCenter);
  const std::string name = "error rate \xC3\xA9t\xC3\xA9.csv";
  json up = call_json(*s, upload_request("POST", "/confluence/rest/api/content/65601/child/attachment",
                                         {{name, "text/csv; charset=utf-8", "a,b\n1,2\n", ""}}), 200);
  const std::string download = up["results"][0]["_links"]["download"];
  CHECK(download.starts_with("/download/attachments/65601/error%20rate%20%C3%A9t%C3%A9.csv?version=1"));
  CHECK(up["results"][0]["extensions"]["mediaType"] == "text/csv");
  SbResponse res = call(*s, request("GET", "/confluence/download/attachments/65601/" + name));
  CHECK(res.status == 200);
  CHECK(res.body == "a,b\n1,2\n");
  CHECK(res.content_type == "text/csv");
}

TEST_CASE("confluence POST refuses a file name already on the page unless allowDuplicated", "[sandbox][confluence][attachments]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO(flavor_name(f));
    auto s = make_service(f);
    const std::string url = api(f) + "/content/65601/child/attachment";
    call_json(*s, upload_request("POST", url, {{"chart.png", "image/png", k_png_v1, ""}}), 200);

    json dup = call_json(*s, upload_request("POST", url, {{"chart.png", "image/png", k_png_v2, ""}}), 400);
    CHECK(dup["statusCode"] == 400);
    CHECK(message_of(dup).ends_with(k_duplicate));
    if (f == Flavor::Cloud) CHECK(message_of(dup).starts_with("com.atlassian.confluence.api.service.exceptions.BadRequestException: "));
    else CHECK(message_of(dup) == k_duplicate);

    // Two files, the second a duplicate: nothing is stored.
    call_json(*s, upload_request("POST", url, {{"new.png", "image/png", "n", ""}, {"chart.png", "image/png", "c", ""}}), 400);
    CHECK(call_json(*s, request("GET", url), 200)["size"] == 1);

    SbRequest again = upload_request("POST", url, {{"chart.png", "image/png", k_png_v2, "second"}});
    again.query.emplace("allowDuplicated", "true");
    json v2 = call_json(*s, again, 200);
    CHECK(v2["results"][0]["version"]["number"] == 2);
    CHECK(v2["results"][0]["metadata"]["comment"] == "second");
    CHECK(call(*s, request("GET", context(f) + "/download/attachments/65601/chart.png")).body == k_png_v2);

    json two = call_json(*s, upload_request("POST", url, {{"a.txt", "text/plain", "A", "first"}, {"b.txt", "", "B", "second"}}), 200);
    REQUIRE(two["results"].size() == 2);
    CHECK(two["results"][0]["metadata"]["comment"] == "first");
    CHECK(two["results"][1]["metadata"]["comment"] == "second");
    CHECK(two["results"][1]["extensions"]["mediaType"] == "application/octet-stream");
  }
}

TEST_CASE("confluence Cloud PUT creates or updates by file name; Data Center has no PUT", "[sandbox][confluence][attachments]") {
  auto cloud = make_service(Flavor::Cloud);
  const std::string url = "/wiki/rest/api/content/65601/child/attachment";
  json created = call_json(*cloud, upload_request("PUT", url, {{"chart.png", "image/png", k_png_v1, ""}}), 200);
  CHECK(created["results"][0]["version"]["number"] == 1);
  json updated = call_json(*cloud, upload_request("PUT", url, {{"chart.png", "image/png", k_png_v2, "v2"}}), 200);
  CHECK(updated["results"][0]["version"]["number"] == 2);
  CHECK(updated["results"][0]["id"] == created["results"][0]["id"]);
  CHECK(call(*cloud, request("GET", "/wiki/download/attachments/65601/chart.png?version=1")).body == k_png_v1);

  auto dc = make_service(Flavor::DataCenter);
  CHECK(call(*dc, upload_request("PUT", "/confluence/rest/api/content/65601/child/attachment",
                                 {{"chart.png", "image/png", k_png_v1, ""}})).status == 405);
}

TEST_CASE("confluence uploads need X-Atlassian-Token and a real attachment for .../data", "[sandbox][confluence][attachments]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO(flavor_name(f));
    auto s = make_service(f);
    const std::string url = api(f) + "/content/65601/child/attachment";
    for (const char* token : {"", "check", "yes"}) {
      SbResponse refused = call(*s, upload_request("POST", url, {{"x.png", "image/png", "x", ""}}, token));
      CHECK(refused.status == 403);
      CHECK(refused.body == "XSRF check failed");
    }
    CHECK(call(*s, upload_request("POST", url, {{"x.png", "image/png", "x", ""}}, "no-check")).status == 200);
    CHECK(call(*s, upload_request("POST", url, {{"y.png", "image/png", "y", ""}}, "nocheck")).status == 200);
    CHECK(call_json(*s, request("GET", url), 200)["size"] == 2);

    json other_page = call_json(*s, request("POST", api(f) + "/content", v1_page("Other", "<p/>")), 200);
    json on_other = call_json(*s, upload_request("POST", api(f) + "/content/" + other_page["id"].get<std::string>() + "/child/attachment",
                                                 {{"z.png", "image/png", "z", ""}}), 200);
    const std::string other_id = on_other["results"][0]["id"];
    CHECK(call(*s, upload_request("POST", url + "/" + other_id + "/data", {{"z.png", "image/png", "zz", ""}})).status == 404);
    CHECK(call(*s, upload_request("POST", url + "/987654/data", {{"z.png", "image/png", "zz", ""}})).status == 404);
    CHECK(call(*s, upload_request("POST", url + "/not-an-id/data", {{"z.png", "image/png", "zz", ""}})).status == 400);
    CHECK(call(*s, upload_request("POST", url + "/" + other_id + "/data", {{"z.png", "image/png", "zz", ""}}, "")).status == 403);
    CHECK(call(*s, upload_request("POST", api(f) + "/content/424242/child/attachment", {{"q.png", "image/png", "q", ""}})).status == 404);
  }
}

TEST_CASE("confluence .../data may rename the file but not onto another attachment's name", "[sandbox][confluence][attachments]") {
  auto s = make_service(Flavor::DataCenter);
  const std::string url = "/confluence/rest/api/content/65601/child/attachment";
  json a = call_json(*s, upload_request("POST", url, {{"a.png", "image/png", "a", ""}}), 200);
  call_json(*s, upload_request("POST", url, {{"b.png", "image/png", "b", ""}}), 200);
  const std::string id = a["results"][0]["id"];
  json taken = call_json(*s, upload_request("POST", url + "/" + id + "/data", {{"b.png", "image/png", "x", ""}}), 400);
  CHECK(message_of(taken) == "Cannot add a new attachment with same file name as an existing attachment: b.png");
  json renamed = call_json(*s, upload_request("POST", url + "/" + id + "/data", {{"c.png", "image/png", "c", ""}}), 200);
  CHECK(renamed["title"] == "c.png");
  CHECK(renamed["version"]["number"] == 2);
  CHECK(call(*s, request("GET", "/confluence/download/attachments/65601/c.png")).body == "c");
}

TEST_CASE("confluence Cloud v2 lists and gets attachments with cursor paging", "[sandbox][confluence][attachments]") {
  auto s = make_service(Flavor::Cloud);
  const std::string url = "/wiki/rest/api/content/65601/child/attachment";
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    SbRequest up = upload_request("POST", url, {{"chart" + std::to_string(i) + ".png", "image/png", std::string(10 + i, 'x'), "c" + std::to_string(i)}});
    up.now = fixed_now() + std::chrono::minutes(i);
    ids.push_back(call_json(*s, up, 200)["results"][0]["id"]);
  }
  call_json(*s, upload_request("POST", url, {{"notes.txt", "text/plain", "n", ""}}), 200);

  SbResponse first = call(*s, request("GET", "/wiki/api/v2/pages/65601/attachments?mediaType=image/png&limit=2"));
  REQUIRE(first.status == 200);
  json page1 = json::parse(first.body);
  REQUIRE(page1["results"].size() == 2);
  const json& a = page1["results"][0];
  CHECK(a["id"] == ids[0]);
  CHECK(a["title"] == "chart0.png");
  CHECK(a["status"] == "current");
  CHECK(a["pageId"] == "65601");
  CHECK(a["mediaType"] == "image/png");
  CHECK(a["fileSize"] == 10);
  CHECK(a["comment"] == "c0");
  CHECK(a["createdAt"] == "2026-11-25T12:00:00.000Z");
  CHECK(a["version"]["number"] == 1);
  CHECK(a["version"]["message"] == "c0");
  CHECK(a["version"]["createdAt"] == "2026-11-25T12:00:00.000Z");
  CHECK(a["version"]["authorId"] == "5b10a2844c20165700ede21g");
  CHECK(a["downloadLink"].get<std::string>().starts_with("/download/attachments/65601/chart0.png?version=1"));
  CHECK(a["_links"]["download"] == a["downloadLink"]);
  CHECK(a["webuiLink"].get<std::string>().starts_with("/pages/viewpageattachments.action?pageId=65601"));
  REQUIRE(page1["_links"].contains("next"));
  const std::string next = page1["_links"]["next"];
  CHECK(next.starts_with("/wiki/api/v2/pages/65601/attachments?"));
  CHECK(first.headers["Link"].find("<" + next + ">; rel=\"next\"") != std::string::npos);

  auto cursor_at = next.find("cursor=");
  REQUIRE(cursor_at != std::string::npos);
  std::string cursor = next.substr(cursor_at + 7);
  cursor = cursor.substr(0, cursor.find('&'));
  std::string decoded;
  for (std::size_t i = 0; i < cursor.size(); ++i) {
    if (cursor[i] == '%' && i + 2 < cursor.size()) {
      decoded += static_cast<char>(std::stoi(cursor.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += cursor[i];
    }
  }
  SbRequest second = request("GET", "/wiki/api/v2/pages/65601/attachments?mediaType=image/png&limit=2");
  second.query.emplace("cursor", decoded);
  json page2 = call_json(*s, second, 200);
  REQUIRE(page2["results"].size() == 1);
  CHECK(page2["results"][0]["id"] == ids[2]);
  CHECK_FALSE(page2["_links"].contains("next"));

  CHECK(call_json(*s, request("GET", "/wiki/api/v2/pages/65601/attachments"), 200)["results"].size() == 4);
  CHECK(call_json(*s, request("GET", "/wiki/api/v2/pages/65601/attachments?filename=notes.txt"), 200)["results"].size() == 1);
  json newest = call_json(*s, request("GET", "/wiki/api/v2/pages/65601/attachments?mediaType=image/png&sort=-created-date"), 200);
  CHECK(newest["results"][0]["id"] == ids[2]);
  CHECK(call(*s, request("GET", "/wiki/api/v2/pages/65601/attachments?sort=title")).status == 400);
  CHECK(call_json(*s, request("GET", "/wiki/api/v2/pages/65601/attachments?status=trashed"), 200)["results"].empty());
  CHECK(call(*s, request("GET", "/wiki/api/v2/pages/424242/attachments")).status == 404);

  call_json(*s, upload_request("POST", url + "/" + ids[1] + "/data", {{"chart1.png", "image/png", "new bytes", "redrawn"}}), 200);
  json got = call_json(*s, request("GET", "/wiki/api/v2/attachments/" + ids[1]), 200);
  CHECK(got["version"]["number"] == 2);
  CHECK(got["fileSize"] == 9);
  CHECK(got["comment"] == "redrawn");
  CHECK(got["_links"]["base"] == "http://127.0.0.1:8080/wiki");
  json digits_only = call_json(*s, request("GET", "/wiki/api/v2/attachments/" + ids[1].substr(3) + "?version=1"), 200);
  CHECK(digits_only["id"] == ids[1]);
  CHECK(digits_only["version"]["number"] == 1);
  CHECK(digits_only["fileSize"] == 11);
  json versions = call_json(*s, request("GET", "/wiki/api/v2/attachments/" + ids[1] + "?include-versions=true&include-version=false"), 200);
  CHECK_FALSE(versions.contains("version"));
  CHECK(versions["versions"]["results"].size() == 2);
  CHECK(call(*s, request("GET", "/wiki/api/v2/attachments/" + ids[1] + "?version=7")).status == 404);
  CHECK(call(*s, request("GET", "/wiki/api/v2/attachments/att999999")).status == 404);
  json bad = call_json(*s, request("GET", "/wiki/api/v2/attachments/chart.png"), 400);
  CHECK(bad["errors"][0]["code"] == "BAD_REQUEST");

  auto dc = make_service(Flavor::DataCenter);
  CHECK(call(*dc, request("GET", "/confluence/api/v2/pages/65601/attachments")).status == 404);
}

TEST_CASE("confluence Cloud v1 attachment download redirects to the download path", "[sandbox][confluence][attachments]") {
  auto s = make_service(Flavor::Cloud);
  const std::string url = "/wiki/rest/api/content/65601/child/attachment";
  const std::string id = call_json(*s, upload_request("POST", url, {{"chart.png", "image/png", "x", ""}}), 200)["results"][0]["id"];
  SbResponse redirect = call(*s, request("GET", url + "/" + id + "/download"));
  CHECK(redirect.status == 302);
  CHECK(redirect.headers["Location"].starts_with("http://127.0.0.1:8080/wiki/download/attachments/65601/chart.png?version=1"));
  CHECK(call(*s, request("GET", url + "/" + id + "/download?version=2")).status == 400);
  CHECK(call(*s, request("GET", url + "/att1/download")).status == 404);
}

TEST_CASE("confluence attachment bytes survive snapshot and restore", "[sandbox][confluence][attachments]") {
  auto s = make_service(Flavor::Cloud);
  const std::string url = "/wiki/rest/api/content/65601/child/attachment";
  const std::string id = call_json(*s, upload_request("POST", url, {{"chart.png", "image/png", k_png_v1, "one"}}), 200)["results"][0]["id"];
  call_json(*s, upload_request("POST", url + "/" + id + "/data", {{"chart.png", "image/png", k_png_v2, "two"}}), 200);

  json state = s->snapshot();
  const std::string text = state.dump();  // the state file must be valid JSON text
  json reread = json::parse(text);
  const json& stored = reread["pages"][0]["attachments"][0];
  CHECK(stored["versions"].size() == 2);
  CHECK(stored["versions"][0].contains("data_base64"));

  auto copy = sandbox::make_confluence_service(Flavor::Cloud);
  copy->restore(reread);
  CHECK(copy->snapshot() == state);
  CHECK(call(*copy, request("GET", "/wiki/download/attachments/65601/chart.png?version=1")).body == k_png_v1);
  CHECK(call(*copy, request("GET", "/wiki/download/attachments/65601/chart.png")).body == k_png_v2);
  json restored = call_json(*copy, request("GET", "/wiki/api/v2/attachments/" + id), 200);
  CHECK(restored["comment"] == "two");
  json next = call_json(*copy, upload_request("POST", url, {{"later.png", "image/png", "l", ""}}), 200);
  CHECK(next["results"][0]["id"] != id);

  // A state file from before the bytes were kept still loads (its attachments have no data).
  json old = state;
  old["pages"][0]["attachments"] = json::array({{{"id", id}, {"title", "chart.png"}, {"media_type", "image/png"},
                                                 {"comment", "old"}, {"size", 5}, {"version", 3}, {"when_ms", 0}}});
  auto legacy = sandbox::make_confluence_service(Flavor::Cloud);
  legacy->restore(old);
  json legacy_att = call_json(*legacy, request("GET", "/wiki/api/v2/attachments/" + id), 200);
  CHECK(legacy_att["version"]["number"] == 3);
  CHECK(legacy_att["comment"] == "old");
}

TEST_CASE("confluence page view shows attached images and escapes what it prints", "[sandbox][confluence][attachments]") {
  for (Flavor f : {Flavor::Cloud, Flavor::DataCenter}) {
    INFO(flavor_name(f));
    auto s = make_service(f);
    const std::string storage =
        "<h2>Error rate</h2><p><ac:image ac:width=\"800\"><ri:attachment ri:filename=\"chart.png\"/></ac:image></p>"
        "<table><tbody><tr><th>Level</th><th>Count</th></tr><tr><td>P1</td><td>3</td></tr></tbody></table>"
        "<p>See <ac:link><ri:page ri:content-title=\"Fault Reviews\"/></ac:link>.</p>"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>";
    json page = call_json(*s, request("POST", api(f) + "/content", v1_page("Monthly <report> & \"numbers\"", storage)), 200);
    const std::string id = page["id"];
    call_json(*s, upload_request("POST", api(f) + "/content/" + id + "/child/attachment", {{"chart.png", "image/png", k_png_v1, ""}}), 200);

    const std::string view = f == Flavor::Cloud ? "/wiki/spaces/OPS/pages/" + id : "/confluence/pages/viewpage.action?pageId=" + id;
    SbResponse html = call(*s, request("GET", view));
    REQUIRE(html.status == 200);
    CHECK(html.content_type == "text/html; charset=utf-8");
    const std::string& b = html.body;
    CHECK(b.find("<img src=\"" + context(f) + "/download/attachments/" + id + "/chart.png?version=1&amp;modificationDate=") != std::string::npos);
    CHECK(b.find("width=\"800\"") != std::string::npos);
    CHECK(b.find("<h2>Error rate</h2>") != std::string::npos);
    CHECK(b.find("<tr><td>P1</td><td>3</td></tr>") != std::string::npos);
    const std::string fault_reviews = f == Flavor::Cloud ? "/wiki/spaces/OPS/pages/65601/Fault+Reviews" : "/confluence/pages/viewpage.action?pageId=65601";
    CHECK(b.find("<a href=\"" + fault_reviews + "\" rel=\"nofollow noopener\">Fault Reviews</a>") != std::string::npos);
    CHECK(b.find("<h1 id=\"title-text\">Monthly &lt;report&gt; &amp; &quot;numbers&quot;</h1>") != std::string::npos);
    CHECK(b.find("<script>") == std::string::npos);
    CHECK(b.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(b.find("<li><a href=\"" + context(f) + "/download/attachments/" + id + "/chart.png?version=1") != std::string::npos);
    CHECK(html.headers["Content-Security-Policy"].find("default-src 'none'") != std::string::npos);

    // The image the view points at is served.
    auto src = b.find("<img src=\"") + 10;
    std::string link = b.substr(src, b.find('"', src) - src);
    for (std::size_t at; (at = link.find("&amp;")) != std::string::npos;) link.replace(at, 5, "&");
    CHECK(call(*s, request("GET", link)).body == k_png_v1);
  }
}
