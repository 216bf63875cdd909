// The HTML view of a page (Cloud /wiki/spaces/{key}/pages/{id}[/title], Data Center
// /confluence/pages/viewpage.action?pageId={id}): the storage body rendered for a browser (see
// storage_html.hpp), with images served from the page's attachments, and the attachment list.
#include <string>

#include "confluence_service.hpp"
#include "storage_html.hpp"
#include "xhtml.hpp"

namespace sandbox::conf {

namespace {

constexpr std::string_view k_view_style =
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.5}"
    "table{border-collapse:collapse}th,td{border:1px solid #c1c7d0;padding:4px 8px;vertical-align:top}"
    "th{background:#f4f5f7}img{max-width:100%}pre{background:#f4f5f7;padding:8px;overflow:auto}"
    ".page-metadata,.breadcrumbs{color:#6b778c}";

SbResponse html_page(int status, const std::string& title, const std::string& body) {
  SbResponse res;
  res.status = status;
  res.content_type = "text/html; charset=utf-8";
  res.body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>" + title + "</title><style>" +
             std::string(k_view_style) + "</style></head>\n<body>\n" + body + "</body></html>\n";
  // What is shown came from API callers: no script runs, whatever got through.
  res.headers["Content-Security-Policy"] = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'";
  res.headers["X-Content-Type-Options"] = "nosniff";
  return res;
}

}  // namespace

SbResponse ConfluenceService::html_view(const std::string& id) const {
  const ConfPage* p = m_store.page(id);
  if (p == nullptr || p->status == "trashed") {
    return html_page(404, "Page Not Found", "<h1>Page Not Found</h1><p>No page with id " + xhtml_escape(id) + ".</p>\n");
  }
  const ConfSpace* space = m_store.space_by_key(p->space_key);
  const std::string space_name = space != nullptr ? space->name : p->space_key;
  const ConfVersion& v = p->current();

  StorageLinks links;
  links.attachment = [&](std::string_view file_name) -> std::optional<std::string> {
    for (const auto& a : p->attachments) {
      if (a.title == file_name) return context() + download_link(*p, a, a.current());
    }
    return std::nullopt;
  };
  links.page = [&](std::string_view space_key, std::string_view title) -> std::optional<std::string> {
    const std::string wanted_space = space_key.empty() ? p->space_key : std::string(space_key);
    for (const ConfPage* other : m_store.pages()) {
      if (other->space_key == wanted_space && other->status == "current" && other->current().title == title) {
        return context() + webui(*other);
      }
    }
    return std::nullopt;
  };

  std::string body = "<p class=\"breadcrumbs\">" + xhtml_escape(space_name) + "</p>\n<h1 id=\"title-text\">" +
                     xhtml_escape(v.title) + "</h1>\n<p class=\"page-metadata\">Version " + std::to_string(v.number) +
                     ", " + iso(v.when_ms) + "</p>\n<div id=\"main-content\" class=\"wiki-content\">\n" +
                     render_storage_html(v.body, links) + "\n</div>\n";
  if (!p->attachments.empty()) {
    body += "<h2>Attachments</h2>\n<ul class=\"attachments\">\n";
    for (const auto& a : p->attachments) {
      body += "<li><a href=\"" + xhtml_escape(context() + download_link(*p, a, a.current())) + "\">" +
              xhtml_escape(a.title) + "</a> (" + std::to_string(a.current().data.size()) + " bytes, version " +
              std::to_string(a.current().number) + ")</li>\n";
    }
    body += "</ul>\n";
  }
  return html_page(200, xhtml_escape(v.title) + " - " + xhtml_escape(space_name) + " - Confluence", body);
}

}  // namespace sandbox::conf
