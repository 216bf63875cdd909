// The fidelity check of DESIGN.md section 6: faultline's own Jira and Confluence clients drive
// every endpoint faultline uses against faultline-sandbox, through `prism proxy --errors`
// with Atlassian's OpenAPI files (../shared/specs), on both flavors; Prism must report no
// request and no response violation except those allow-listed as defects of the files.
//
// One Prism per OpenAPI file, each on its own port; RoutingTransport sends every request to
// the proxy of the file that describes its path (Cloud: Jira platform v3, Jira Software agile,
// Confluence v2 and Confluence v1; Data Center: Jira and Confluence). No file is merged, so
// each count below belongs to exactly one file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "contract/contract_support.hpp"
#include "faultline/app/site_discovery.hpp"
#include "faultline/app/page_edits.hpp"
#include "faultline/confluence/client.hpp"
#include "faultline/confluence/page_properties.hpp"
#include "faultline/http/curl_transport.hpp"
#include "faultline/jira/client.hpp"
#include "support/sandbox_process.hpp"

namespace {

using faultline::Error;
using faultline::Result;
using namespace faultline::contract;

// Seconds a Prism may take to load its file (the Cloud platform file is 2.4 MB).
constexpr int k_prism_start_seconds = 240;

// The files, routes and credentials of one flavor.
struct FlavorPlan {
  std::string flavor;  // "cloud" | "datacenter"
  std::vector<SpecFile> specs;
  std::string confluence_context;  // "/wiki" | "/confluence"
  std::string user;                // "" = bearer token
};

FlavorPlan cloud_plan() {
  return {"cloud",
          {{"jira-cloud-v3", "", "/rest/"},
           {"jira-cloud-software-agile", "", "/rest/agile/"},
           {"confluence-cloud-v2", "/wiki/api/v2", "/wiki/api/v2/"},
           {"confluence-cloud-v1-2022", "", "/wiki/rest/api/"}},
          "/wiki",
          "oncall@example.com"};
}

FlavorPlan datacenter_plan() {
  return {"datacenter",
          {{"jira-dc-10.3", "/rest", "/rest/"}, {"confluence-dc-10.0.3", "/confluence", "/confluence/"}},
          "/confluence",
          ""};
}

// An error on one line: kind, message and the server's own words.
std::string describe(const Error& error) {
  std::string text = std::string(faultline::to_string(error.kind)) + ": " + error.message;
  for (const auto& detail : error.details) text += " | " + detail;
  return text;
}

// Runs the client calls one by one and records those that failed, without stopping at the
// first. A call that failed only because Prism replaced the sandbox's answer for allow-listed
// defects of the file (a POST that cannot be sent twice) is tolerated and listed apart.
class StepLog {
public:
  StepLog(const RoutingTransport& transport, const std::vector<AllowEntry>& allowlist)
      : m_transport(transport), m_allowlist(allowlist) {}

  // Runs `call` (returning a Result) and returns its result.
  template <class Call>
  auto run(const std::string& step, Call&& call) -> decltype(call()) {
    std::size_t first = m_transport.exchanges().size();
    auto result = call();
    ++m_count;
    if (!result && only_allow_listed_refusals(first))
      m_tolerated.push_back(step + ": Prism replaced the sandbox's answer for allow-listed violations only");
    else if (!result)
      m_failures.push_back(step + " -> " + describe(result.error()));
    return result;
  }
  // Records a failure that is not an Error (a missing value in an answer).
  void fail(const std::string& step, const std::string& why) { m_failures.push_back(step + " -> " + why); }
  const std::vector<std::string>& failures() const { return m_failures; }
  const std::vector<std::string>& tolerated() const { return m_tolerated; }
  int count() const { return m_count; }

private:
  // True when the exchanges since `first` include a Prism refusal and every refusal among
  // them was for allow-listed violations only.
  bool only_allow_listed_refusals(std::size_t first) const {
    auto exchanges = m_transport.exchanges();
    bool refused = false;
    for (std::size_t i = first; i < exchanges.size(); ++i) {
      const auto& exchange = exchanges[i];
      if (exchange.prism_error.empty()) continue;
      refused = true;
      for (const auto& violation :
           violations_in_answer(exchange.method, exchange.path, exchange.prism_error, exchange.body))
        if (!allowed(m_allowlist, exchange.spec, violation)) return false;
    }
    return refused;
  }

  const RoutingTransport& m_transport;
  const std::vector<AllowEntry>& m_allowlist;
  int m_count = 0;
  std::vector<std::string> m_failures;
  std::vector<std::string> m_tolerated;
};

// Every Jira endpoint faultline uses, in the order of a fault's life.
void drive_jira(faultline::jira::Client& jira, faultline::http::Transport& transport,
                const faultline::jira::Connection& connection, const std::string& tag, StepLog& steps) {
  using namespace faultline::jira;
  const bool cloud = jira.flavor() == Flavor::Cloud;
  const std::string project = "FAULT";

  if (!cloud) steps.run("detect_flavor", [&] { return detect_flavor(transport, connection); });
  steps.run("server_info", [&] { return jira.server_info(); });
  auto me = steps.run("myself", [&] { return jira.myself(); });
  steps.run("fields", [&] { return jira.fields(); });
  steps.run("project_statuses", [&] { return faultline::app::project_statuses(jira, project); });

  std::string fault_type = "10001", subtask_type = "10002";
  auto types = steps.run("issue_types", [&] { return jira.issue_types(project); });
  if (types) {
    for (const auto& type : *types) {
      if (type.name == "Fault") fault_type = type.id;
      if (type.subtask) subtask_type = type.id;
    }
  }
  steps.run("create_fields", [&] { return jira.create_fields(project, fault_type); });

  IssueInput fault;
  fault.fields = {{"project", {{"key", project}}},
                  {"issuetype", {{"id", fault_type}}},
                  {"summary", "Checkout down " + tag},
                  {"labels", {"fault", "contract"}},
                  {"duedate", "2026-12-01"},
                  {"customfield_10013", "payments"}};
  fault.text_fields["description"] = "**Impact**: checkout fails for *all* users.\n\n- step one\n- step two";
  fault.properties.push_back({"faultline", {{"version", 1}, {"dedupe", tag}}});
  auto created = steps.run("create_issue", [&] { return jira.create_issue(fault); });
  if (!created) return;
  const std::string key = created->key;

  std::vector<IssueInput> subtasks(2);
  for (std::size_t i = 0; i < subtasks.size(); ++i) {
    subtasks[i].fields = {{"project", {{"key", project}}},
                          {"issuetype", {{"id", subtask_type}}},
                          {"parent", {{"key", key}}},
                          {"summary", "Action " + std::to_string(i + 1) + " " + tag}};
  }
  // One step for the bulk call: its first per-item error, or every key.
  auto bulk = steps.run("create_issues", [&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> keys;
    for (const auto& item : jira.create_issues(subtasks).items) {
      if (!item) return std::unexpected(item.error());
      keys.push_back(item->key);
    }
    return keys;
  });
  std::vector<std::string> subtask_keys = bulk ? *bulk : std::vector<std::string>{};

  IssueQuery query;
  query.fields = {"summary", "status", "labels", "description"};
  query.properties = {"faultline"};
  query.changelog = Changelog::Include;
  steps.run("get_issue", [&] { return jira.get_issue(key, query); });

  IssueInput edit;
  edit.fields = {{"summary", "Checkout down (edited) " + tag}};
  edit.text_fields["description"] = "Updated **impact**.";
  edit.update = {{"labels", {{{"add", "reviewed"}}}}};
  steps.run("edit_issue", [&] { return jira.edit_issue(key, edit); });
  if (me) {
    steps.run("assign", [&] { return jira.assign(key, me->ref()); });
  }

  steps.run("transitions", [&] { return jira.transitions(key); });
  TransitionInput handling;
  handling.comment_markdown = "Handling started by **on-call**.";
  steps.run("transition_to_status", [&] { return jira.transition_to_status(key, "Handling", handling); });
  steps.run("get_issue changelog", [&] { return jira.get_issue(key, query); });

  steps.run("add_comment", [&] { return jira.add_comment(key, "Mitigation: *rolled back* to `v1.2`."); });
  steps.run("comments", [&] { return jira.comments(key); });

  auto users = steps.run("search_users", [&] { return jira.search_users("alice"); });
  if (users && !users->empty())
    steps.run("add_watcher", [&] { return jira.add_watcher(key, users->front().ref()); });
  steps.run("watchers", [&] { return jira.watchers(key); });

  RemoteLinkInput link;
  link.global_id = "faultline-review=" + tag;
  link.url = "https://wiki.example.com/pages/1";
  link.title = "Fault review";
  link.summary = "The review page";
  link.relationship = "fault review";
  link.application_type = "com.atlassian.confluence";
  link.application_name = "Confluence";
  steps.run("upsert_remote_link (create)", [&] { return jira.upsert_remote_link(key, link); });
  link.title = "Fault review (updated)";
  steps.run("upsert_remote_link (update)", [&] { return jira.upsert_remote_link(key, link); });
  steps.run("remote_links", [&] { return jira.remote_links(key); });
  steps.run("remote_links by global id", [&] { return jira.remote_links(key, link.global_id); });

  steps.run("set_property (create)", [&] { return jira.set_property(key, "faultline.review", {{"page", "1"}}); });
  steps.run("set_property (update)", [&] { return jira.set_property(key, "faultline.review", {{"page", "2"}}); });
  steps.run("property", [&] { return jira.property(key, "faultline.review"); });
  steps.run("property_keys", [&] { return jira.property_keys(key); });

  SearchRequest search;
  search.jql = "project = FAULT ORDER BY key ASC";
  search.fields = {"summary", "status"};
  search.properties = {"faultline"};
  search.page_size = 2;
  if (cloud) search.reconcile_issue_ids = {created->id};
  steps.run("search_page", [&] { return jira.search_page(search, "", 0); });
  steps.run("search (all pages)", [&] { return jira.search(search); });

  steps.run("project_versions", [&] { return jira.project_versions(project); });
  steps.run("issue_link_types", [&] { return jira.issue_link_types(); });
  if (!subtask_keys.empty())
    steps.run("link_issues", [&] { return jira.link_issues("Relates", key, subtask_keys.front(), "Same *root cause*."); });

  FilterInput filter_input{"Faults " + tag, "project = FAULT AND labels = fault", "Open faults"};
  auto filter = steps.run("create_filter", [&] { return jira.create_filter(filter_input); });
  if (filter) {
    filter_input.jql = "project = FAULT AND labels in (fault, contract)";
    steps.run("update_filter", [&] { return jira.update_filter(filter->id, filter_input); });
    auto found = steps.run("find_my_filter", [&] { return jira.find_my_filter(filter_input.name); });
    if (found && !*found) steps.fail("find_my_filter", "the new filter was not found");

    BoardInput board_input{"Faults board " + tag, BoardType::Kanban, filter->id, project};
    steps.run("create_board", [&] { return jira.create_board(board_input); });
    auto board = steps.run("find_board", [&] { return jira.find_board(board_input.name, project); });
    if (board && !*board) steps.fail("find_board", "the new board was not found");
  }

  if (subtask_keys.size() > 1) steps.run("delete_issue", [&] { return jira.delete_issue(subtask_keys.back()); });
}

// Every Confluence endpoint faultline uses: the review page's life.
void drive_confluence(faultline::confluence::Client& wiki, const std::string& tag, StepLog& steps) {
  using namespace faultline::confluence;
  const std::string space = "OPS";
  steps.run("find_space", [&] { return wiki.find_space(space); });
  auto parent = steps.run("find_page (parent)", [&] { return wiki.find_page(space, "Fault Reviews"); });
  std::string parent_id;
  if (parent && *parent) parent_id = (*parent)->id;

  std::string title = "Fault review " + tag;
  auto page = steps.run("create_page", [&] {
    return wiki.create_page(space, title, parent_id, "<h2>Timeline</h2><p>10:00 alert &amp; page</p>");
  });
  if (!page) return;
  auto current = steps.run("get_page", [&] { return wiki.get_page(page->id); });
  if (current) {
    steps.run("update_page", [&] {
      return wiki.update_page(*current, title, "<h2>Timeline</h2><p>10:05 rolled back</p>", "contract check");
    });
  }
  steps.run("find_page (new)", [&] { return wiki.find_page(space, title); });
  steps.run("add_labels", [&] { return wiki.add_labels(page->id, {"fault-review", "faultline-contract"}); });
  steps.run("labels", [&] { return wiki.labels(page->id); });
  steps.run("search", [&] { return wiki.search(page_search_cql(space, "Fault review", {"fault-review"}), 10); });
  steps.run("site_search", [&] {
    return wiki.site_search("type = page AND space = \"OPS\" AND label = \"fault-review\" AND text ~ \"\\\"rolled back\\\"\"", 10);
  });

  // The monthly report's page: chart attachments (new, then a new version) and its record.
  auto chart = steps.run("put_attachment (new)", [&] {
    return wiki.put_attachment(page->id, "faults-by-level.png", "image/png", std::string("\x89PNG\r\n\x1a\n\0\0", 10),
                               "faultline chart 1");
  });
  if (chart) {
    steps.run("put_attachment (version)", [&] {
      return wiki.put_attachment(page->id, "faults-by-level.png", "image/png", std::string("\x89PNG\r\n\x1a\n\1\1", 10),
                                 "faultline chart 2", &*chart);
    });
  }
  steps.run("attachments", [&] { return wiki.attachments(page->id); });
  steps.run("page_property (none)", [&] { return page_property(wiki, page->id, "faultline.report"); });
  auto created = steps.run("put_page_property (create)", [&] {
    return put_page_property(wiki, page->id, "faultline.report", {{"hash", "1"}}, std::nullopt);
  });
  if (created) {
    steps.run("put_page_property (update)", [&] {
      return put_page_property(wiki, page->id, "faultline.report", {{"hash", "2"}}, *created);
    });
  }
  steps.run("page_property", [&] { return page_property(wiki, page->id, "faultline.report"); });
  steps.run("current_version", [&] { return faultline::app::current_version(wiki, page->id); });
  steps.run("current_user_id", [&] { return faultline::app::current_user_id(wiki); });
}

// One violation for the report: where it came from and whether the allow-list covers it.
struct Finding {
  std::string spec;
  Violation violation;
  bool allow_listed = false;
};

// Runs the whole check for one flavor and asserts its outcome.
void check_flavor(const FlavorPlan& plan) {
  auto prism = find_prism();
  REQUIRE(prism.missing_reason.empty());
  const char* specs_env = std::getenv("FAULTLINE_SPECS_DIR");
  REQUIRE(specs_env != nullptr);
  const std::filesystem::path specs_dir = specs_env;
  auto allowlist = load_allowlist(contract_dir() / "allowlist.json");

  TempDir work;
  faultline::testing::SandboxProcess sandbox(plan.flavor);

  // Start every proxy first, then wait: the files load in parallel. A spec with allow-listed
  // request or response violations gets a lenient proxy too, for RoutingTransport's replays.
  std::vector<std::unique_ptr<PrismProcess>> strict, lenient;
  for (const auto& spec : plan.specs) {
    auto file = prepare_spec(specs_dir, spec, allowlist, work.path());
    strict.push_back(std::make_unique<PrismProcess>(prism.prism, file, sandbox.url(),
                                                    work.path() / (spec.name + ".strict.log"), PrismMode::Strict));
    bool has_defects = std::any_of(allowlist.begin(), allowlist.end(), [&](const AllowEntry& entry) {
      return entry.spec == spec.name && entry.kind != "security";
    });
    lenient.push_back(has_defects ? std::make_unique<PrismProcess>(prism.prism, file, sandbox.url(),
                                                                   work.path() / (spec.name + ".lenient.log"),
                                                                   PrismMode::Lenient)
                                  : nullptr);
  }
  std::vector<RoutingTransport::Route> routes;
  for (std::size_t i = 0; i < plan.specs.size(); ++i) {
    strict[i]->wait_until_listening(k_prism_start_seconds);
    if (lenient[i]) lenient[i]->wait_until_listening(k_prism_start_seconds);
    routes.push_back({plan.specs[i].route, strict[i]->url(), lenient[i] ? lenient[i]->url() : "", plan.specs[i].name});
  }

  auto curl = faultline::http::make_curl_transport();
  RoutingTransport transport(*curl, routes, allowlist);
  const std::string tag = "contract-" + plan.flavor;
  StepLog steps(transport, allowlist);

  faultline::jira::Connection jira_connection{sandbox.url(), plan.user, "sandbox-token",
                                              faultline::jira::AuthScheme::Auto};
  faultline::jira::Client jira(transport, jira_connection,
                               plan.flavor == "cloud" ? faultline::jira::Flavor::Cloud
                                                      : faultline::jira::Flavor::DataCenter);
  drive_jira(jira, transport, jira_connection, tag, steps);

  faultline::confluence::Connection wiki_connection{sandbox.url() + plan.confluence_context, plan.user,
                                                    "sandbox-token", faultline::confluence::AuthScheme::Auto};
  faultline::confluence::Client wiki(transport, wiki_connection,
                                     plan.flavor == "cloud" ? faultline::confluence::Flavor::Cloud
                                                            : faultline::confluence::Flavor::DataCenter);
  drive_confluence(wiki, tag, steps);

  for (auto& proxy : strict) proxy->stop();
  for (auto& proxy : lenient)
    if (proxy) proxy->stop();
  sandbox.stop();

  // Gather, without counting one violation twice: those in the answers Prism made up, and
  // those only the logs have (warnings, and whatever the lenient proxies let through).
  std::vector<Finding> findings;
  std::set<std::tuple<std::string, std::string, std::string, std::string, std::string>> seen;
  auto add = [&](const std::string& spec, const Violation& violation) {
    if (!seen.insert({spec, violation.method, violation.path, violation.kind, violation.message}).second) return;
    findings.push_back({spec, violation, allowed(allowlist, spec, violation)});
  };
  std::map<std::string, int> requests, replays, refused_answers, refused_logged;
  for (const auto& exchange : transport.exchanges()) {
    ++(exchange.lenient ? replays : requests)[exchange.spec];
    if (exchange.prism_error.empty()) continue;
    ++refused_answers[exchange.spec];
    for (const auto& violation :
         violations_in_answer(exchange.method, exchange.path, exchange.prism_error, exchange.body))
      add(exchange.spec, violation);
  }
  for (std::size_t i = 0; i < plan.specs.size(); ++i) {
    for (const auto* proxy : {strict[i].get(), lenient[i].get()}) {
      if (proxy == nullptr) continue;
      auto log = parse_prism_log(proxy->log());
      refused_logged[plan.specs[i].name] += log.refused;
      for (const auto& violation : log.violations) add(plan.specs[i].name, violation);
    }
  }

  // The per-file table.
  std::printf("\nPrism contract check, %s flavor\n", plan.flavor.c_str());
  std::printf("%-26s %9s %8s %19s %20s %13s\n", "OpenAPI file", "requests", "replays", "request violations",
              "response violations", "allow-listed");
  for (const auto& spec : plan.specs) {
    int request_count = 0, response_count = 0, allow_count = 0;
    for (const auto& finding : findings) {
      if (finding.spec != spec.name) continue;
      if (finding.allow_listed) ++allow_count;
      else if (finding.violation.kind == "request") ++request_count;
      else ++response_count;
    }
    std::printf("%-26s %9d %8d %19d %20d %13d\n", spec.name.c_str(), requests[spec.name], replays[spec.name],
                request_count, response_count, allow_count);
  }
  for (const auto& finding : findings)
    std::printf("  %s %-8s %s %s %s: %s\n", finding.allow_listed ? "allowed  " : "VIOLATION", finding.spec.c_str(),
                finding.violation.kind.c_str(), finding.violation.method.c_str(), finding.violation.path.c_str(),
                finding.violation.message.c_str());
  for (const auto& entry : allowlist) {
    bool in_plan = std::any_of(plan.specs.begin(), plan.specs.end(), [&](const SpecFile& spec) { return spec.name == entry.spec; });
    bool used = std::any_of(findings.begin(), findings.end(), [&](const Finding& finding) {
      return finding.spec == entry.spec && allowed({entry}, finding.spec, finding.violation);
    });
    if (in_plan && entry.kind != "security" && !used)
      std::printf("  allow-list entry not needed in this run: %s %s %s %s\n", entry.spec.c_str(), entry.method.c_str(),
                  entry.path.c_str(), entry.kind.c_str());
  }
  for (const auto& step : steps.tolerated()) std::printf("  tolerated: %s\n", step.c_str());
  std::printf("client calls: %d, failed: %zu, failed only for allow-listed defects: %zu\n", steps.count(),
              steps.failures().size(), steps.tolerated().size());
  std::fflush(stdout);

  for (const auto& spec : plan.specs) {
    {
      INFO("no request reached the proxy of " << spec.name << " (route " << spec.route << ")");
      CHECK(requests[spec.name] > 0);
    }
    {
      INFO("the answers Prism made up itself for " << spec.name << " are all in its log");
      CHECK(refused_answers[spec.name] == refused_logged[spec.name]);
    }
  }
  for (const auto& finding : findings) {
    if (finding.allow_listed) continue;
    FAIL_CHECK(finding.spec << ": " << finding.violation.kind << " violation on " << finding.violation.method << " "
                            << finding.violation.path << ": " << finding.violation.message);
  }
  for (const auto& failure : steps.failures()) FAIL_CHECK("client call failed through Prism: " << failure);
}

}  // namespace

TEST_CASE("faultline's Cloud requests and the sandbox's Cloud answers conform to Atlassian's OpenAPI files",
          "[contract][cloud]") {
  check_flavor(cloud_plan());
}

TEST_CASE("faultline's Data Center requests and the sandbox's Data Center answers conform to Atlassian's OpenAPI files",
          "[contract][datacenter]") {
  check_flavor(datacenter_plan());
}
