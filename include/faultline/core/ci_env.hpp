// The CI context of a rollback step: which provider, repository, commit and run, read from
// the documented variables of GitHub Actions, GitLab CI/CD and Jenkins only (never the whole
// environment: CI environments hold tokens). Pure: the environment comes in as a function.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "faultline/core/fault.hpp"
#include "faultline/core/time.hpp"
#include "faultline/util/error.hpp"

namespace faultline::core {

// What a CI run says about itself. Strings are "" when the provider does not say.
struct CiContext {
  std::string provider;       // github | gitlab | jenkins | "" (not in CI)
  std::string repository;     // owner/repo, group/project, or the Git URL (credentials removed)
  std::string commit;
  std::string ref;            // branch or tag name
  std::string run_id;         // the same across re-runs of one run
  std::string run_attempt;    // GitHub only
  std::string run_url;
  std::string actor;
  std::string environment;    // GitLab CI_ENVIRONMENT_NAME
  std::string pipeline_name;  // GitHub workflow, Jenkins job name
  std::string job_id;         // GitLab CI_JOB_ID
  std::string job_url;        // GitLab CI_JOB_URL
};

// Looks up one environment variable; nothing when unset.
using GetEnv = std::function<std::optional<std::string>(std::string_view)>;

// Detects the provider (GITHUB_ACTIONS=true, then GITLAB_CI=true, then JENKINS_URL set) and
// reads its variables:
//   github:  GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF_NAME, GITHUB_RUN_ID,
//            GITHUB_RUN_ATTEMPT, GITHUB_ACTOR, GITHUB_WORKFLOW; run URL =
//            $GITHUB_SERVER_URL (default https://github.com)/repo/actions/runs/id, plus
//            /attempts/n for a re-run attempt (n > 1);
//   gitlab:  CI_PROJECT_PATH, CI_COMMIT_SHA, CI_COMMIT_REF_NAME, CI_PIPELINE_ID,
//            CI_PIPELINE_URL (else CI_JOB_URL), CI_JOB_ID, GITLAB_USER_LOGIN,
//            CI_ENVIRONMENT_NAME (GitLab documents no retry attempt variable);
//   jenkins: GIT_URL (user:password@ removed), GIT_COMMIT, GIT_BRANCH (else BRANCH_NAME),
//            BUILD_NUMBER, BUILD_URL, JOB_NAME, BUILD_USER_ID (Build User Vars plugin).
// Not in CI: an empty context (provider "").
CiContext detect_ci(const GetEnv& getenv);

// A stable identity for one rollback: "rb:<provider or manual>:<16 hex FNV-1a>" of
// provider, repository, pipeline name, run id, service, from and to versions. The attempt
// is left out, so a re-run attempt of the same run is the same rollback.
std::string rollback_dedupe_key(const CiContext& ci, std::string_view service, std::string_view from_version,
                                std::string_view to_version);

// The record `faultline rollback` stores on the fault.
RollbackRecord rollback_record(const CiContext& ci, std::string_view service, std::string_view from_version,
                               std::string_view to_version, TimePoint recorded_at);

// Applies a "--ci-field key=value" override (keys as the CiContext members: provider,
// repository, commit, ref, run_id, run_attempt, run_url, actor, environment,
// pipeline_name, job_id, job_url). Error (Usage) names the text and lists the keys.
Result<void> apply_ci_field(CiContext& ci, std::string_view assignment);

// The context as JSON: one string per member, keys as above.
nlohmann::json ci_context_to_json(const CiContext& ci);

}  // namespace faultline::core
