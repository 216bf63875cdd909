// Confluence error bodies -> faultline::Error.
#include "errors.hpp"

#include <nlohmann/json.hpp>

namespace faultline::confluence::detail {
namespace {

void add(std::vector<std::string>& out, const nlohmann::json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty()) {
    out.push_back(j[key].get<std::string>());
  }
}

}  // namespace

std::vector<std::string> error_messages(std::string_view body) {
  std::vector<std::string> out;
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_discarded() && json.is_object()) {
    if (json.contains("errors") && json["errors"].is_array()) {
      for (const auto& e : json["errors"]) {
        add(out, e, "title");
        add(out, e, "detail");
        add(out, e, "message");
      }
    }
    if (json.contains("errorMessages") && json["errorMessages"].is_array()) {
      for (const auto& m : json["errorMessages"]) {
        if (m.is_string()) out.push_back(m.get<std::string>());
      }
    }
    add(out, json, "message");
    if (out.empty()) add(out, json, "reason");
    if (json.contains("data") && json["data"].is_object() && json["data"].contains("errors") &&
        json["data"]["errors"].is_array()) {
      for (const auto& e : json["data"]["errors"]) {
        if (e.is_object() && e.contains("message") && e["message"].is_object()) add(out, e["message"], "translation");
      }
    }
    if (!out.empty()) return out;
  }
  if (auto described = http::describe_body(body); !described.empty()) out.push_back(std::move(described));
  return out;
}

const http::RestProduct k_confluence_product{
    "Confluence", "The credentials were accepted but lack permission in this space.",
    "Check confluence.url (Cloud ends in /wiki), the network and any proxy.",
    "Check confluence.url: Cloud needs the /wiki suffix, Data Center its context path."};

}  // namespace faultline::confluence::detail
