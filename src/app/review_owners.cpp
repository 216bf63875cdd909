// Review action owners against Jira: the check `review publish` and `review render` share.
#include "faultline/app/review_owners.hpp"

namespace faultline::app {

Result<ReviewOwners> check_review_owners(ActionRepository& actions, const core::ReviewDoc& doc, std::string_view file) {
  ReviewOwners owners;
  for (const auto& action : doc.actions) {
    std::optional<jira::UserRef> assignee;
    if (!action.owner.empty()) {
      auto owner = actions.resolve_owner(action.owner);
      if (owner) assignee = *owner;
      else if (owner.error().kind == ErrorKind::Usage)  // Jira knows no such user
        owners.problems.push_back({std::string(file), action.line, "owner", owner.error().message});
      else
        return std::unexpected(owner.error());
    }
    owners.assignees.push_back(std::move(assignee));
  }
  return owners;
}

}  // namespace faultline::app
