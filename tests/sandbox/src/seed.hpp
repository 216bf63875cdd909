// The sandbox's built-in seed document (users, the FAULT project, its workflow, fields,
// versions and the Confluence space) and the rules for combining seed documents.
//
// Seed document: {"users":[{accountId,name,key,displayName,emailAddress,timeZone,active}],
//   "jira":{"projects","issuetypes","statusCategories","statuses","workflows","priorities",
//           "fields":[{id,name,type:select|textfield|textarea|datetime|datepicker|float|userpicker|labels|multiselect,options}],
//           "versions","components":[{id,name,projectId,description}],"issueLinkTypes","sprints"?,
//           "issues":[{"key"?,"fields":{create fields},"status"?,"created"?,"updated"?,"resolutiondate"?,
//                      "comments"?:[{"author":{"name":..},"body":..,"created":..}],"properties"?:[{key,value}]}]},
//   "confluence":{..}, "hooks":{..}, "rooms":{..}}   (each service reads its own part; rooms.hpp)
#pragma once

#include <nlohmann/json.hpp>

namespace sandbox {

// The default seed, built into the binary; a fresh copy on each call.
nlohmann::json default_seed();

// Merges `extra` into `base`: objects merge key by key, arrays are concatenated, any other
// value in `extra` replaces the one in `base`. The "mode" key of `extra` is ignored.
void merge_seed(nlohmann::json& base, const nlohmann::json& extra);

}  // namespace sandbox
