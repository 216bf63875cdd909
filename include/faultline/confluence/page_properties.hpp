// Content properties of a page: small JSON values Confluence keeps with the page, invisible
// to readers, where faultline records what it published (the monthly report's body hash,
// page version, chart hashes and the chat messages sent). Cloud: REST v2
// /api/v2/pages/{id}/properties (v1's content property endpoints are deprecated there);
// Data Center: /rest/api/content/{id}/property. Built on Client::call, so errors map as
// the client's do.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "faultline/confluence/client.hpp"

namespace faultline::confluence {

struct PageProperty {
  std::string id;  // Cloud's property id (v2 addresses it by id); Data Center's too, unused
  std::string key;
  nlohmann::json value;
  int version = 0;
};

// The property `key` of the page, or nullopt when it has none. Cloud: GET
// /api/v2/pages/{id}/properties?key=; DC: GET /rest/api/content/{id}/property/{key} (404 = none).
// Error: NotFound for no such page (Cloud); the client's errors.
Result<std::optional<PageProperty>> page_property(Client& client, std::string_view page_id, std::string_view key);

// Creates the property (`current` nullopt) or writes version current->version + 1. Cloud: POST
// /api/v2/pages/{id}/properties, PUT .../properties/{property-id}; DC: POST
// /rest/api/content/{id}/property, PUT .../property/{key}. Error: Conflict when someone wrote
// it in between (409); the client's errors.
Result<PageProperty> put_page_property(Client& client, std::string_view page_id, std::string_view key,
                                       const nlohmann::json& value, const std::optional<PageProperty>& current);

}  // namespace faultline::confluence
