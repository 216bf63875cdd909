// Content properties of pages: v1 {context}/rest/api/content/{id}/property[/{key}] (both
// flavors) and Cloud v2 /api/v2/pages/{id}/properties[/{property-id}].
//
// Facts relied on (specs/): v1 POST .../property creates {key, value}; PUT .../property/{key}
// needs version.number = current + 1; GET .../property/{key} answers 404 when there is none.
// v2 GET .../properties takes key, cursor and limit; POST creates {key, value}; PUT
// .../properties/{property-id} takes {key, value, version: {number, message}}.
#include <string>
#include <vector>

#include "confluence_service.hpp"

namespace sandbox::conf {

namespace {

constexpr std::size_t k_v2_properties_max_limit = 250;

std::optional<int> version_number_of(const json& body) {
  if (!body.contains("version") || !body["version"].is_object()) return std::nullopt;
  const auto& number = body["version"].value("number", json());
  if (!number.is_number_integer()) return std::nullopt;
  return number.get<int>();
}

}  // namespace

json ConfluenceService::property_v1(const SbRequest& r, const ConfPage& p, const ConfProperty& property) const {
  return json{{"id", property.id},
              {"key", property.key},
              {"value", property.value},
              {"version", {{"number", property.version}, {"when", iso(property.when_ms)}, {"minorEdit", false}}},
              {"content", {{"id", p.id}, {"type", "page"}, {"title", p.current().title}}},
              {"_links", {{"self", base(r) + "/rest/api/content/" + p.id + "/property/" + property.key},
                          {"base", base(r)}, {"context", context()}}}};
}

json ConfluenceService::property_v2(const ConfProperty& property) const {
  return json{{"id", property.id},
              {"key", property.key},
              {"value", property.value},
              {"version", {{"number", property.version}, {"createdAt", iso(property.when_ms)}, {"message", ""},
                           {"minorEdit", false}}}};
}

SbResponse ConfluenceService::properties_v1(const SbRequest& r, const ConfPage& page, const std::vector<std::string>& s) {
  const auto& m = r.method;
  auto not_allowed = [&] { return v1_error({405, "Method " + m + " is not allowed on " + r.path}); };
  if (s.size() == 3) {
    if (m == "GET") {
      json results = json::array();
      for (const auto& p : page.properties) results.push_back(property_v1(r, page, p));
      return SbResponse::json(200, json{{"results", results}, {"start", 0}, {"limit", 200}, {"size", results.size()},
                                        {"_links", {{"base", base(r)}, {"context", context()}}}});
    }
    if (m != "POST") return not_allowed();
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("key") || !body["key"].is_string())
      return v1_error({400, "A content property needs a key and a value"});
    return write_property_v1(r, page.id, body["key"].get<std::string>(), body, std::nullopt);
  }
  if (s.size() != 4) return v1_error({404, "No resource at " + r.path});
  const std::string& key = s[3];
  if (m == "GET") {
    for (const auto& p : page.properties)
      if (p.key == key) return SbResponse::json(200, property_v1(r, page, p));
    return v1_error({404, "Cannot find content property with key: " + key});
  }
  if (m == "DELETE") {
    auto removed = m_store.remove_property(page.id, key);
    if (!removed) return v1_error({removed.error().status, removed.error().message});
    return SbResponse::no_content();
  }
  if (m != "PUT" && m != "POST") return not_allowed();
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return v1_error({400, "The body must be a content property"});
  if (m == "POST") return write_property_v1(r, page.id, key, body, std::nullopt);
  const auto version = version_number_of(body);
  if (!version) return v1_error({400, "A content property update needs version.number"});
  return write_property_v1(r, page.id, key, body, version);
}

SbResponse ConfluenceService::write_property_v1(const SbRequest& r, const std::string& page_id, const std::string& key,
                                                const json& body, std::optional<int> version) {
  auto written = m_store.put_property(page_id, key, body.value("value", json()), version, epoch_ms(r.now));
  if (!written) return v1_error({written.error().status, written.error().message});
  return SbResponse::json(200, property_v1(r, *m_store.page(page_id), **written));
}

SbResponse ConfluenceService::properties_v2(const SbRequest& r, const ConfPage& page, const std::vector<std::string>& s) {
  const auto& m = r.method;
  auto not_allowed = [&] { return v2_error({405, "Method " + m + " is not allowed on " + r.path}); };
  if (s.size() == 3) {
    if (m == "GET") {
      auto w = window(r, k_v2_properties_max_limit);
      if (!w) return v2_error(w.error());
      const auto key = r.param("key");
      std::vector<const ConfProperty*> all;
      for (const auto& p : page.properties)
        if (!key || p.key == *key) all.push_back(&p);
      json items = json::array();
      for (std::size_t i = w->start; i < all.size() && i < w->start + w->limit; ++i) items.push_back(property_v2(*all[i]));
      return list_v2(r, items, *w, all.size());
    }
    if (m != "POST") return not_allowed();
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("key") || !body["key"].is_string())
      return v2_error({400, "A content property needs a key and a value"});
    auto written = m_store.put_property(page.id, body["key"].get<std::string>(), body.value("value", json()),
                                        std::nullopt, epoch_ms(r.now));
    if (!written) return v2_error({written.error().status, written.error().message});
    return SbResponse::json(200, property_v2(**written));
  }
  if (s.size() != 4) return v2_error({404, "No resource at " + r.path});
  const ConfProperty* found = nullptr;
  for (const auto& p : page.properties)
    if (p.id == s[3]) found = &p;
  if (found == nullptr) return v2_error({404, "No content property with id " + s[3] + " on page " + page.id});
  if (m == "GET") return SbResponse::json(200, property_v2(*found));
  const std::string key = found->key;
  if (m == "DELETE") {
    auto removed = m_store.remove_property(page.id, key);
    if (!removed) return v2_error({removed.error().status, removed.error().message});
    return SbResponse::no_content();
  }
  if (m != "PUT") return not_allowed();
  json body = json::parse(r.body, nullptr, false);
  const auto version = body.is_object() ? version_number_of(body) : std::nullopt;
  if (!version) return v2_error({400, "A content property update needs key, value and version.number"});
  if (body.value("key", key) != key) return v2_error({400, "The key of a content property cannot change"});
  auto written = m_store.put_property(page.id, key, body.value("value", json()), version, epoch_ms(r.now));
  if (!written) return v2_error({written.error().status, written.error().message});
  return SbResponse::json(200, property_v2(**written));
}

}  // namespace sandbox::conf
