// Jira emulation: issue search (Cloud search/jql with page tokens, Data Center search with
// offsets), saved filters, agile boards and the plain HTML issue view.
#include <algorithm>
#include <cctype>
#include <limits>
#include <memory>
#include <mutex>
#include <set>

#include <date/tz.h>
#include <fmt/format.h>

#include "jira.hpp"
#include "jira_util.hpp"

#if __has_include("jql.hpp")
#include "jql.hpp"
#include "jql_ast.hpp"
#define SANDBOX_HAVE_JQL 1
#else
#define SANDBOX_HAVE_JQL 0
#endif

namespace sandbox {

namespace {

// Percent-encodes a query parameter value (RFC 3986 unreserved characters kept), so links
// such as a filter's searchUrl are valid URIs.
std::string query_encode(std::string_view text) {
  constexpr std::string_view k_hex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0x0F];
    }
  }
  return out;
}

constexpr const char* k_search_removed =
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration "
    "guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046";
constexpr const char* k_unbounded =
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.";
constexpr long long k_cloud_max_ids = 5000;       // search/jql page cap when only ids are asked for
constexpr long long k_cloud_max_fields = 1000;    // search/jql page cap when fields are asked for
constexpr long long k_dc_max_results = 1000;      // jira.search.views.default.max
constexpr const char* k_token_prefix = "sbx1:";   // page tokens: base64("sbx1:<offset>")

constexpr char k_base64url_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string to_base64(const std::string& in) {
  const auto& k_chars = k_base64url_chars;
  std::string out;
  unsigned value = 0;
  int bits = -6;
  for (unsigned char c : in) {
    value = (value << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(k_chars[(value >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(k_chars[((value << 8) >> (bits + 8)) & 0x3F]);
  return out;
}

std::string from_base64(const std::string& in) {
  std::string out;
  unsigned value = 0;
  int bits = -8;
  for (char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z') d = c - 'A';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
    else if (c >= '0' && c <= '9') d = c - '0' + 52;
    else if (c == '-') d = 62;
    else if (c == '_') d = 63;
    else return {};
    value = (value << 6) + static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::vector<std::string> strings_of(const nlohmann::json& value) {
  std::vector<std::string> out;
  if (value.is_string()) return split_list(value.get<std::string>(), ',');
  if (value.is_array())
    for (const auto& v : value) {
      if (v.is_string()) for (auto& part : split_list(v.get<std::string>(), ',')) out.push_back(part);
      else if (v.is_number()) out.push_back(v.dump());
    }
  return out;
}

long long number_param(const std::optional<std::string>& text, long long fallback) {
  if (!text || text->empty()) return fallback;
  try {
    return std::stoll(*text);
  } catch (const std::exception&) {
    return fallback;
  }
}

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Reads a search request's parameters from the query (GET) or the JSON body (POST).
struct SearchParams {
  std::string jql;
  std::optional<std::string> page_token;
  long long start_at = 0;
  std::optional<long long> max_results;
  std::optional<std::vector<std::string>> fields;
  std::vector<std::string> expand;
  std::vector<std::string> properties;
  std::set<std::string> reconcile;
  bool validate = true;  // Data Center's validateQuery: false turns unknown values into warnings
};

// Reads a boolean parameter ("true"/"false" in any case, as clients spell it).
bool false_text(std::string_view text) { return to_lower(text) == "false"; }

std::expected<SearchParams, SbResponse> read_search_params(const SbRequest& r) {
  SearchParams p;
  if (r.method == "POST") {
    auto body = r.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return std::unexpected(jira_error(400, {"The request body is not valid JSON."}));
    p.jql = body.value("jql", "");
    if (body.contains("nextPageToken") && body["nextPageToken"].is_string()) p.page_token = body["nextPageToken"].get<std::string>();
    p.start_at = body.value("startAt", 0LL);
    if (body.contains("maxResults") && body["maxResults"].is_number()) p.max_results = body["maxResults"].get<long long>();
    if (body.contains("fields")) p.fields = strings_of(body["fields"]);
    p.expand = strings_of(body.value("expand", nlohmann::json()));
    p.properties = strings_of(body.value("properties", nlohmann::json()));
    for (auto& id : strings_of(body.value("reconcileIssues", nlohmann::json()))) p.reconcile.insert(id);
    if (body.contains("validateQuery")) {
      const auto& v = body["validateQuery"];
      p.validate = !(v.is_boolean() ? !v.get<bool>() : v.is_string() && false_text(v.get<std::string>()));
    }
  } else {
    p.jql = r.param("jql").value_or("");
    p.page_token = r.param("nextPageToken");
    p.start_at = number_param(r.param("startAt"), 0);
    if (r.param("maxResults")) p.max_results = number_param(r.param("maxResults"), 50);
    auto fields = list_param(r, "fields");
    if (!fields.empty()) p.fields = fields;
    p.expand = list_param(r, "expand");
    p.properties = list_param(r, "properties");
    for (auto& id : list_param(r, "reconcileIssues")) p.reconcile.insert(id);
    if (auto v = r.param("validateQuery")) p.validate = !false_text(*v);
  }
  return p;
}

// The parent values a query's WHERE requires (`parent = X` or `parent in (X, Y)`, alone or as
// one conjunct of an AND), so a search need only look at their sub-tasks; nullopt when the
// query does not restrict the parent that way.
std::optional<std::vector<std::string>> required_parents(const jql::Node& node) {
  if (node.kind == jql::Node::Kind::And) {
    for (const auto& child : node.children)
      if (auto parents = required_parents(child)) return parents;
    return std::nullopt;
  }
  if (node.kind != jql::Node::Kind::Leaf || node.clause.field.kind != jql::FieldKind::Parent) return std::nullopt;
  const auto& operand = node.clause.operand;
  if (node.clause.op == jql::Op::Eq && operand.kind == jql::Operand::Kind::Literal)
    return std::vector<std::string>{operand.text};
  if (node.clause.op != jql::Op::In || operand.kind != jql::Operand::Kind::List) return std::nullopt;
  std::vector<std::string> parents;
  for (const auto& item : operand.items) {
    if (item.kind != jql::Operand::Kind::Literal) return std::nullopt;
    parents.push_back(item.text);
  }
  return parents;
}

// Narrows [low, high] by the numeric id bounds a query's WHERE requires (`id >= N`, `id < N`,
// ..., alone or as conjuncts of an AND).
void required_id_range(const jql::Node& node, long long& low, long long& high) {
  if (node.kind == jql::Node::Kind::And) {
    for (const auto& child : node.children) required_id_range(child, low, high);
    return;
  }
  if (node.kind != jql::Node::Kind::Leaf || node.clause.field.kind != jql::FieldKind::Key) return;
  const auto& operand = node.clause.operand;
  if (operand.kind != jql::Operand::Kind::Literal || !jql::all_digits(operand.text) || operand.text.empty() ||
      operand.text.size() >= 18)
    return;
  const long long value = std::stoll(operand.text);
  switch (node.clause.op) {
    case jql::Op::Ge: low = std::max(low, value); break;
    case jql::Op::Gt: low = std::max(low, value + 1); break;
    case jql::Op::Le: high = std::min(high, value); break;
    case jql::Op::Lt: high = std::min(high, value - 1); break;
    default: break;
  }
}

}  // namespace

// The issues a search has to evaluate, in id order: the sub-tasks of the required parents
// (Jira's index answers `parent = X` without reading every issue), else those in the id range
// the query requires (`id >= A AND id <= B`), else every issue. A parent
// value that names no stored issue by key or id falls back to every issue, so the evaluator
// still decides (and says) what matches.
std::vector<const IssueRecord*> JiraService::search_candidates(const jql::Query& query) const {
  std::vector<const IssueRecord*> out;
  const auto parents = query.where ? required_parents(*query.where) : std::nullopt;
  std::vector<long long> child_ids;
  bool narrowed = parents.has_value();
  if (parents) {
    for (const auto& value : *parents) {
      std::optional<long long> parent_id;
      std::string key = value;
      std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (auto it = m_ids_by_key.find(key); it != m_ids_by_key.end()) parent_id = it->second;
      else if (jql::all_digits(value) && value.size() < 18 && m_issues.contains(std::stoll(value))) parent_id = std::stoll(value);
      if (!parent_id) {
        narrowed = false;
        break;
      }
      if (auto children = m_children.find(*parent_id); children != m_children.end())
        child_ids.insert(child_ids.end(), children->second.begin(), children->second.end());
    }
  }
  if (!narrowed) {
    long long low = std::numeric_limits<long long>::min(), high = std::numeric_limits<long long>::max();
    if (query.where) required_id_range(*query.where, low, high);
    if (low > high) return out;
    const auto first = m_issues.lower_bound(low);
    const auto last = high == std::numeric_limits<long long>::max() ? m_issues.end() : m_issues.upper_bound(high);
    for (auto it = first; it != last; ++it) out.push_back(&it->second);
    return out;
  }
  std::sort(child_ids.begin(), child_ids.end());
  child_ids.erase(std::unique(child_ids.begin(), child_ids.end()), child_ids.end());
  for (long long id : child_ids)
    if (auto it = m_issues.find(id); it != m_issues.end()) out.push_back(&it->second);
  return out;
}

// ------------------------------------------------------------------------------------ search

SbResponse JiraService::search_call(const Call& call) {
  const auto& r = call.request;
  const auto& s = call.segments;
  const bool cloud = m_options.flavor == Flavor::Cloud;
  if (r.method != "GET" && r.method != "POST") return jira_error(405, {"Method not allowed."});
  if (cloud && s.size() == 1) return jira_error(410, {k_search_removed});
  if (cloud && s.size() == 2 && s[1] == "id") return jira_error(410, {k_search_removed});
  const bool enhanced = cloud && s.size() == 2 && (s[1] == "jql" || s[1] == "approximate-count");
  if (!enhanced && !(!cloud && s.size() == 1)) return jira_error(404, {"Not found."});
#if SANDBOX_HAVE_JQL
  auto params = read_search_params(r);
  if (!params) return params.error();
  // Data Center's search has no `properties` (not in its REST API, SearchRequestBean or the
  // query; JRASERVER-62898): clients read entity properties per issue there.
  if (!cloud) params->properties.clear();
  jql::EvalContext ctx;
  fill_jql_context(ctx, r);
  auto query = jql::parse(params->jql, ctx);
  if (!query) return jira_error(400, {query.error()});
  // Values that name nothing are errors (Cloud always; Data Center unless validateQuery=false,
  // which answers them as warningMessages).
  const auto missing = missing_values(jql::value_refs(**query));
  if (!missing.empty() && (enhanced || params->validate)) return jira_error(400, missing);
  if (enhanced && !jql::is_bounded(**query)) return jira_error(400, {k_unbounded});
  std::string cache_key = fmt::format("{}|{}|{}|", enhanced ? "cloud" : "dc", ctx.current_user, params->jql);
  for (const auto& id : params->reconcile) cache_key += id + ",";
  std::vector<const IssueRecord*> hits;
  // Concurrent pages come in any order: one stamped a little before the last use is as recent
  // as one stamped after it. Searches run concurrently (shared lock): the cache has its own.
  std::shared_ptr<const std::vector<long long>> cached_ids;
  {
    std::lock_guard lock(m_search_cache_mutex);
    for (auto& entry : m_search_cache) {
      if (entry.key == cache_key && entry.version == m_version && r.now > entry.used - std::chrono::seconds(2) &&
          r.now - entry.used < std::chrono::seconds(2) && r.now < entry.valid_until) {
        entry.used = std::max(entry.used, r.now);
        cached_ids = entry.ids;
        break;
      }
    }
  }
  if (cached_ids) {
    for (long long id : *cached_ids)
      if (auto it = m_issues.find(id); it != m_issues.end()) hits.push_back(&it->second);
  } else {
    // Cloud's index lags: a search matches the version of each issue it has indexed (none for
    // one created within the lag), except the issues the caller asks to reconcile.
    auto next_change = std::chrono::system_clock::time_point::max();
    for (const IssueRecord* candidate : search_candidates(**query)) {
      const IssueRecord& record = *candidate;
      const nlohmann::json* seen = &record.issue;
      if (enhanced && !params->reconcile.contains(record.issue.value("id", "")))
        seen = indexed_view(record, r.now, next_change);
      if (seen && jql::matches(**query, *seen, ctx)) hits.push_back(&record);
    }
    std::stable_sort(hits.begin(), hits.end(), [&](const IssueRecord* a, const IssueRecord* b) {
      return jql::compare(**query, a->issue, b->issue, ctx) < 0;
    });
    auto ids = std::make_shared<std::vector<long long>>();
    ids->reserve(hits.size());
    for (const auto* rec : hits) ids->push_back(std::stoll(rec->issue.value("id", "0")));
    SearchCache fresh{cache_key, m_version, r.now, next_change, std::move(ids)};
    std::lock_guard lock(m_search_cache_mutex);
    // A concurrent search of the same query may have stored it meanwhile: this one replaces it.
    std::erase_if(m_search_cache, [&](const SearchCache& entry) { return entry.key == cache_key; });
    if (m_search_cache.size() >= k_search_cache_entries) {
      auto oldest = std::min_element(m_search_cache.begin(), m_search_cache.end(),
                                     [](const SearchCache& a, const SearchCache& b) { return a.used < b.used; });
      m_search_cache.erase(oldest);
    }
    m_search_cache.push_back(std::move(fresh));
  }
  const long long total = static_cast<long long>(hits.size());
  if (enhanced && s[1] == "approximate-count") return SbResponse::json(200, {{"count", total}});

  if (enhanced) {
    long long offset = 0;
    if (params->page_token) {
      const std::string decoded = from_base64(*params->page_token);
      if (!decoded.starts_with(k_token_prefix)) return jira_error(400, {"The nextPageToken is invalid."});
      offset = number_param(decoded.substr(std::string_view(k_token_prefix).size()), -1);
      if (offset < 0 || offset > total) return jira_error(400, {"The nextPageToken is invalid."});
    }
    const bool ids_only = !params->fields || std::all_of(params->fields->begin(), params->fields->end(),
                                                         [](const std::string& f) { return f == "id"; });
    long long max = params->max_results.value_or(50);
    if (max < 0) return jira_error(400, {"The max results parameter has to be between 1 and 5,000."});
    max = std::clamp(max, 1LL, ids_only ? k_cloud_max_ids : k_cloud_max_fields);
    const std::vector<const IssueRecord*> page(hits.begin() + static_cast<std::ptrdiff_t>(offset),
                                               hits.begin() + static_cast<std::ptrdiff_t>(std::min(total, offset + max)));
    const bool last = offset + max >= total;
    nlohmann::json out = {{"isLast", last}};
    if (!last) out["nextPageToken"] = to_base64(fmt::format("{}{}", k_token_prefix, offset + max));
    if (ids_only && params->expand.empty() && params->properties.empty()) {
      nlohmann::json issues = nlohmann::json::array();
      for (const auto* rec : page) issues.push_back({{"id", rec->issue["id"]}});
      out["issues"] = std::move(issues);  // an initializer list would copy the whole page
      return SbResponse::json(200, out);
    }
    return page_with_issues(out, rendered_issues(page, r, call.version,
                                                 params->fields.value_or(std::vector<std::string>{"id"}),
                                                 params->expand, params->properties));
  }

  const long long start = std::clamp(params->start_at, 0LL, total);
  const long long max = std::clamp(params->max_results.value_or(50), 0LL, k_dc_max_results);
  const std::vector<const IssueRecord*> page(hits.begin() + static_cast<std::ptrdiff_t>(start),
                                             hits.begin() + static_cast<std::ptrdiff_t>(std::min(total, start + max)));
  nlohmann::json out = {{"expand", "schema,names"}, {"startAt", start}, {"maxResults", max}, {"total", total}};
  if (!missing.empty()) out["warningMessages"] = missing;
  return page_with_issues(out, rendered_issues(page, r, call.version, params->fields, params->expand,
                                               params->properties));
#else
  return jira_error(400, {"JQL search is not available in this sandbox build."});
#endif
}

#if SANDBOX_HAVE_JQL
void JiraService::fill_jql_context(jql::EvalContext& ctx, const SbRequest& r) const {
  ctx.now = r.now;
  if (r.user.is_object()) {
    try {
      ctx.zone = date::locate_zone(r.user.value("timeZone", "UTC"));
    } catch (const std::exception&) {
      ctx.zone = nullptr;
    }
    ctx.current_user = user_id(r.user);
  }
  for (const auto& f : config_list("fields"))
    ctx.custom_field_ids_by_name[to_lower(f.value("name", ""))] = f.value("id", "");
  for (const auto& t : config_list("issuetypes"))
    if (t.value("subtask", false)) ctx.subtask_type_names.push_back(t.value("name", ""));
  // Searches run concurrently under the shared lock: the callbacks only read.
  ctx.watchers_of = [this](const std::string& issue_id) {
    std::vector<std::string> out;
    if (issue_id.empty() || !std::all_of(issue_id.begin(), issue_id.end(), ::isdigit) || issue_id.size() > 15) return out;
    auto it = m_issues.find(std::stoll(issue_id));
    if (it == m_issues.end()) return out;
    for (const auto& name : it->second.watchers) {
      const auto* u = find_user_by_ref({{"name", name}});
      if (!u) continue;
      for (const char* key : {"name", "key", "accountId", "emailAddress", "displayName"})
        if (auto v = u->value(key, ""); !v.empty()) out.push_back(v);
    }
    return out;
  };
  ctx.link_types_of = [this](const std::string& issue_id) {
    std::vector<std::string> out;
    for (const auto& link : m_links) {
      const auto type = link.value("type", nlohmann::json::object());
      // The link's inward issue reads it with the type's inward description ("is blocked by").
      if (link.value("inward", "") == issue_id) {
        out.push_back(type.value("name", ""));
        out.push_back(type.value("inward", ""));
      }
      if (link.value("outward", "") == issue_id) {
        out.push_back(type.value("name", ""));
        out.push_back(type.value("outward", ""));
      }
    }
    return out;
  };
}

std::vector<std::string> JiraService::missing_values(const std::vector<jql::ValueRef>& refs) const {
  const bool cloud = m_options.flavor == Flavor::Cloud;
  auto same = [](const std::string& a, const std::string& b) { return to_lower(a) == to_lower(b); };
  // True if an entry of the seed list has `value` under one of `keys` (case-insensitively).
  auto in_list = [&](const nlohmann::json& list, std::initializer_list<const char*> keys, const std::string& value) {
    return std::any_of(list.begin(), list.end(), [&](const nlohmann::json& entry) {
      return std::any_of(keys.begin(), keys.end(), [&](const char* key) {
        const auto it = entry.find(key);
        return it != entry.end() && same(id_text(*it), value);
      });
    });
  };
  std::vector<std::string> out;
  for (const auto& ref : refs) {
    const std::string& v = ref.value;
    bool exists = false;
    switch (ref.domain) {
      case jql::ValueDomain::Project: exists = in_list(config_list("projects"), {"id", "key", "name"}, v); break;
      case jql::ValueDomain::Status: exists = in_list(config_list("statuses"), {"id", "name"}, v); break;
      case jql::ValueDomain::Priority: exists = in_list(config_list("priorities"), {"id", "name"}, v); break;
      case jql::ValueDomain::IssueType: exists = in_list(config_list("issuetypes"), {"id", "name"}, v); break;
      case jql::ValueDomain::Version: exists = in_list(config_list("versions"), {"id", "name"}, v); break;
      case jql::ValueDomain::Component: exists = in_list(config_list("components"), {"id", "name"}, v); break;
      case jql::ValueDomain::Sprint: exists = in_list(config_list("sprints"), {"id", "name"}, v); break;
      case jql::ValueDomain::LinkType:
        exists = in_list(config_list("issueLinkTypes"), {"name", "inward", "outward"}, v);
        break;
      case jql::ValueDomain::User:
        // Data Center names users by user name (or key); Cloud by account id. Both take the
        // e-mail address and the full name.
        exists = cloud ? in_list(m_users, {"accountId", "emailAddress", "displayName"}, v)
                       : in_list(m_users, {"name", "key", "emailAddress", "displayName"}, v);
        break;
    }
    if (exists) continue;
    const bool by_id = ref.domain != jql::ValueDomain::User && !v.empty() &&
                       std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    std::string message = by_id ? fmt::format("A value with ID '{}' does not exist for the field '{}'.", v, ref.field)
                                : fmt::format("The value '{}' does not exist for the field '{}'.", v, ref.field);
    if (std::find(out.begin(), out.end(), message) == out.end()) out.push_back(std::move(message));
  }
  return out;
}

SbResponse JiraService::jql_parse_call(const Call& call) {
  const auto& r = call.request;
  const std::string validation = r.param("validation").value_or("strict");
  if (validation != "strict" && validation != "warn" && validation != "none")
    return jira_error(400, {fmt::format("Invalid validation value: '{}'. Valid values are strict, warn and none.", validation)});
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("queries") || !body["queries"].is_array())
    return jira_error(400, {"The request body must be an object with a \"queries\" list."});
  jql::EvalContext ctx;
  fill_jql_context(ctx, r);
  nlohmann::json parsed = nlohmann::json::array();
  for (const auto& q : body["queries"]) {
    if (!q.is_string() || q.get<std::string>().empty()) return jira_error(400, {"Each query must be a non-empty string."});
    const std::string text = q.get<std::string>();
    nlohmann::json entry = {{"query", text}};
    auto query = jql::parse(text, ctx);
    if (!query) {
      entry["errors"] = nlohmann::json::array({query.error()});
      parsed.push_back(std::move(entry));
      continue;
    }
    const auto missing = validation == "none" ? std::vector<std::string>{} : missing_values(jql::value_refs(**query));
    if (!missing.empty() && validation == "strict") {
      entry["errors"] = missing;
    } else {
      entry["structure"] = jql::structure(**query);
      if (!missing.empty()) entry["warnings"] = missing;
    }
    parsed.push_back(std::move(entry));
  }
  return SbResponse::json(200, {{"queries", parsed}});
}
#else
void JiraService::fill_jql_context(jql::EvalContext&, const SbRequest&) const {}
std::vector<std::string> JiraService::missing_values(const std::vector<jql::ValueRef>&) const { return {}; }
SbResponse JiraService::jql_parse_call(const Call&) { return jira_error(400, {"JQL is not available in this sandbox build."}); }
#endif

// ----------------------------------------------------------------------------------- filters

SbResponse JiraService::filter_call(const Call& call) {
  const auto& r = call.request;
  const auto& s = call.segments;
  const std::string me = user_id(r.user);
  const std::string root = r.base_url + (call.version == ApiVersion::V3 ? "/rest/api/3" : "/rest/api/2");
  auto rendered = [&](const nlohmann::json& f) {
    const auto* owner = find_user_by_id(f.value("owner", ""));
    return nlohmann::json{{"self", fmt::format("{}/filter/{}", root, f.value("id", ""))},
                          {"id", f.value("id", "")},
                          {"name", f.value("name", "")},
                          {"description", f.value("description", "")},
                          {"owner", owner ? user_json(*owner, r) : nlohmann::json(nullptr)},
                          {"jql", f.value("jql", "")},
                          {"viewUrl", fmt::format("{}/issues/?filter={}", r.base_url, f.value("id", ""))},
                          {"searchUrl", fmt::format("{}/search?jql={}", root, query_encode(f.value("jql", "")))},
                          {"favourite", f.value("favourite", false)},
                          {"favouritedCount", f.value("favourite", false) ? 1 : 0},
                          {"sharePermissions", f.value("sharePermissions", nlohmann::json::array())},
                          {"editPermissions", nlohmann::json::array()}};
  };
  auto validate = [&](const nlohmann::json& body, const std::string& own_id) -> std::optional<SbResponse> {
    const std::string name = body.value("name", "");
    if (name.empty()) return jira_error(400, {}, {{"filterName", "You must specify a name to save this filter as."}});
    if (name.size() > 255) return jira_error(400, {}, {{"filterName", "The filter name must be less than 255 characters."}});
    for (const auto& f : m_filters)
      if (f.value("owner", "") == me && f.value("name", "") == name && f.value("id", "") != own_id)
        return jira_error(400, {}, {{"filterName", "Filter with same name already exists."}});
#if SANDBOX_HAVE_JQL
    if (auto parsed = jql::parse(body.value("jql", "")); !parsed) return jira_error(400, {}, {{"jql", parsed.error()}});
#endif
    return std::nullopt;
  };
  auto find = [&](const std::string& id) {
    return std::find_if(m_filters.begin(), m_filters.end(), [&](const nlohmann::json& f) { return f.value("id", "") == id; });
  };
  nlohmann::json body = nlohmann::json::object();
  if (!r.body.empty()) {
    body = nlohmann::json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return jira_error(400, {"The request body is not valid JSON."});
  }
  if (s.size() == 1 && r.method == "POST") {
    if (auto bad = validate(body, "")) return *bad;
    nlohmann::json f = {{"id", std::to_string(m_next_id++)}, {"name", body.value("name", "")},
                        {"description", body.value("description", "")}, {"jql", body.value("jql", "")},
                        {"owner", me}, {"favourite", body.value("favourite", true)},
                        {"sharePermissions", body.value("sharePermissions", nlohmann::json::array())}};
    m_filters.push_back(f);
    return SbResponse::json(200, rendered(f));
  }
  if (s.size() == 2 && r.method == "GET" && (s[1] == "my" || s[1] == "favourite")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : m_filters)
      if (s[1] == "my" ? f.value("owner", "") == me : f.value("favourite", false)) out.push_back(rendered(f));
    return SbResponse::json(200, out);
  }
  if (s.size() == 2 && r.method == "GET" && s[1] == "search") {
    const std::string name = to_lower(r.param("filterName").value_or(""));
    const std::string owner = r.param("accountId").value_or(r.param("owner").value_or(""));
    const long long start = number_param(r.param("startAt"), 0);
    const long long max = std::clamp(number_param(r.param("maxResults"), 50), 1LL, 100LL);
    std::vector<nlohmann::json> found;
    for (const auto& f : m_filters) {
      if (!name.empty() && to_lower(f.value("name", "")).find(name) == std::string::npos) continue;
      if (!owner.empty() && f.value("owner", "") != owner) continue;
      found.push_back(f);
    }
    nlohmann::json values = nlohmann::json::array();
    for (long long i = start; i < static_cast<long long>(found.size()) && i < start + max; ++i)
      values.push_back(rendered(found[static_cast<std::size_t>(i)]));
    return SbResponse::json(200, {{"self", root + "/filter/search"}, {"maxResults", max}, {"startAt", start},
                                  {"total", found.size()}, {"isLast", start + max >= static_cast<long long>(found.size())},
                                  {"values", values}});
  }
  if (s.size() == 2) {
    auto it = find(s[1]);
    if (it == m_filters.end())
      return jira_error(404, {"The selected filter is not available to you, perhaps it has been deleted or had its permissions changed."});
    if (r.method == "GET") return SbResponse::json(200, rendered(*it));
    if (it->value("owner", "") != me) return jira_error(403, {"You do not have permission to edit this filter."});
    if (r.method == "PUT") {
      nlohmann::json merged = *it;
      for (const char* key : {"name", "description", "jql", "favourite", "sharePermissions"})
        if (body.contains(key)) merged[key] = body[key];
      if (auto bad = validate(merged, it->value("id", ""))) return *bad;
      *it = merged;
      return SbResponse::json(200, rendered(*it));
    }
    if (r.method == "DELETE") {
      m_filters.erase(it);
      return SbResponse::no_content();
    }
  }
  return jira_error(405, {"Method not allowed."});
}

// ------------------------------------------------------------------------------------ agile

std::optional<SbResponse> JiraService::route_agile(const SbRequest& request, const std::vector<std::string>& segments) {
  if (!segments.empty() && segments[0] == "board") return board_call(request, segments);
  return std::nullopt;
}

SbResponse JiraService::board_call(const SbRequest& r, const std::vector<std::string>& s) {
  auto rendered = [&](const nlohmann::json& b) {
    nlohmann::json out = {{"id", b.value("id", 0LL)},
                          {"self", fmt::format("{}/rest/agile/1.0/board/{}", r.base_url, b.value("id", 0LL))},
                          {"name", b.value("name", "")},
                          {"type", b.value("type", "")}};
    if (b.contains("location")) out["location"] = b["location"];
    return out;
  };
  if (s.size() == 1 && r.method == "POST") {
    auto body = r.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return jira_error(400, {"The request body is not valid JSON."});
    const std::string name = body.value("name", "");
    if (name.empty() || name.size() >= 255) return jira_error(400, {"Board name must be set and shorter than 255 characters."});
    const std::string type = body.value("type", "");
    if (type != "kanban" && type != "scrum") return jira_error(400, {"Board type must be 'kanban' or 'scrum'."});
    const std::string filter_id = body.contains("filterId") ? (body["filterId"].is_string() ? body["filterId"].get<std::string>()
                                                                                          : body["filterId"].dump())
                                                            : "";
    auto filter = std::find_if(m_filters.begin(), m_filters.end(),
                               [&](const nlohmann::json& f) { return f.value("id", "") == filter_id; });
    if (filter == m_filters.end()) return jira_error(400, {fmt::format("Filter with id '{}' does not exist.", filter_id)});
    nlohmann::json board = {{"id", m_next_id++}, {"name", name}, {"type", type}, {"filterId", filter_id}};
    if (body.contains("location") && body["location"].is_object()) {
      const auto& loc = body["location"];
      std::string ref = loc.contains("projectKeyOrId") ? (loc["projectKeyOrId"].is_string() ? loc["projectKeyOrId"].get<std::string>()
                                                                                            : loc["projectKeyOrId"].dump())
                                                       : "";
      const auto* project = find_project(ref);
      if (!project) return jira_error(400, {fmt::format("Project '{}' does not exist.", ref)});
      // The answer's location is a BoardLocationBean (no "type", unlike the request's LocationBean).
      const std::string display = fmt::format("{} ({})", project->value("name", ""), project->value("key", ""));
      board["location"] = {{"projectId", std::stoll(project->value("id", "0"))}, {"projectKey", project->value("key", "")},
                           {"projectName", project->value("name", "")}, {"projectTypeKey", "software"},
                           {"displayName", display}, {"name", display}};
    }
    m_boards.push_back(board);
    return SbResponse::json(201, rendered(board));
  }
  if (s.size() == 1 && r.method == "GET") {
    const long long start = number_param(r.param("startAt"), 0);
    const long long max = std::clamp(number_param(r.param("maxResults"), 50), 1LL, 50LL);
    std::vector<nlohmann::json> found;
    for (const auto& b : m_boards) {
      if (auto name = r.param("name"); name && to_lower(b.value("name", "")).find(to_lower(*name)) == std::string::npos) continue;
      if (auto type = r.param("type"); type && b.value("type", "") != *type) continue;
      if (auto filter = r.param("filterId"); filter && b.value("filterId", "") != *filter) continue;
      if (auto project = r.param("projectKeyOrId"); project) {
        const auto& loc = b.value("location", nlohmann::json::object());
        if (loc.value("projectKey", "") != *project && std::to_string(loc.value("projectId", 0LL)) != *project) continue;
      }
      found.push_back(b);
    }
    nlohmann::json values = nlohmann::json::array();
    for (long long i = start; i < static_cast<long long>(found.size()) && i < start + max; ++i)
      values.push_back(rendered(found[static_cast<std::size_t>(i)]));
    return SbResponse::json(200, {{"maxResults", max}, {"startAt", start}, {"total", found.size()},
                                  {"isLast", start + max >= static_cast<long long>(found.size())}, {"values", values}});
  }
  if (s.size() >= 2) {
    auto it = std::find_if(m_boards.begin(), m_boards.end(),
                           [&](const nlohmann::json& b) { return std::to_string(b.value("id", 0LL)) == s[1]; });
    if (it == m_boards.end()) return jira_error(404, {"Board does not exist or you do not have permission to see it."});
    if (s.size() == 2 && r.method == "GET") return SbResponse::json(200, rendered(*it));
    if (s.size() == 2 && r.method == "DELETE") {
      m_boards.erase(it);
      return SbResponse::no_content();
    }
    if (s.size() == 3 && s[2] == "configuration" && r.method == "GET") {
      nlohmann::json out = rendered(*it);
      out["filter"] = {{"id", it->value("filterId", "")},
                       {"self", fmt::format("{}/rest/api/2/filter/{}", r.base_url, it->value("filterId", ""))}};
      nlohmann::json columns = nlohmann::json::array();
      for (const auto& category : config_list("statusCategories")) {
        nlohmann::json statuses = nlohmann::json::array();
        for (const auto& st : config_list("statuses"))
          if (st.value("category", "") == category.value("key", ""))
            statuses.push_back({{"id", st.value("id", "")},
                                {"self", fmt::format("{}/rest/api/2/status/{}", r.base_url, st.value("id", ""))}});
        columns.push_back({{"name", category.value("name", "")}, {"statuses", statuses}});
      }
      out["columnConfig"] = {{"columns", columns}, {"constraintType", "none"}};
      out["ranking"] = {{"rankCustomFieldId", 10900}};
      return SbResponse::json(200, out);
    }
  }
  return jira_error(405, {"Method not allowed."});
}

// -------------------------------------------------------------------------------- HTML view

SbResponse JiraService::browse_page(const SbRequest& request, const std::string& key) {
  SbResponse page;
  page.content_type = "text/html; charset=utf-8";
  IssueRecord* record = find_issue(key);
  if (!record || request.method != "GET") {
    page.status = 404;
    page.body = "<!DOCTYPE html><html><body><h1>Issue does not exist</h1><p>" + html_escape(key) + "</p></body></html>";
    return page;
  }
  const auto issue = render_issue(*record, request, ApiVersion::V2, std::nullopt, {}, {});
  const auto& f = issue["fields"];
  auto text = [](const nlohmann::json& v) -> std::string {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
      std::string out;
      for (const auto& item : v)
        out += (out.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.value("name", item.value("value", "")));
      return out;
    }
    if (v.is_object()) return v.value("displayName", v.value("name", v.value("value", v.value("key", v.dump()))));
    return v.dump();
  };
  std::string html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + html_escape(issue.value("key", "")) +
                     "</title></head><body>\n";
  html += "<h1>" + html_escape(issue.value("key", "")) + ": " + html_escape(text(f["summary"])) + "</h1>\n<table>\n";
  auto row = [&](const std::string& label, const std::string& value) {
    html += "<tr><th>" + html_escape(label) + "</th><td>" + html_escape(value) + "</td></tr>\n";
  };
  for (const char* id : {"issuetype", "status", "priority", "assignee", "reporter", "created", "updated",
                         "resolutiondate", "duedate", "labels", "fixVersions"})
    row(id, text(f.value(id, nlohmann::json())));
  if (f.contains("parent")) row("parent", text(f["parent"]));
  for (const auto& field : config_list("fields"))
    row(field.value("name", ""), text_from_adf(is_adf_document(f.value(field.value("id", ""), nlohmann::json()))
                                                   ? f[field.value("id", "")]
                                                   : nlohmann::json(text(f.value(field.value("id", ""), nlohmann::json())))));
  html += "</table>\n<h2>Description</h2>\n<pre>" + html_escape(text_from_adf(f.value("description", nlohmann::json()))) + "</pre>\n";
  html += "<h2>Sub-tasks</h2>\n<ul>\n";
  for (const auto& st : f["subtasks"])
    html += "<li><a href=\"/browse/" + html_escape(st.value("key", "")) + "\">" + html_escape(st.value("key", "")) + "</a> " +
            html_escape(text(st["fields"]["summary"])) + " [" + html_escape(text(st["fields"]["status"])) + "]</li>\n";
  html += "</ul>\n<h2>Links</h2>\n<ul>\n";
  for (const auto& link : f["issuelinks"]) {
    const bool inward = link.contains("inwardIssue");
    const auto& other = inward ? link["inwardIssue"] : link["outwardIssue"];
    html += "<li>" + html_escape(link["type"].value(inward ? "inward" : "outward", "")) + " " +
            html_escape(other.value("key", "")) + "</li>\n";
  }
  for (const auto& link : record->remote_links) {
    const auto& obj = link["object"];
    html += "<li><a href=\"" + html_escape(obj.value("url", "")) + "\">" + html_escape(obj.value("title", "")) + "</a></li>\n";
  }
  html += "</ul>\n<h2>Comments</h2>\n";
  for (const auto& c : f["comment"]["comments"])
    html += "<div><p><b>" + html_escape(text(c["author"])) + "</b> " + html_escape(c.value("created", "")) + "</p><pre>" +
            html_escape(text_from_adf(c["body"])) + "</pre></div>\n";
  html += "</body></html>\n";
  page.body = std::move(html);
  return page;
}

}  // namespace sandbox
