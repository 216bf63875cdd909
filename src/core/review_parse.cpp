// Parses the review file (TOML front matter between "+++" lines, Markdown sections split on
// "## " headings) into a ReviewDoc, collecting every problem with its line. Pure.
#include "faultline/core/review.hpp"
#include "faultline/core/toml_text.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

#include <toml++/toml.h>

#include "faultline/core/action.hpp"
#include "faultline/core/jira_limits.hpp"
#include "faultline/core/labels.hpp"
#include "faultline/core/text_input.hpp"

namespace faultline::core {

namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 11> k_top_keys = {
    "level", "type", "source", "team", "business_unit", "owner", "impact",
    "participants", "detected_at", "started_at", "recovered_at"};
constexpr std::array<std::string_view, 6> k_action_keys = {"id", "summary", "owner", "due", "kind", "key"};
constexpr std::array<std::string_view, 4> k_levels = {"P1", "P2", "P3", "P4"};
constexpr std::array<std::string_view, 4> k_sources = {"customer", "internal", "monitoring", "ci"};
constexpr std::array<std::string_view, 4> k_kinds = {"prevent", "mitigate", "detect", "process"};

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// Names longer than this get no "did you mean" (the longest known key has 13 characters).
constexpr std::size_t k_max_suggested_name = 64;
// How many characters of a written value a problem quotes.
constexpr std::size_t k_review_quote_chars = 60;

// A value of the file as quoted in a problem: '<value>', shortened.
std::string quote_review_value(std::string_view value) {
  return "'" + shorten_for_message(value, k_review_quote_chars) + "'";
}

template <std::size_t N>
std::string did_you_mean(std::string_view name, const std::array<std::string_view, N>& candidates) {
  if (name.size() > k_max_suggested_name) return {};  // no key is that long; spare the quadratic distance
  const std::size_t limit = std::clamp<std::size_t>((name.size() + 1) / 3, 1, 3);
  std::string_view best;
  std::size_t best_distance = limit + 1;
  for (auto candidate : candidates) {
    const std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  if (best.empty()) return {};
  return " (did you mean '" + std::string(best) + "'?)";
}

template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += names[i];
  }
  return out;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The lines of `text` (without their terminators), "\r\n" and "\n" both ending a line.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (!lines.empty() && lines.back().empty() && !text.empty() && text.back() == '\n') lines.pop_back();
  return lines;
}

bool is_fence_line(std::string_view line) { return trim(line) == "+++"; }

class Parser {
public:
  Parser(std::string_view file, date::year_month_day today, const date::time_zone* zone)
      : m_file(file), m_today(today), m_zone(zone) {
    m_result.doc.file = std::string(file);
  }

  ReviewParse run(std::string_view text) {
    // Bytes that are not text stop the parse: converting them later would replace them or
    // drop NULs without a word.
    if (const auto flaw = find_text_flaw(text)) {
      problem(static_cast<int>(flaw->line), "text",
              flaw->kind == TextFlaw::Kind::Nul
                  ? "a NUL byte (0x00) at column " + std::to_string(flaw->column) +
                        " is not text: remove it (faultline refuses it rather than drop it)"
                  : describe_flaw(*flaw) + " (column " + std::to_string(flaw->column) + "): save the file as UTF-8");
      return std::move(m_result);
    }
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    const auto lines = split_lines(text);
    std::size_t open = 0;
    while (open < lines.size() && trim(lines[open]).empty()) ++open;
    if (open >= lines.size() || !is_fence_line(lines[open])) {
      problem(static_cast<int>(open < lines.size() ? open + 1 : 1), "front matter",
              "the file must start with a '+++' line, then the TOML front matter, then '+++'");
      parse_sections(lines, 0);
      return std::move(m_result);
    }
    std::size_t close = open + 1;
    while (close < lines.size() && !is_fence_line(lines[close])) ++close;
    if (close >= lines.size()) {
      problem(static_cast<int>(open + 1), "front matter",
              "no closing '+++' line: end the front matter with a line holding only '+++'");
      return std::move(m_result);
    }
    std::string front;
    for (std::size_t i = open + 1; i < close; ++i) {
      front += lines[i];
      front += '\n';
    }
    parse_front_matter(front, static_cast<int>(open + 1));
    parse_sections(lines, close + 1);
    check_actions();
    return std::move(m_result);
  }

private:
  void problem(int line, std::string field, std::string message) {
    // A field is a key as written: an unknown key may be of any length.
    m_result.problems.push_back({std::string(m_file), line, shorten_for_message(field, k_review_quote_chars),
                                 std::move(message)});
  }

  // A problem when `value` is more than Jira takes as a `kind` (too long, a line break in a
  // summary): reported here, so publish stops before its first write.
  void check_limit(const toml::node& node, const std::string& field, JiraText kind, std::string_view value) {
    if (auto limit = jira_text_problem(kind, value)) problem(line_of(node), field, *limit);
  }

  int line_of(const toml::node& node) const {
    return static_cast<int>(node.source().begin.line) + m_line_offset;
  }
  int line_of(const toml::key& key) const {
    return static_cast<int>(key.source().begin.line) + m_line_offset;
  }

  void parse_front_matter(const std::string& front, int offset) {
    m_line_offset = offset;
    toml::table table;
    try {
      table = toml::parse(front, std::string(m_file));
    } catch (const toml::parse_error& error) {
      problem(static_cast<int>(error.source().begin.line) + offset, "front matter",
              "not valid TOML: " + std::string(error.description()));
      return;
    }
    ReviewDoc& doc = m_result.doc;
    for (auto&& [key, node] : table) {
      const std::string name(key.str());
      if (name == "action") {
        read_actions(key, node);
        continue;
      }
      if (!contains(k_top_keys, name)) {
        std::string hint = did_you_mean(name, k_top_keys);
        if (hint.empty() && edit_distance(name, "action") <= 2) hint = " (did you mean '[[action]]'?)";
        problem(line_of(key), name, "unknown key" + hint);
        continue;
      }
      if (name == "participants") {
        read_participants(node);
      } else if (name == "detected_at" || name == "started_at" || name == "recovered_at") {
        auto t = read_time(name, node);
        if (name == "detected_at") doc.detected_at = t;
        else if (name == "started_at") doc.started_at = t;
        else doc.recovered_at = t;
      } else {
        const auto* value = node.as_string();
        if (!value) {
          problem(line_of(node), name, std::string("expected a string, found ") + toml_type_name(node));
          continue;
        }
        std::string text = value->get();
        if (name == "level") {
          if (!text.empty() && !contains(k_levels, text)) {
            std::string upper = text;
            std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
            if (contains(k_levels, upper)) text = upper;
            else problem(line_of(node), name, quote_review_value(text) + " is not a level: use " + one_of(k_levels));
          }
          doc.level = text;
        } else if (name == "source") {
          if (!text.empty() && !contains(k_sources, text))
            problem(line_of(node), name,
                    quote_review_value(text) + " is not a source: use " + one_of(k_sources) + did_you_mean(text, k_sources));
          doc.source = text;
        } else if (name == "type" || name == "team" || name == "business_unit") {
          // Fault facts saved to Jira fields (single-line text when mapped to one).
          check_limit(node, name, JiraText::TextField, text);
          if (name == "type") doc.type = text;
          else if (name == "team") doc.team = text;
          else doc.business_unit = text;
        } else if (name == "owner") {
          check_limit(node, name, JiraText::UserName, text);
          doc.owner = text;
        } else if (name == "impact") {
          doc.impact = trim(text);
          check_limit(node, name, JiraText::Description, doc.impact);
        }
      }
    }
  }

  void read_participants(const toml::node& node) {
    const auto* array = node.as_array();
    if (!array) {
      problem(line_of(node), "participants",
              std::string("expected an array of names (participants = [\"alice\", \"bob\"]), found ") + toml_type_name(node));
      return;
    }
    for (const auto& item : *array) {
      const auto* name = item.as_string();
      if (!name || trim(name->get()).empty()) {
        problem(line_of(item), "participants", std::string("expected a non-empty name, found ") +
                                                   (name ? "an empty string" : toml_type_name(item)));
        continue;
      }
      m_result.doc.participants.emplace_back(trim(name->get()));
    }
  }

  TimePoint now_for_today() const {
    const auto noon = date::local_days{m_today} + hours{12};
    if (m_zone) return time_point_cast<milliseconds>(m_zone->to_sys(noon, date::choose::earliest));
    return time_point_cast<milliseconds>(date::sys_days{m_today} + hours{12});
  }

  std::optional<TimePoint> read_time(const std::string& name, const toml::node& node) {
    if (const auto* value = node.as_date_time()) {
      const toml::date_time& dt = value->get();
      const date::year_month_day ymd{date::year{dt.date.year}, date::month{dt.date.month}, date::day{dt.date.day}};
      if (!ymd.ok()) {
        problem(line_of(node), name, "not a real date");
        return std::nullopt;
      }
      const auto tod = hours{dt.time.hour} + minutes{dt.time.minute} + seconds{dt.time.second} +
                       duration_cast<milliseconds>(nanoseconds{dt.time.nanosecond});
      if (dt.offset) {
        return time_point_cast<milliseconds>(date::sys_days{ymd} + tod - minutes{dt.offset->minutes});
      }
      const auto local = date::local_days{ymd} + tod;
      if (m_zone) return time_point_cast<milliseconds>(m_zone->to_sys(local, date::choose::earliest));
      return time_point_cast<milliseconds>(date::sys_days{ymd} + tod);
    }
    if (const auto* value = node.as_date()) {
      const toml::date& d = value->get();
      std::string text = std::to_string(d.year) + "-" + (d.month < 10 ? "0" : "") + std::to_string(d.month) + "-" +
                         (d.day < 10 ? "0" : "") + std::to_string(d.day);
      auto t = parse_time(text, now_for_today(), m_zone);
      if (!t) problem(line_of(node), name, "not a real date");
      return t ? std::optional<TimePoint>(*t) : std::nullopt;
    }
    if (const auto* value = node.as_string()) {
      if (trim(value->get()).empty()) return std::nullopt;
      auto t = parse_time(value->get(), now_for_today(), m_zone);
      if (!t) {
        problem(line_of(node), name,
                quote_review_value(value->get()) + " is not a time: write 2026-11-25T10:00:00+08:00, or a local "
                "time 2026-11-25T10:00:00 in the team's time zone");
        return std::nullopt;
      }
      return *t;
    }
    problem(line_of(node), name,
            std::string("expected a time (2026-11-25T10:00:00+08:00), found ") + toml_type_name(node));
    return std::nullopt;
  }

  void read_actions(const toml::key& key, const toml::node& node) {
    const auto* array = node.as_array();
    if (!array || !array->is_array_of_tables()) {
      problem(line_of(key), "action",
              "each action is an [[action]] table (double brackets), with summary, owner, due, kind");
      return;
    }
    std::size_t index = 0;
    for (const auto& item : *array) {
      ++index;
      read_action(*item.as_table(), index);
    }
  }

  void read_action(const toml::table& table, std::size_t index) {
    ReviewAction action;
    action.line = line_of(table);
    const std::string where = "action[" + std::to_string(index) + "]";
    bool has_due = false;
    bool explicit_id = false;
    int due_line = action.line;
    for (auto&& [key, node] : table) {
      const std::string name(key.str());
      const std::string field = where + "." + name;
      if (!contains(k_action_keys, name)) {
        problem(line_of(key), field, "unknown key" + did_you_mean(name, k_action_keys));
        continue;
      }
      if (name == "due") {
        has_due = true;
        due_line = line_of(node);
        read_due(action, node, field);
        continue;
      }
      const auto* value = node.as_string();
      if (!value) {
        problem(line_of(node), field, std::string("expected a string, found ") + toml_type_name(node));
        continue;
      }
      const std::string text(trim(value->get()));
      if (name == "summary") {
        action.summary = text;
        if (!text.empty()) check_limit(node, field, JiraText::Summary, text);  // the sub-task's summary
      } else if (name == "owner") {
        action.owner = text;
        if (!text.empty()) check_limit(node, field, JiraText::UserName, text);
      } else if (name == "key") {
        action.key = text;
        if (!text.empty() && !looks_like_issue_key(text))
          problem(line_of(node), field, quote_review_value(text) + " is not a Jira issue key (like FAULT-13)");
      } else if (name == "id") {
        explicit_id = true;
        action.id = text;
        if (!is_valid_action_id(text))
          problem(line_of(node), field,
                  quote_review_value(text) + " is not a valid action id: 1-40 characters, lower-case letters, digits "
                  "and '-', starting with a letter or digit");
      } else if (name == "kind") {
        if (auto kind = parse_action_kind(text)) action.kind = *kind;
        else
          problem(line_of(node), field,
                  quote_review_value(text) + " is not a kind: use " + one_of(k_kinds) + did_you_mean(lower(text), k_kinds));
      }
    }
    if (action.summary.empty()) problem(action.line, where + ".summary", "missing: say what will be done");
    // An action that is already a sub-task (key) keeps Jira's assignee and due date when
    // the file leaves them out; a new one needs both.
    if (action.owner.empty() && action.key.empty())
      problem(action.line, where + ".owner", "missing: name who owns the action");
    if (!has_due && action.key.empty()) problem(action.line, where + ".due", "missing: give a date (2026-12-01) or '+7d'");
    if (!explicit_id && !action.summary.empty()) action.id = derive_action_id(action.summary);
    m_result.doc.actions.push_back(std::move(action));
    m_due_lines.push_back(due_line);
  }

  static bool looks_like_issue_key(std::string_view key) {
    const auto dash = key.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 >= key.size()) return false;
    if (!std::isupper(static_cast<unsigned char>(key[0]))) return false;
    for (char c : key.substr(0, dash))
      if (!std::isupper(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '_')
        return false;
    for (char c : key.substr(dash + 1))
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
  }

  void read_due(ReviewAction& action, const toml::node& node, const std::string& field) {
    if (const auto* value = node.as_date()) {
      const toml::date& d = value->get();
      const date::year_month_day ymd{date::year{d.year}, date::month{d.month}, date::day{d.day}};
      action.due_text = date::format("%F", ymd);
      if (!ymd.ok()) problem(line_of(node), field, "not a real date");
      else action.due = ymd;
      return;
    }
    const auto* value = node.as_string();
    if (!value) {
      problem(line_of(node), field,
              std::string("expected a date (2026-12-01) or a relative due ('+7d', '+2w'), found ") + toml_type_name(node));
      return;
    }
    action.due_text = trim(value->get());
    auto due = parse_date(action.due_text, now_for_today(), m_zone);
    if (!due) {
      problem(line_of(node), field,
              quote_review_value(action.due_text) + " is not a due date: write 2026-12-01, or '+7d' / '+2w' from today");
      return;
    }
    action.due = *due;
  }

  void check_actions() {
    std::map<std::string, int> seen;
    std::size_t index = 0;
    for (auto& action : m_result.doc.actions) {
      ++index;
      const std::string where = "action[" + std::to_string(index) + "]";
      if (action.due && action.key.empty() && *action.due < m_today) {
        problem(m_due_lines[index - 1], where + ".due",
                date::format("%F", *action.due) + " is in the past (today is " + date::format("%F", m_today) +
                    "): give a future date or '+7d'");
      }
      if (action.id.empty()) continue;
      auto [it, inserted] = seen.emplace(action.id, action.line);
      if (!inserted)
        problem(action.line, where + ".id",
                "duplicate action id " + quote_review_value(action.id) + " (also the action at line " + std::to_string(it->second) +
                    "): give one of them an explicit id");
    }
  }

  void parse_sections(const std::vector<std::string_view>& lines, std::size_t start) {
    auto& sections = m_result.doc.sections;
    std::string fence;  // the open code fence ("```" or "~~~"), "" outside code
    std::set<std::string> titles;
    bool preamble_reported = false;
    for (std::size_t i = start; i < lines.size(); ++i) {
      const std::string_view line = lines[i];
      const std::string stripped(trim(line));
      if (!fence.empty()) {
        if (stripped.starts_with(fence)) fence.clear();
      } else if (stripped.starts_with("```") || stripped.starts_with("~~~")) {
        fence = stripped.substr(0, 3);
      } else if (line.starts_with("## ") || line == "##") {
        ReviewSection section;
        section.title = trim(line.substr(2));
        section.line = static_cast<int>(i + 1);
        if (section.title.empty()) problem(section.line, "sections", "a '## ' heading needs a title");
        else if (!titles.insert(lower(section.title)).second)
          problem(section.line, "sections", "duplicate section " + quote_review_value(section.title) + ": merge the two");
        sections.push_back(std::move(section));
        continue;
      }
      if (sections.empty()) {
        if (!stripped.empty() && !preamble_reported) {
          preamble_reported = true;
          problem(static_cast<int>(i + 1), "sections",
                  "text before the first '## ' heading belongs to no section: put it under a heading");
        }
        continue;
      }
      sections.back().markdown += line;
      sections.back().markdown += '\n';
    }
    for (auto& section : sections) section.markdown = trim_blank_lines(section.markdown);
  }

  // Drops blank lines at the start and the end, keeping indentation of the first line.
  static std::string trim_blank_lines(std::string_view text) {
    std::size_t begin = 0;
    while (begin < text.size()) {
      const auto end = text.find('\n', begin);
      if (end == std::string_view::npos) break;
      if (trim(text.substr(begin, end - begin)).empty()) begin = end + 1;
      else break;
    }
    std::string out(text.substr(begin));
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t' || out.back() == '\r'))
      out.pop_back();
    return out;
  }

  std::string_view m_file;
  date::year_month_day m_today;
  const date::time_zone* m_zone;
  int m_line_offset = 0;
  ReviewParse m_result;
  std::vector<int> m_due_lines;  // line of each action's due (its header when none)
};

}  // namespace

const char* to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::Prevent: return "prevent";
    case ActionKind::Mitigate: return "mitigate";
    case ActionKind::Detect: return "detect";
    case ActionKind::Process: return "process";
  }
  return "prevent";
}

std::optional<ActionKind> parse_action_kind(std::string_view text) {
  const std::string kind = lower(text);
  if (kind == "prevent") return ActionKind::Prevent;
  if (kind == "mitigate") return ActionKind::Mitigate;
  if (kind == "detect") return ActionKind::Detect;
  if (kind == "process") return ActionKind::Process;
  return std::nullopt;
}

Error review_problems_error(std::string_view file, std::vector<ReviewProblem> problems, std::string_view consequence,
                            std::string_view hint) {
  std::stable_sort(problems.begin(), problems.end(),
                   [](const ReviewProblem& a, const ReviewProblem& b) { return a.line < b.line; });
  Error error{ErrorKind::Usage,
              std::string(file) + ": " + std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems") +
                  std::string(consequence),
              std::string(hint), 0, {}};
  for (const auto& p : problems) error.details.push_back(to_string(p));
  return error;
}

std::string to_string(const ReviewProblem& problem) {
  return problem.file + ":" + std::to_string(problem.line) + ": " + problem.field + ": " + problem.message;
}

std::string derive_action_id(std::string_view summary) {
  std::string normal;
  bool space = false;
  for (unsigned char c : summary) {
    if (std::isspace(c)) {
      space = !normal.empty();
      continue;
    }
    if (space) normal += ' ';
    space = false;
    normal += static_cast<char>(std::tolower(c));
  }
  return "a-" + hex16(fnv1a_64(normal)).substr(0, 10);
}

std::string section_slug(std::string_view title) {
  std::string out;
  bool pending = false;
  for (unsigned char c : title) {
    if (std::isalnum(c) && c < 0x80) {
      if (pending && !out.empty()) out += '_';
      pending = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      pending = true;
    }
  }
  return out;
}

const std::vector<std::string>& default_review_sections() {
  static const std::vector<std::string> titles = {
      "Summary",   "Impact",     "Timeline",       "Root cause",     "Trigger",
      "Resolution", "Detection", "What went well", "What went wrong", "Where we got lucky"};
  return titles;
}

ReviewParse parse_review(std::string_view text, std::string_view file, date::year_month_day today,
                         const date::time_zone* zone) {
  Parser parser(file, today, zone);
  ReviewParse result = parser.run(text);
  std::stable_sort(result.problems.begin(), result.problems.end(),
                   [](const ReviewProblem& a, const ReviewProblem& b) { return a.line < b.line; });
  return result;
}

}  // namespace faultline::core
