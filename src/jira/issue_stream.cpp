// Streaming reads of issue pages (see issue_stream.hpp): a SAX handler that walks
// {..., "issues": [ {id, key, self, fields: {...}, properties: {...}, changelog: {...}} ]}
// and builds JSON only for the values it keeps.
#include "faultline/jira/issue_stream.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

#include "faultline/jira/client.hpp"
#include "faultline/util/json_access.hpp"

namespace faultline::jira {

IssueFilter issue_filter_for(const std::vector<std::string>& fields) {
  IssueFilter filter;
  const bool pattern = std::ranges::any_of(fields, [](const std::string& f) {
    return f.empty() || f.front() == '*' || f.front() == '-';
  });
  if (!pattern) filter.fields = fields;
  return filter;
}

IssueFilter search_filter(const SearchRequest& request) {
  auto filter = issue_filter_for(request.fields);
  filter.members = request.kept_members;
  return filter;
}

namespace {

using json = nlohmann::json;
using namespace std::string_view_literals;

class PageHandler {
public:
  // `single`: the body is one issue object, not a page of them.
  PageHandler(const IssueFilter& filter, const std::function<void(Issue&&)>& each, bool single = false)
      : m_filter(filter), m_each(each), m_single(single) {
    m_keep.reserve(filter.fields.size());
    for (const auto& f : filter.fields) m_keep.push_back(f);
    for (const auto& path : filter.members) {
      const auto dot = path.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == path.size()) continue;
      m_members[path.substr(0, dot)].push_back(path.substr(dot + 1));
    }
  }

  PageInfo info;

  // --- scalars -----------------------------------------------------------------------------
  // A skipped value is never made into JSON (a string would cost an allocation and a free).
  bool null() { return skipped() || scalar(json(nullptr)); }
  bool boolean(bool value) { return skipped() || scalar(json(value)); }
  bool number_integer(json::number_integer_t value) { return skipped() || scalar(json(value)); }
  bool number_unsigned(json::number_unsigned_t value) { return skipped() || scalar(json(value)); }
  bool number_float(json::number_float_t value, const json::string_t& /*text*/) {
    return skipped() || scalar(json(value));
  }
  bool string(json::string_t& value) { return skipped() || scalar(json(std::move(value))); }
  bool binary(json::binary_t& value) { return skipped() || scalar(json(json::binary_t(std::move(value)))); }

  // --- containers --------------------------------------------------------------------------
  bool start_object(std::size_t /*size*/) { return open(json::value_t::object); }
  bool start_array(std::size_t /*size*/) { return open(json::value_t::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& name) {
    if (m_skip > 0) return true;
    if (!m_build.empty()) {
      // Inside a kept value: links and pictures are never read (a user's avatarUrls, every
      // object's self), and not building them saves a third of a page's work.
      const std::string_view member = name;
      if (member == "self"sv || member == "avatarUrls"sv || member == "iconUrl"sv || member == "expand"sv) {
        m_skip_next = true;
        return true;
      }
      if (m_rules) {  // a field read only in part: the members on the way to a kept path
        // Built in a reused buffer: most keys are skipped, and a path is often longer than
        // a string's inline capacity.
        m_member_path = m_paths.back();
        if (!m_member_path.empty()) m_member_path += '.';
        m_member_path += member;
        if (!leads_to_kept(m_member_path)) {
          m_skip_next = true;
          return true;
        }
      }
      m_build_key = std::move(name);
      return true;
    }
    if (m_frames.empty()) return true;
    switch (m_frames.back()) {
      case Frame::Root: {
        m_key = std::move(name);
        const std::string_view key = m_key;
        if (key != "issues"sv && key != "total"sv && key != "startAt"sv && key != "maxResults"sv &&
            key != "isLast"sv && key != "nextPageToken"sv)
          m_skip_next = true;
        break;
      }
      case Frame::Issue:
        m_key = std::move(name);
        m_rules = nullptr;
        if (const std::string_view key = m_key; key == "properties"sv) {
          m_had_properties = true;
          if (m_filter.keep_properties) m_build_next = &m_issue.properties;
          else m_skip_next = true;
        } else if (key == "changelog"sv && m_filter.keep_changelog) {
          m_build_next = &m_changelog;
        } else if (key != "id"sv && key != "key"sv && key != "self"sv && key != "fields"sv) {
          m_skip_next = true;
        }
        break;
      case Frame::Fields:
        if (m_keep.empty() || std::ranges::find(m_keep, std::string_view(name)) != m_keep.end()) {
          const auto rules = m_members.find(name);
          m_rules = rules == m_members.end() ? nullptr : &rules->second;
          m_build_next = &m_issue.fields[name];
        } else {
          m_skip_next = true;
        }
        break;
      case Frame::Issues:
      case Frame::Other:
        break;
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/, const json::exception& error) {
    m_error = "byte " + std::to_string(position) + ": " + error.what();
    return false;
  }

  const std::string& error() const { return m_error; }

private:
  enum class Frame { Root, Issues, Issue, Fields, Other };

  // True (and the skip consumed) when the scalar at hand is not read.
  bool skipped() {
    if (m_skip > 0) return true;
    if (!m_skip_next) return false;
    m_skip_next = false;
    return true;
  }

  // A value where a builder was armed, or a scalar inside a kept value or the page itself.
  bool scalar(json&& value) {
    if (m_build_next) {
      *m_build_next = std::move(value);
      m_build_next = nullptr;
      return true;
    }
    if (!m_build.empty()) {
      place(std::move(value));
      return true;
    }
    if (m_frames.empty()) return true;
    if (m_frames.back() == Frame::Root) {
      if (m_key == "total" && value.is_number()) info.total = clamped(value);
      else if (m_key == "startAt" && value.is_number()) info.start_at = clamped(value);
      else if (m_key == "maxResults" && value.is_number()) info.max_results = clamped(value);
      else if (m_key == "isLast" && value.is_boolean()) info.is_last = value.get<bool>();
      else if (m_key == "nextPageToken" && value.is_string() && !value.get_ref<const std::string&>().empty())
        info.next_page_token = value.get<std::string>();
    } else if (m_frames.back() == Frame::Issue) {
      std::string* target = m_key == "id" ? &m_issue.id : m_key == "key" ? &m_issue.key : m_key == "self" ? &m_issue.self : nullptr;
      if (target && value.is_string()) *target = std::move(value.get_ref<std::string&>());
      else if (target && value.is_number_integer()) *target = value.dump();
    }
    return true;
  }

  // True when `path` is a kept member of the field being built or lies on the way to one.
  bool leads_to_kept(std::string_view path) const {
    return std::ranges::any_of(*m_rules, [path](const std::string& kept) {
      return kept == path || (kept.size() > path.size() && kept.starts_with(path) && kept[path.size()] == '.');
    });
  }

  // A number as an int, clamped to int's range (as json_access::number reads it).
  static int clamped(const json& value) { return json_access::number(json{{"n", value}}, "n"); }

  // Puts a value into the innermost container being built.
  json* place(json&& value) {
    json& top = *m_build.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
      return &top.back();
    }
    json& slot = top[m_build_key];
    slot = std::move(value);
    return &slot;
  }

  bool open(json::value_t type) {
    if (m_skip > 0) {
      ++m_skip;
      return true;
    }
    if (m_skip_next) {
      m_skip_next = false;
      m_skip = 1;
      return true;
    }
    if (m_build_next) {
      *m_build_next = json(type);
      m_build.push_back(m_build_next);
      m_paths.emplace_back();
      m_build_next = nullptr;
      return true;
    }
    if (!m_build.empty()) {
      // An array's elements stand at the array's own path.
      std::string path = m_build.back()->is_array() ? m_paths.back() : m_member_path;
      m_build.push_back(place(json(type)));
      m_paths.push_back(std::move(path));
      return true;
    }
    // The page's own structure.
    const bool object = type == json::value_t::object;
    if (m_frames.empty() && m_single) {
      if (object) {
        m_issue = Issue{};
        m_changelog = json();
        m_had_properties = false;
      }
      m_frames.push_back(object ? Frame::Issue : Frame::Other);
    } else if (m_frames.empty()) {
      m_frames.push_back(object ? Frame::Root : Frame::Other);
    } else if (m_frames.back() == Frame::Root && m_key == "issues" && !object) {
      m_frames.push_back(Frame::Issues);
    } else if (m_frames.back() == Frame::Issues && object) {
      m_issue = Issue{};
      m_changelog = json();
      m_had_properties = false;
      m_frames.push_back(Frame::Issue);
    } else if (m_frames.back() == Frame::Issue && m_key == "fields" && object) {
      m_frames.push_back(Frame::Fields);
    } else {
      m_skip = 1;  // anything else is not read
    }
    return true;
  }

  bool close() {
    if (m_skip > 0) {
      --m_skip;
      return true;
    }
    if (!m_build.empty()) {
      m_build.pop_back();
      m_paths.pop_back();
      return true;
    }
    if (m_frames.empty()) return true;
    const Frame frame = m_frames.back();
    m_frames.pop_back();
    if (frame == Frame::Issue) finish_issue();
    return true;
  }

  void finish_issue() {
    if (!m_issue.fields.is_object()) m_issue.fields = json::object();
    if (!m_issue.properties.is_object()) m_issue.properties = json::object();
    if (m_changelog.is_object()) {
      if (auto histories = m_changelog.find("histories"); histories != m_changelog.end() && histories->is_array()) {
        for (const auto& h : *histories) m_issue.changelog.push_back(parse_history(h));
      }
      // expand=changelog answers newest first (Cloud) or oldest first (DC); keep oldest first.
      if (m_issue.changelog.size() > 1 && m_issue.changelog.front().created > m_issue.changelog.back().created) {
        std::reverse(m_issue.changelog.begin(), m_issue.changelog.end());
      }
    }
    ++info.issues;
    if (m_had_properties) ++info.with_properties;
    m_had_properties = false;
    m_each(std::move(m_issue));
    m_issue = Issue{};
  }

  const IssueFilter& m_filter;
  const std::function<void(Issue&&)>& m_each;
  bool m_single = false;
  std::vector<std::string_view> m_keep;
  std::vector<Frame> m_frames;
  std::string m_key;
  Issue m_issue;
  json m_changelog;
  bool m_had_properties = false;
  // Building a kept value: the containers open inside it, the key of the next member.
  std::vector<json*> m_build;
  std::vector<std::string> m_paths;  // with m_build: each open container's member path
  std::string m_build_key;
  std::string m_member_path;  // the path of the member m_build_key names (when m_rules)
  // IssueFilter::members by field, relative to the field; m_rules: those of the field being
  // built (null: kept whole).
  std::map<std::string, std::vector<std::string>, std::less<>> m_members;
  const std::vector<std::string>* m_rules = nullptr;
  json* m_build_next = nullptr;  // the next value is built here
  bool m_skip_next = false;      // the next value is skipped
  std::size_t m_skip = 0;        // containers open inside a skipped value
  std::string m_error;
};

}  // namespace

namespace {

Result<PageInfo> stream(std::string_view body, const IssueFilter& filter, const std::function<void(Issue&&)>& each,
                        bool single) {
  PageHandler handler(filter, each, single);
  bool ok = false;
  try {
    ok = json::sax_parse(body.begin(), body.end(), &handler);
  } catch (const std::exception& e) {
    return fail(ErrorKind::Failed, std::string("Jira's answer could not be read: ") + e.what());
  }
  if (!ok) {
    return fail(ErrorKind::Failed, "Jira's answer is not JSON (" + handler.error() + ")",
                "a proxy may have answered instead of Jira; re-run with --verbose");
  }
  return handler.info;
}

}  // namespace

Result<PageInfo> stream_issues(std::string_view body, const IssueFilter& filter,
                               const std::function<void(Issue&&)>& each) {
  return stream(body, filter, each, false);
}

Result<Issue> stream_issue(std::string_view body, const IssueFilter& filter) {
  std::optional<Issue> read;
  FAULTLINE_TRY(info, stream(body, filter, [&read](Issue&& issue) { read = std::move(issue); }, true));
  if (!read) return fail(ErrorKind::Failed, "Jira's answer is not an issue (a JSON object was expected)");
  return std::move(*read);
}

Result<SearchPage> parse_search_page(std::string_view body, const IssueFilter& filter) {
  SearchPage page;
  FAULTLINE_TRY(info, stream_issues(body, filter, [&page](Issue&& issue) { page.issues.push_back(std::move(issue)); }));
  page.next_page_token = info->next_page_token;
  page.total = info->total;
  page.start_at = info->start_at;
  page.max_results = info->max_results;
  page.is_last = info->is_last;
  return page;
}

}  // namespace faultline::jira
