#include <catch2/catch.hpp>

#include "confluence_test_support.hpp"

using namespace faultline;
using namespace faultline::test;
using namespace std::string_literals;
using http::Method;

namespace {

// Bytes a text-only multipart writer would mangle: NULs, 0xFF, CR LF and things that look like
// a delimiter line.
std::string binary_payload() {
  return "PK\x03\x04\0\0\xff\xfe\r\n--faultline-form-\r\n--\0end"s;
}

// One part of a multipart/form-data body, read back independently of the code under test.
struct FormPart {
  std::string name;
  std::optional<std::string> file_name;
  std::optional<std::string> content_type;
  std::string data;
};

// The value of `param="..."` in a Content-Disposition header.
std::optional<std::string> disposition_param(const std::string& header, const std::string& param) {
  const std::string key = "; " + param + "=\"";
  const auto start = header.find(key);
  if (start == std::string::npos) return std::nullopt;
  const auto end = header.find('"', start + key.size());
  return header.substr(start + key.size(), end - start - key.size());
}

std::string boundary_of(const http::Request& request) {
  const std::string prefix = "multipart/form-data; boundary=";
  const auto content_type = header_of(request, "Content-Type");
  REQUIRE(content_type);
  REQUIRE_THAT(*content_type, Catch::StartsWith(prefix));
  return content_type->substr(prefix.size());
}

// The parts of the request's body, split on the boundary its Content-Type names (RFC 2046).
std::vector<FormPart> form_parts(const http::Request& request) {
  const std::string delimiter = "--" + boundary_of(request);
  const std::string& body = request.body;
  REQUIRE(body.compare(0, delimiter.size() + 2, delimiter + "\r\n") == 0);
  std::vector<FormPart> parts;
  std::size_t pos = delimiter.size();
  while (body.compare(pos, 2, "--") != 0) {
    REQUIRE(body.compare(pos, 2, "\r\n") == 0);
    const auto headers_end = body.find("\r\n\r\n", pos);
    REQUIRE(headers_end != std::string::npos);
    FormPart part;
    std::size_t line = pos + 2;
    while (line < headers_end + 2) {
      const auto eol = body.find("\r\n", line);
      const auto header = body.substr(line, eol - line);
      if (header.starts_with("Content-Disposition: form-data")) {
        part.name = disposition_param(header, "name").value_or("");
        part.file_name = disposition_param(header, "filename");
      } else if (header.starts_with("Content-Type: ")) {
        part.content_type = header.substr(14);
      } else {
        FAIL("unexpected part header: " << header);
      }
      line = eol + 2;
    }
    const auto data_start = headers_end + 4;
    const auto next = body.find("\r\n" + delimiter, data_start);
    REQUIRE(next != std::string::npos);
    part.data = body.substr(data_start, next - data_start);
    parts.push_back(std::move(part));
    pos = next + 2 + delimiter.size();
  }
  CHECK(body.substr(pos) == "--\r\n");
  return parts;
}

const FormPart* find_part(const std::vector<FormPart>& parts, const std::string& name) {
  for (const auto& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("attachments on Cloud list v2 page attachments and follow the cursor on our own base",
          "[confluence][attachments]") {
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/api/v2/pages/123999/attachments").query("limit", "250").no_query("cursor")
      .reply(200, fixture("confluence/cloud/attachments_page1.json"));
  fake.on(Method::Get, "/wiki/api/v2/pages/123999/attachments").query("cursor", "eyJpZCI6ImF0dDEyMzQ1NyJ9")
      .reply(200, fixture("confluence/cloud/attachments_page2.json"));
  auto client = confluence_cloud(fake);
  auto list = client.attachments("123999");
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  fake.verify();

  const auto& png = (*list)[0];
  CHECK(png.id == "att123457");
  CHECK(png.title == "checkout-latency.png");
  CHECK(png.media_type == "image/png");
  CHECK(png.comment == "p99 latency during the incident");
  CHECK(png.size == 48213);
  CHECK(png.version == 2);
  CHECK(png.download_url == "https://example.atlassian.net/wiki/download/attachments/123999/checkout-latency.png"
                            "?version=2&modificationDate=1764036600000&cacheVersion=1&api=v2");
  const auto& csv = (*list)[1];
  CHECK(csv.comment.empty());
  CHECK(csv.size == 5120000000LL);  // past 32 bits
  CHECK(csv.version == 1);

  // v2's next link is relative to the site ("/wiki/api/v2/..."): no doubled /wiki.
  CHECK_THAT(fake.calls().at(1).url, Catch::StartsWith("https://example.atlassian.net/wiki/api/v2/pages/123999/attachments?"));
}

TEST_CASE("attachments on Data Center list v1 child attachments with the version expanded, start paging",
          "[confluence][attachments]") {
  FakeTransport fake;
  fake.on(Method::Get, "/confluence/rest/api/content/65601/child/attachment")
      .query("expand", "version,metadata").no_query("start")
      .reply(200, fixture("confluence/datacenter/attachments_page1.json"));
  fake.on(Method::Get, "/confluence/rest/api/content/65601/child/attachment")
      .query("start", "1").query("expand", "version,metadata")
      .reply(200, fixture("confluence/datacenter/attachments_page2.json"));
  auto client = confluence_datacenter(fake);
  auto list = client.attachments("65601");
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  fake.verify();

  const auto& png = (*list)[0];
  CHECK(png.id == "att65710");
  CHECK(png.title == "error-rate.png");
  CHECK(png.media_type == "image/png");
  CHECK(png.comment == "5xx rate, 02:00-03:00");  // metadata.comment
  CHECK(png.size == 30411);                      // extensions.fileSize
  CHECK(png.version == 1);
  CHECK(png.download_url ==
        "https://wiki.example.com/confluence/download/attachments/65601/error-rate.png?version=1&modificationDate=1764036900000&api=v2");
  const auto& dump = (*list)[1];
  CHECK(dump.comment == "Heap dump of checkout-7");  // only in extensions.comment
  CHECK(dump.media_type == "application/gzip");
  CHECK(dump.size == 7340032);
  CHECK(dump.version == 4);
}

TEST_CASE("attachments of a missing page are NotFound on both flavors", "[confluence][attachments][errors]") {
  FakeTransport fake;
  fake.on(Method::Get, "/wiki/api/v2/pages/999/attachments").reply(404, fixture("confluence/cloud/error_404_v2.json"));
  fake.on(Method::Get, "/confluence/rest/api/content/99999/child/attachment")
      .reply(404, fixture("confluence/datacenter/error_404.json"));
  auto cloud = confluence_cloud(fake);
  auto missing = cloud.attachments("999");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::NotFound);
  auto datacenter = confluence_datacenter(fake);
  auto missing_dc = datacenter.attachments("99999");
  REQUIRE_FALSE(missing_dc);
  CHECK(missing_dc.error().kind == ErrorKind::NotFound);
  CHECK_THAT(missing_dc.error().message, Catch::Contains("No content found with id"));
  fake.verify();
}

TEST_CASE("put_attachment on Cloud posts a new file as multipart to v1 with the XSRF header",
          "[confluence][attachments]") {
  FakeTransport fake;
  fake.on(Method::Post, "/wiki/rest/api/content/123999/child/attachment")
      .reply(200, fixture("confluence/cloud/attachment_created.json"));
  auto client = confluence_cloud(fake);
  const auto binary = binary_payload();
  auto added = client.put_attachment("123999", "timeline.bin", "application/octet-stream", binary, "Timeline export");
  REQUIRE(added);
  fake.verify();

  const auto& request = fake.calls().at(0);
  CHECK(header_of(request, "X-Atlassian-Token") == std::string("no-check"));
  CHECK(header_of(request, "Authorization") == http::basic_authorization("oncall@example.com", k_confluence_token));
  CHECK(header_of(request, "Accept") == std::string("application/json"));
  CHECK(request.retry == http::RetrySafety::Unsafe);
  CHECK_FALSE(request.is_retry_safe());
  CHECK(request.url == "https://example.atlassian.net/wiki/rest/api/content/123999/child/attachment");

  const auto boundary = boundary_of(request);
  CHECK(binary.find(boundary) == std::string::npos);
  const auto parts = form_parts(request);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].name == "file");
  CHECK(parts[0].file_name == std::string("timeline.bin"));
  CHECK(parts[0].content_type == std::string("application/octet-stream"));
  CHECK(parts[0].data == binary);  // every byte, the NULs included
  CHECK(parts[0].data.size() == binary.size());
  const auto* comment = find_part(parts, "comment");
  REQUIRE(comment != nullptr);
  CHECK(comment->data == "Timeline export");
  CHECK(comment->content_type == std::string("text/plain; charset=utf-8"));
  CHECK_FALSE(comment->file_name);
  const auto* minor = find_part(parts, "minorEdit");
  REQUIRE(minor != nullptr);
  CHECK(minor->data == "true");

  CHECK(added->id == "att124100");
  CHECK(added->title == "timeline.bin");
  CHECK(added->media_type == "application/octet-stream");
  CHECK(added->comment == "Timeline export");
  CHECK(added->size == 14);
  CHECK(added->version == 1);
  CHECK(added->download_url == "https://example.atlassian.net/wiki/download/attachments/123999/timeline.bin"
                               "?version=1&modificationDate=1764043200000&cacheVersion=1&api=v2");
}

TEST_CASE("put_attachment on Cloud posts a new version to .../{numeric id}/data", "[confluence][attachments]") {
  FakeTransport fake;
  fake.on(Method::Post, "/wiki/rest/api/content/123999/child/attachment/123457/data")
      .reply(200, fixture("confluence/cloud/attachment_new_version.json"));
  auto client = confluence_cloud(fake);
  confluence::Attachment existing;
  existing.id = "att123457";  // as v2 lists it
  existing.title = "checkout-latency.png";
  existing.version = 2;
  const std::string png = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s;
  auto updated = client.put_attachment("123999", "checkout-latency.png", "image/png", png, "After the fix", &existing);
  REQUIRE(updated);
  fake.verify();

  const auto& request = fake.calls().at(0);
  CHECK(header_of(request, "X-Atlassian-Token") == std::string("no-check"));
  CHECK(request.retry == http::RetrySafety::Unsafe);
  const auto parts = form_parts(request);
  const auto* file = find_part(parts, "file");
  REQUIRE(file != nullptr);
  CHECK(file->file_name == std::string("checkout-latency.png"));
  CHECK(file->content_type == std::string("image/png"));
  CHECK(file->data == png);

  CHECK(updated->id == "att123457");
  CHECK(updated->version == 3);
  CHECK(updated->comment == "After the fix");
  CHECK(updated->size == 51200);
  CHECK(updated->download_url == "https://example.atlassian.net/wiki/download/attachments/123999/checkout-latency.png"
                                 "?version=3&modificationDate=1764045000000&cacheVersion=1&api=v2");
}

TEST_CASE("put_attachment on Data Center uses the same v1 endpoints under the context path",
          "[confluence][attachments]") {
  FakeTransport fake;
  fake.on(Method::Post, "/confluence/rest/api/content/65601/child/attachment")
      .when([](const http::Request& r) {
        return header_of(r, "Authorization") == std::string("Bearer ") + k_confluence_token &&
               header_of(r, "X-Atlassian-Token") == std::string("no-check");
      })
      .reply(200, fixture("confluence/datacenter/attachment_created.json"));
  fake.on(Method::Post, "/confluence/rest/api/content/65601/child/attachment/65710/data")
      .when([](const http::Request& r) { return header_of(r, "X-Atlassian-Token") == std::string("no-check"); })
      .reply(200, fixture("confluence/datacenter/attachment_new_version.json"));
  auto client = confluence_datacenter(fake);

  const auto binary = binary_payload();
  auto added = client.put_attachment("65601", "timeline.bin", "application/octet-stream", binary, "Timeline export");
  REQUIRE(added);
  CHECK(added->id == "att65720");
  CHECK(added->version == 1);
  CHECK(added->size == 14);
  CHECK(added->download_url ==
        "https://wiki.example.com/confluence/download/attachments/65601/timeline.bin?version=1&modificationDate=1764043200000&api=v2");
  CHECK(find_part(form_parts(fake.calls().at(0)), "file")->data == binary);

  confluence::Attachment existing;
  existing.id = "att65710";
  existing.title = "error-rate.png";
  existing.version = 1;
  auto updated = client.put_attachment("65601", "error-rate.png", "image/png", "png bytes", "Including the recovery", &existing);
  REQUIRE(updated);
  CHECK(updated->id == "att65710");
  CHECK(updated->version == 2);
  CHECK(updated->comment == "Including the recovery");
  CHECK(updated->media_type == "image/png");
  CHECK(updated->size == 31007);
  CHECK(updated->download_url ==
        "https://wiki.example.com/confluence/download/attachments/65601/error-rate.png?version=2&modificationDate=1764045000000&api=v2");
  fake.verify();
}

TEST_CASE("put_attachment without a comment sends no comment part; names are escaped, the type defaulted",
          "[confluence][attachments]") {
  FakeTransport fake;
  fake.on(Method::Post, "/confluence/rest/api/content/65601/child/attachment")
      .reply(200, fixture("confluence/datacenter/attachment_created.json"));
  auto client = confluence_datacenter(fake);
  auto added = client.put_attachment("65601", "a \"b\"\r\nX-Evil: 1.txt", "", "x", "");
  REQUIRE(added);
  const auto parts = form_parts(fake.calls().at(0));
  CHECK(find_part(parts, "comment") == nullptr);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].file_name == std::string("a %22b%22%0D%0AX-Evil: 1.txt"));
  CHECK(parts[0].content_type == std::string("application/octet-stream"));
  CHECK(parts[1].name == "minorEdit");
  fake.verify();
}

TEST_CASE("put_attachment: a file name already on the page is refused with Confluence's words",
          "[confluence][attachments][errors]") {
  FakeTransport fake;
  fake.on(Method::Post, "/wiki/rest/api/content/123999/child/attachment")
      .reply(400, fixture("confluence/cloud/error_duplicate_attachment_400.json"));
  fake.on(Method::Post, "/confluence/rest/api/content/65601/child/attachment")
      .reply(400, fixture("confluence/datacenter/error_duplicate_attachment_400.json"));

  auto cloud = confluence_cloud(fake);
  auto refused = cloud.put_attachment("123999", "timeline.bin", "application/octet-stream", "x", "");
  REQUIRE_FALSE(refused);
  const auto& error = refused.error();
  CHECK(error.kind == ErrorKind::Failed);
  CHECK(error.http_status == 400);
  CHECK_THAT(error.message, Catch::Contains("Cannot add a new attachment with same file name as an existing attachment: timeline.bin"));
  CHECK_THAT(error.message, Catch::Contains("POST /rest/api/content/123999/child/attachment"));
  CHECK_THAT(error.hint, Catch::Contains("new version"));
  CHECK_THAT(error.message + error.hint, !Catch::Contains(k_confluence_token));

  auto datacenter = confluence_datacenter(fake);
  auto refused_dc = datacenter.put_attachment("65601", "error-rate.png", "image/png", "x", "");
  REQUIRE_FALSE(refused_dc);
  CHECK(refused_dc.error().kind == ErrorKind::Failed);
  CHECK_THAT(refused_dc.error().message, Catch::Contains("same file name as an existing attachment: error-rate.png"));
  CHECK_THAT(refused_dc.error().hint, Catch::Contains("error-rate.png"));
  fake.verify();
}

TEST_CASE("put_attachment: a missing page or attachment is NotFound", "[confluence][attachments][errors]") {
  FakeTransport fake;
  fake.on(Method::Post, "/confluence/rest/api/content/65601/child/attachment/424242/data")
      .reply(404, R"({"statusCode":404,"message":"No attachment found with id: 424242","reason":"Not Found"})");
  auto client = confluence_datacenter(fake);
  confluence::Attachment gone;
  gone.id = "att424242";
  auto result = client.put_attachment("65601", "gone.txt", "text/plain", "x", "", &gone);
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == ErrorKind::NotFound);
  CHECK_THAT(result.error().message, Catch::Contains("No attachment found with id: 424242"));
  CHECK_FALSE(result.error().hint.empty());
  fake.verify();
}

TEST_CASE("put_attachment: a lost connection is Unavailable and the upload is not resent",
          "[confluence][attachments][errors]") {
  FakeTransport fake;
  fake.on(Method::Post, "/wiki/rest/api/content/123999/child/attachment")
      .fail_transport(http::TransportErrorKind::Receive, "connection reset");
  auto client = confluence_cloud(fake);
  auto result = client.put_attachment("123999", "a.txt", "text/plain", "x", "");
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == ErrorKind::Unavailable);
  CHECK(fake.calls().size() == 1);
  CHECK(fake.calls().at(0).retry == http::RetrySafety::Unsafe);
}

TEST_CASE("put_attachment refuses an empty file name without asking Confluence", "[confluence][attachments][errors]") {
  FakeTransport fake;
  auto client = confluence_cloud(fake);
  auto result = client.put_attachment("123999", "", "text/plain", "x", "");
  REQUIRE_FALSE(result);
  CHECK(fake.calls().empty());
}
