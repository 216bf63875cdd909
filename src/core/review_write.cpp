// Writes a review file (front matter + Markdown sections) for `review init`. Pure.
#include "faultline/core/review.hpp"
#include "faultline/core/toml_text.hpp"

#include <cstdio>

namespace faultline::core {

namespace {

// A TOML multi-line basic string for text with line breaks, else a basic string.
std::string toml_text(std::string_view text) {
  if (text.find('\n') == std::string_view::npos) return toml_quote(text);
  std::string out = "\"\"\"\n";
  for (unsigned char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\r') continue;
    else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04X", static_cast<unsigned>(c));
      out += buffer;
    } else out += static_cast<char>(c);
  }
  out += "\"\"\"";
  return out;
}

void put(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += " = ";
  out += toml_text(value);
  out += '\n';
}

void put_time(std::string& out, std::string_view key, const std::optional<TimePoint>& t,
              const date::time_zone* zone) {
  out += key;
  out += " = ";
  out += t ? format_iso(*t, zone) : "\"\"";
  out += '\n';
}

}  // namespace

std::string write_review(const ReviewDoc& doc, const date::time_zone* zone) {
  std::string out = "+++\n";
  out += "# The fault review. Front matter: TOML. Times with an offset, or local to the team's zone.\n";
  put(out, "level", doc.level);
  put(out, "type", doc.type);
  put(out, "source", doc.source);
  put(out, "team", doc.team);
  put(out, "business_unit", doc.business_unit);
  put(out, "owner", doc.owner);
  out += "participants = [";
  for (std::size_t i = 0; i < doc.participants.size(); ++i) {
    if (i > 0) out += ", ";
    out += toml_quote(doc.participants[i]);
  }
  out += "]\n";
  put_time(out, "started_at", doc.started_at, zone);
  put_time(out, "detected_at", doc.detected_at, zone);
  put_time(out, "recovered_at", doc.recovered_at, zone);
  put(out, "impact", doc.impact);
  if (doc.actions.empty()) {
    out += "\n# One [[action]] per follow-up: summary, owner, due (2026-12-01 or \"+7d\"),\n"
           "# kind (prevent | mitigate | detect | process), key once it is a Jira sub-task.\n"
           "# [[action]]\n# summary = \"Alert on connection pool saturation\"\n# owner = \"alice\"\n"
           "# due = \"+7d\"\n# kind = \"detect\"\n";
  }
  for (const auto& action : doc.actions) {
    out += "\n[[action]]\n";
    if (!action.id.empty()) put(out, "id", action.id);
    put(out, "summary", action.summary);
    put(out, "owner", action.owner);
    if (!action.due_text.empty()) put(out, "due", action.due_text);
    else if (action.due) put(out, "due", date::format("%F", *action.due));
    else if (action.key.empty()) put(out, "due", "+7d");
    put(out, "kind", to_string(action.kind));
    if (!action.key.empty()) put(out, "key", action.key);
  }
  out += "+++\n";
  for (const auto& section : doc.sections) {
    out += "\n## ";
    out += section.title;
    out += "\n\n";
    if (!section.markdown.empty()) {
      out += section.markdown;
      if (section.markdown.back() != '\n') out += '\n';
    }
  }
  return out;
}

}  // namespace faultline::core
