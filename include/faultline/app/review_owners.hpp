// The owners of a review file's actions checked against Jira, by the rules `review publish`
// applies before its first write, so `review render` can apply the same ones.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "faultline/app/action_repository.hpp"
#include "faultline/core/review.hpp"

namespace faultline::app {

// Each action's owner as Jira knows it, and the owners it does not know.
struct ReviewOwners {
  // One entry per action of the file, in order: the resolved owner, or nullopt when the action
  // names none (an existing sub-task keeps its assignee) or Jira knows no such user.
  std::vector<std::optional<jira::UserRef>> assignees;
  // One problem per owner Jira does not know: file:line of its [[action]], field "owner", and
  // resolve_user's message naming the owner and how to fix it.
  std::vector<core::ReviewProblem> problems;
};

// Resolves the owner of every action of `doc` that names one (ActionRepository::resolve_owner,
// cached per name). Error: a lookup that failed for another reason than "no such user"
// (network, permission): the caller decides whether that stops it.
Result<ReviewOwners> check_review_owners(ActionRepository& actions, const core::ReviewDoc& doc, std::string_view file);

}  // namespace faultline::app
