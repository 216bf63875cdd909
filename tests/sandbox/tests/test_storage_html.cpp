// Storage format rendered as browser HTML for the page views: the usual report markup passes,
// Confluence images and links resolve, and nothing a page holds can inject markup or script.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "storage_html.hpp"

namespace {

using sandbox::render_storage_html;
using sandbox::StorageLinks;

StorageLinks links() {
  StorageLinks l;
  l.attachment = [](std::string_view name) -> std::optional<std::string> {
    if (name == "chart.png" || name == "a&b.png") return "/wiki/download/attachments/65601/" + std::string(name) + "?version=1";
    return std::nullopt;
  };
  l.page = [](std::string_view space, std::string_view title) -> std::optional<std::string> {
    if (title == "Fault Reviews" && (space.empty() || space == "OPS")) return std::string("/wiki/spaces/OPS/pages/65601/Fault+Reviews");
    return std::nullopt;
  };
  return l;
}

std::string render(const std::string& storage) { return render_storage_html(storage, links()); }

bool has(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("storage html: report markup passes through", "[sandbox][storage_html]") {
  const std::string storage =
      "<h1>Summary</h1><p>Checkout <strong>failed</strong> for <em>12</em> minutes.</p>"
      "<h2>Timeline</h2><table><tbody><tr><th>Time</th><th colspan=\"2\">Event</th></tr>"
      "<tr><td>10:00</td><td>alert</td></tr></tbody></table>"
      "<ul><li>one</li><li>two</li></ul><ol start=\"3\"><li>three</li></ol>"
      "<p><a href=\"https://example.com/runbook?a=1&amp;b=2\">runbook</a><br/>next</p>";
  const std::string html = render(storage);
  CHECK(has(html, "<h1>Summary</h1>"));
  CHECK(has(html, "<p>Checkout <strong>failed</strong> for <em>12</em> minutes.</p>"));
  CHECK(has(html, "<th colspan=\"2\">Event</th>"));
  CHECK(has(html, "<tr><td>10:00</td><td>alert</td></tr>"));
  CHECK(has(html, "<ul><li>one</li><li>two</li></ul>"));
  CHECK(has(html, "<ol start=\"3\"><li>three</li></ol>"));
  CHECK(has(html, "<a href=\"https://example.com/runbook?a=1&amp;b=2\" rel=\"nofollow noopener\">runbook</a>"));
  CHECK(has(html, "<br/>next"));
}

TEST_CASE("storage html: ac:image of an attachment becomes an img of its download link", "[sandbox][storage_html]") {
  std::string html = render("<p><ac:image ac:width=\"600\"><ri:attachment ri:filename=\"chart.png\"/></ac:image></p>");
  CHECK(html == "<p><img src=\"/wiki/download/attachments/65601/chart.png?version=1\" alt=\"chart.png\" width=\"600\"/></p>");
  html = render("<ac:image ac:alt=\"x&quot;y\"><ri:attachment ri:filename=\"a&amp;b.png\"></ri:attachment></ac:image>");
  CHECK(html == "<img src=\"/wiki/download/attachments/65601/a&amp;b.png?version=1\" alt=\"x&quot;y\"/>");
  CHECK(render("<ac:image><ri:attachment ri:filename=\"gone.png\"/></ac:image>") ==
        "<span class=\"missing-image\">[gone.png]</span>");
  CHECK(render("<ac:image><ri:url ri:value=\"https://example.com/i.png\"/></ac:image>") ==
        "<img src=\"https://example.com/i.png\" alt=\"\"/>");
  CHECK(render("<ac:image><ri:url ri:value=\"javascript:alert(1)\"/></ac:image>") ==
        "<span class=\"missing-image\">[image]</span>");
  CHECK(render("<ac:image ac:width=\"100%\"><ri:attachment ri:filename=\"chart.png\"/></ac:image>").find("width") ==
        std::string::npos);
}

TEST_CASE("storage html: ac:link to a page or an attachment becomes an a", "[sandbox][storage_html]") {
  CHECK(render("<ac:link><ri:page ri:content-title=\"Fault Reviews\"/><ac:plain-text-link-body><![CDATA[all <reviews>]]>"
               "</ac:plain-text-link-body></ac:link>") ==
        "<a href=\"/wiki/spaces/OPS/pages/65601/Fault+Reviews\" rel=\"nofollow noopener\">all &lt;reviews&gt;</a>");
  CHECK(render("<ac:link><ri:page ri:space-key=\"OPS\" ri:content-title=\"Fault Reviews\"/></ac:link>") ==
        "<a href=\"/wiki/spaces/OPS/pages/65601/Fault+Reviews\" rel=\"nofollow noopener\">Fault Reviews</a>");
  CHECK(render("<ac:link><ri:attachment ri:filename=\"chart.png\"/><ac:link-body>the chart</ac:link-body></ac:link>") ==
        "<a href=\"/wiki/download/attachments/65601/chart.png?version=1\" rel=\"nofollow noopener\">the chart</a>");
  CHECK(render("<ac:link><ri:page ri:content-title=\"Nowhere\"/></ac:link>") ==
        "<span class=\"unresolved-link\">Nowhere</span>");
}

TEST_CASE("storage html: macros show their bodies, not their parameters", "[sandbox][storage_html]") {
  std::string html = render(
      "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">bash</ac:parameter>"
      "<ac:plain-text-body><![CDATA[echo \"<b>\" && exit]]></ac:plain-text-body></ac:structured-macro>");
  CHECK(html == "<div><pre>echo &quot;&lt;b&gt;&quot; &amp;&amp; exit</pre></div>");
  html = render("<ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>note</p></ac:rich-text-body></ac:structured-macro>");
  CHECK(html == "<div><div><p>note</p></div></div>");
  html = render("<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status>"
                "<ac:task-body>fix it</ac:task-body></ac:task></ac:task-list>");
  CHECK(html == "<ul><li><span>fix it</span></li></ul>");
  CHECK(render("<p>due <time datetime=\"2026-12-01\"/></p>") == "<p>due 2026-12-01</p>");
}

TEST_CASE("storage html: nothing a page holds can inject markup or script", "[sandbox][storage_html]") {
  CHECK(render("<script>alert(1)</script><p>ok</p>") == "<p>ok</p>");
  CHECK(render("<p onclick=\"alert(1)\" style=\"x\" class=\"y\">t</p>") == "<p>t</p>");
  CHECK(render("<a href=\"javascript:alert(1)\">x</a>") == "<a rel=\"nofollow noopener\">x</a>");
  CHECK(render("<a href=\" JaVaScRiPt:alert(1)\">x</a>") == "<a rel=\"nofollow noopener\">x</a>");
  CHECK(render("<a href=\"java&#x09;script:alert(1)\">x</a>") == "<a rel=\"nofollow noopener\">x</a>");
  CHECK(render("<img src=\"data:text/html,x\"/>") == "<img/>");
  CHECK(render("<a href=\"/relative?q=1\">r</a>") == "<a href=\"/relative?q=1\" rel=\"nofollow noopener\">r</a>");
  CHECK(render("<iframe src=\"https://evil\"><p>inside</p></iframe>after") == "after");
  CHECK(render("<unknown-tag>kept text</unknown-tag>") == "kept text");
  CHECK(render("a < b & c > d &amp; &nbsp; &bogus;") == "a &lt; b &amp; c &gt; d &amp; &nbsp; &amp;bogus;");
  CHECK(render("&#60;script&#62;") == "&lt;script&gt;");
  CHECK(render("<![CDATA[<script>x</script>]]>") == "&lt;script&gt;x&lt;/script&gt;");
  // Malformed input never leaves an element open or closes one it did not open.
  CHECK(render("<p><strong>bold</p>") == "<p><strong>bold</strong></p>");
  CHECK(render("</div></p>text") == "text");
  CHECK(render("<table><tr><td>open") == "<table><tr><td>open</td></tr></table>");
  CHECK(render("<p title=\"unterminated>x") == "&lt;p title=\"unterminated&gt;x");
  CHECK(render("<ac:image><ri:attachment ri:filename=\"chart.png\"/>") ==
        "<img src=\"/wiki/download/attachments/65601/chart.png?version=1\" alt=\"chart.png\"/>");
}
