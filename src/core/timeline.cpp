#include "faultline/core/timeline.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include <fmt/format.h>

#include "faultline/core/text.hpp"
#include "faultline/core/timestamp.hpp"
#include "faultline/core/utf8.hpp"

namespace faultline::core {

namespace {

using nlohmann::json;

constexpr std::size_t k_max_value_chars = 200;

std::string timeline_string_at(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::string person(const json& user) {
  for (const char* key : {"displayName", "name", "accountId"}) {
    if (auto value = timeline_string_at(user, key); !value.empty()) return value;
  }
  return {};
}

std::optional<TimePoint> time_at(const json& object, const char* key) {
  const auto text = timeline_string_at(object, key);
  if (text.empty()) return std::nullopt;
  return parse_timestamp(text);
}

// One line, at most k_max_value_chars code points, "…" when cut.
std::string short_value(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  std::size_t count = 0;
  bool space = false;
  while (pos < text.size()) {
    const char32_t cp = next_code_point(text, pos);
    if (cp < 0x20 || cp == 0x7F || cp == U' ') {
      space = !out.empty();
      continue;
    }
    if (count >= k_max_value_chars) {
      out += "…";
      return out;
    }
    if (space) {
      out.push_back(' ');
      ++count;
      space = false;
    }
    append_utf8(out, cp);
    ++count;
  }
  return out;
}

std::string item_text(const json& item) {
  std::string field = timeline_string_at(item, "field");
  if (field.empty()) field = timeline_string_at(item, "fieldId");
  const std::string field_id = timeline_string_at(item, "fieldId");
  const std::string from = short_value(timeline_string_at(item, "fromString"));
  const std::string to = short_value(timeline_string_at(item, "toString"));
  std::string name = field;
  if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  if (field == "description" || field == "environment" || field_id == "description") {
    return fmt::format("{} edited", name);
  }
  if (from.empty() && to.empty()) return fmt::format("{} changed", name);
  if (from.empty()) return fmt::format("{} set to {}", name, to);
  if (to.empty()) return fmt::format("{} cleared (was {})", name, from);
  return fmt::format("{}: {} → {}", name, from, to);
}

void add_histories(const json& histories, std::vector<TimelineEntry>& out) {
  if (!histories.is_array()) return;
  for (const auto& history : histories) {
    if (!history.is_object()) continue;
    const auto at = time_at(history, "created");
    if (!at) continue;
    const std::string author = history.contains("author") ? person(history["author"]) : std::string{};
    const auto items = history.find("items");
    if (items == history.end() || !items->is_array()) continue;
    for (const auto& item : *items) {
      if (!item.is_object()) continue;
      const bool status = timeline_string_at(item, "field") == "status" || timeline_string_at(item, "fieldId") == "status";
      out.push_back(TimelineEntry{*at, status ? "status" : "field", author, item_text(item)});
    }
  }
}

}  // namespace

std::string without_op_marker(std::string_view text) {
  static const std::regex marker(R"(\s*faultline op [0-9a-f]{16}\s*$)");
  return std::regex_replace(std::string(text), marker, "");
}

std::vector<CommentLike> comments_from_json(const json& comments_json) {
  std::vector<CommentLike> out;
  const json* list = &comments_json;
  if (comments_json.is_object()) {
    const auto it = comments_json.find("comments");
    if (it == comments_json.end()) return out;
    list = &*it;
  }
  if (!list->is_array()) return out;
  for (const auto& comment : *list) {
    if (!comment.is_object()) continue;
    const auto at = time_at(comment, "created");
    if (!at) continue;
    CommentLike c;
    c.created = *at;
    c.author = comment.contains("author") ? person(comment["author"]) : std::string{};
    if (const auto body = comment.find("body"); body != comment.end()) {
      if (body->is_string()) c.text = wiki_to_text(body->get<std::string>());
      if (body->is_object()) c.text = adf_to_text(*body);
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<TimelineEntry> build_timeline(const json& issue, const std::vector<CommentLike>& comments,
                                          const std::vector<RollbackRecord>& rollbacks) {
  std::vector<TimelineEntry> out;
  if (issue.is_object()) {
    if (const auto fields = issue.find("fields"); fields != issue.end() && fields->is_object()) {
      if (const auto created = time_at(*fields, "created")) {
        std::string author = fields->contains("reporter") ? person((*fields)["reporter"]) : std::string{};
        if (author.empty() && fields->contains("creator")) author = person((*fields)["creator"]);
        const std::string summary = short_value(timeline_string_at(*fields, "summary"));
        out.push_back(TimelineEntry{*created, "created", author,
                                    summary.empty() ? "Fault reported" : "Fault reported: " + summary});
      }
    }
    if (const auto changelog = issue.find("changelog"); changelog != issue.end() && changelog->is_object()) {
      if (const auto histories = changelog->find("histories"); histories != changelog->end()) {
        add_histories(*histories, out);
      }
    }
    if (const auto values = issue.find("values"); values != issue.end()) add_histories(*values, out);
  }
  for (const auto& comment : comments) {
    out.push_back(TimelineEntry{comment.created, "comment", comment.author, without_op_marker(comment.text)});
  }
  for (const auto& r : rollbacks) {
    if (!r.recorded_at) continue;
    std::string text = fmt::format("Rollback of {} from {} to {}", r.service.empty() ? "the service" : r.service,
                                   r.from_version.empty() ? "?" : r.from_version,
                                   r.to_version.empty() ? "?" : r.to_version);
    if (!r.environment.empty()) text += fmt::format(" in {}", r.environment);
    if (!r.run_url.empty()) text += fmt::format(" ({})", r.run_url);
    out.push_back(TimelineEntry{*r.recorded_at, "rollback", r.actor, std::move(text)});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  return out;
}

json timeline_to_json(const std::vector<TimelineEntry>& entries, const date::time_zone* zone) {
  json out = json::array();
  for (const auto& e : entries) {
    out.push_back(json{{"at", zone != nullptr ? format_iso(e.at, zone) : format_utc(e.at)},
                       {"kind", e.kind},
                       {"author", e.author},
                       {"text", e.text}});
  }
  return out;
}

}  // namespace faultline::core
