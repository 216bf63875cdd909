#include "seed.hpp"

namespace sandbox {

namespace {

// Kept as JSON text so that it reads like the --seed files people write by hand.
constexpr const char* k_default_seed = R"json({
  "users": [
    {"accountId": "5b10a2844c20165700ede21a", "name": "alice", "key": "JIRAUSER10101",
     "displayName": "Alice Archer", "emailAddress": "alice@example.com",
     "timeZone": "Asia/Shanghai", "active": true},
    {"accountId": "5b10a2844c20165700ede21b", "name": "bob", "key": "JIRAUSER10102",
     "displayName": "Bob Baker", "emailAddress": "bob@example.com",
     "timeZone": "Asia/Shanghai", "active": true},
    {"accountId": "5b10a2844c20165700ede21c", "name": "carol", "key": "JIRAUSER10103",
     "displayName": "Carol Chen", "emailAddress": "carol@example.com",
     "timeZone": "Europe/Berlin", "active": true},
    {"accountId": "5b10a2844c20165700ede21d", "name": "dave", "key": "JIRAUSER10104",
     "displayName": "Dave Dunn (coordinator)", "emailAddress": "dave@example.com",
     "timeZone": "Asia/Shanghai", "active": true},
    {"accountId": "5b10a2844c20165700ede21e", "name": "oncall", "key": "JIRAUSER10105",
     "displayName": "On-call Engineer", "emailAddress": "oncall@example.com",
     "timeZone": "UTC", "active": true}
  ],
  "jira": {
    "projects": [
      {"id": "10000", "key": "FAULT", "name": "Faults", "lead": "dave",
       "issueTypes": ["10001", "10002"]}
    ],
    "issuetypes": [
      {"id": "10001", "name": "Fault", "subtask": false, "hierarchyLevel": 0,
       "description": "An online fault (incident).", "workflow": "fault"},
      {"id": "10002", "name": "Sub-task", "subtask": true, "hierarchyLevel": -1,
       "description": "A fault review action.", "workflow": "subtask"}
    ],
    "statusCategories": [
      {"id": 2, "key": "new", "name": "To Do", "colorName": "blue-gray"},
      {"id": 4, "key": "indeterminate", "name": "In Progress", "colorName": "yellow"},
      {"id": 3, "key": "done", "name": "Done", "colorName": "green"}
    ],
    "statuses": [
      {"id": "10100", "name": "Reported", "category": "new"},
      {"id": "10101", "name": "Handling", "category": "indeterminate"},
      {"id": "10102", "name": "Recovered", "category": "indeterminate"},
      {"id": "10103", "name": "Reviewing", "category": "indeterminate"},
      {"id": "10104", "name": "Closed", "category": "done"},
      {"id": "10110", "name": "To Do", "category": "new"},
      {"id": "10111", "name": "In Progress", "category": "indeterminate"},
      {"id": "10112", "name": "Done", "category": "done"}
    ],
    "workflows": {
      "fault": {
        "initial": "10100",
        "transitions": [
          {"id": "11", "name": "Start Handling", "from": ["10100"], "to": "10101"},
          {"id": "21", "name": "Recover", "from": ["10100", "10101"], "to": "10102"},
          {"id": "31", "name": "Start Review", "from": ["10102"], "to": "10103"},
          {"id": "41", "name": "Close", "from": ["10100", "10101", "10102", "10103"], "to": "10104"},
          {"id": "51", "name": "Reopen", "from": ["10102", "10103", "10104"], "to": "10101"}
        ]
      },
      "subtask": {
        "initial": "10110",
        "transitions": [
          {"id": "111", "name": "Start Progress", "from": ["10110"], "to": "10111"},
          {"id": "121", "name": "Done", "from": ["10110", "10111"], "to": "10112"},
          {"id": "131", "name": "Reopen", "from": ["10112"], "to": "10110"}
        ]
      }
    },
    "priorities": [
      {"id": "1", "name": "Highest"}, {"id": "2", "name": "High"}, {"id": "3", "name": "Medium"},
      {"id": "4", "name": "Low"}, {"id": "5", "name": "Lowest"},
      {"id": "10001", "name": "P1"}, {"id": "10002", "name": "P2"},
      {"id": "10003", "name": "P3"}, {"id": "10004", "name": "P4"}
    ],
    "defaultPriority": "3",
    "fields": [
      {"id": "customfield_10010", "name": "Fault Level", "type": "select",
       "options": ["P1", "P2", "P3", "P4"]},
      {"id": "customfield_10011", "name": "Fault Type", "type": "select",
       "options": ["Code Defect", "Configuration", "Capacity", "Dependency", "Hardware",
                   "Network", "Security", "Data", "Other"]},
      {"id": "customfield_10012", "name": "Fault Source", "type": "select",
       "options": ["customer", "internal", "monitoring", "ci"]},
      {"id": "customfield_10013", "name": "Team", "type": "textfield"},
      {"id": "customfield_10014", "name": "Business Unit", "type": "textfield"},
      {"id": "customfield_10015", "name": "Service", "type": "textfield"},
      {"id": "customfield_10016", "name": "Started At", "type": "datetime"},
      {"id": "customfield_10017", "name": "Recovered At", "type": "datetime"},
      {"id": "customfield_10018", "name": "Dedupe Key", "type": "textfield"},
      {"id": "customfield_10019", "name": "Impact", "type": "textarea"}
    ],
    "versions": [
      {"id": "10200", "name": "2026.08.1", "projectId": 10000, "released": true,
       "archived": false, "releaseDate": "2026-08-04"},
      {"id": "10201", "name": "2026.09.1", "projectId": 10000, "released": true,
       "archived": false, "releaseDate": "2026-09-08"},
      {"id": "10202", "name": "2026.10.1", "projectId": 10000, "released": true,
       "archived": false, "releaseDate": "2026-10-06"},
      {"id": "10203", "name": "2026.10.2", "projectId": 10000, "released": true,
       "archived": false, "releaseDate": "2026-10-20"},
      {"id": "10204", "name": "2026.11.1", "projectId": 10000, "released": true,
       "archived": false, "releaseDate": "2026-11-10"},
      {"id": "10205", "name": "2026.12.1", "projectId": 10000, "released": false,
       "archived": false, "releaseDate": "2026-12-08"}
    ],
    "components": [
      {"id": "10300", "name": "Payments", "projectId": 10000, "description": "Payment services."},
      {"id": "10301", "name": "Platform", "projectId": 10000, "description": "Shared infrastructure."}
    ],
    "issueLinkTypes": [
      {"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks"},
      {"id": "10001", "name": "Cloners", "inward": "is cloned by", "outward": "clones"},
      {"id": "10002", "name": "Duplicate", "inward": "is duplicated by", "outward": "duplicates"},
      {"id": "10003", "name": "Relates", "inward": "relates to", "outward": "relates to"},
      {"id": "10004", "name": "Problem/Incident", "inward": "is caused by", "outward": "causes"}
    ],
    "issues": []
  },
  "confluence": {
    "spaces": [{"key": "OPS", "name": "Operations", "id": "98304"}],
    "pages": [{"id": "65601", "title": "Fault Reviews", "space": "OPS", "parent": null,
               "body": "<p>Fault review reports.</p>", "version": 1}]
  },
  "rooms": {
    "slack": {"token": "sandbox-slack-bot-token", "bot_user": "U0SANDBOT", "users": ["U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"]},
    "feishu": {"app_id": "cli_sandbox", "app_secret": "sandbox-secret", "users": ["ou_alice", "ou_bob", "ou_carol", "ou_dave"]},
    "dingtalk": {"appkey": "dingsandbox", "appsecret": "sandbox-secret", "template_id": "sandbox-template",
                 "robot_code": "dingsandbox", "users": ["alice", "bob", "carol", "dave"]},
    "wecom": {"corpid": "wwsandbox", "corpsecret": "sandbox-secret", "users": ["alice", "bob", "carol", "dave"]}
  }
})json";

}  // namespace

nlohmann::json default_seed() { return nlohmann::json::parse(k_default_seed); }

void merge_seed(nlohmann::json& base, const nlohmann::json& extra) {
  if (!extra.is_object() || !base.is_object()) {
    base = extra;
    return;
  }
  for (const auto& [key, value] : extra.items()) {
    if (key == "mode") continue;
    auto it = base.find(key);
    if (it == base.end()) {
      base[key] = value;
    } else if (it->is_object() && value.is_object()) {
      merge_seed(*it, value);
    } else if (it->is_array() && value.is_array()) {
      for (const auto& item : value) it->push_back(item);
    } else {
      *it = value;
    }
  }
}

}  // namespace sandbox
