#include "faultline/core/ci_env.hpp"

#include <array>

#include <fmt/format.h>

#include "faultline/core/labels.hpp"

namespace faultline::core {

namespace {

struct Member {
  std::string_view name;
  std::string CiContext::*member;
};

constexpr std::array<Member, 12> k_members = {{
    {"provider", &CiContext::provider},
    {"repository", &CiContext::repository},
    {"commit", &CiContext::commit},
    {"ref", &CiContext::ref},
    {"run_id", &CiContext::run_id},
    {"run_attempt", &CiContext::run_attempt},
    {"run_url", &CiContext::run_url},
    {"actor", &CiContext::actor},
    {"environment", &CiContext::environment},
    {"pipeline_name", &CiContext::pipeline_name},
    {"job_id", &CiContext::job_id},
    {"job_url", &CiContext::job_url},
}};

std::string get(const GetEnv& getenv, std::string_view name) {
  auto value = getenv(name);
  return value ? std::move(*value) : std::string{};
}

std::string first_of(const GetEnv& getenv, std::string_view a, std::string_view b) {
  std::string value = get(getenv, a);
  return value.empty() ? get(getenv, b) : value;
}

// A URL with any "user:password@" in its authority removed.
std::string without_credentials(std::string url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;  // scp-like "git@host:path" holds no password
  const std::size_t start = scheme + 3;
  const auto end = url.find_first_of("/?#", start);
  const auto authority_end = end == std::string::npos ? url.size() : end;
  const auto at = url.rfind('@', authority_end);
  if (at != std::string::npos && at >= start && at < authority_end) url.erase(start, at + 1 - start);
  return url;
}

std::string strip_trailing_slash(std::string text) {
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

CiContext github(const GetEnv& getenv) {
  CiContext ci;
  ci.provider = "github";
  ci.repository = get(getenv, "GITHUB_REPOSITORY");
  ci.commit = get(getenv, "GITHUB_SHA");
  ci.ref = get(getenv, "GITHUB_REF_NAME");
  ci.run_id = get(getenv, "GITHUB_RUN_ID");
  ci.run_attempt = get(getenv, "GITHUB_RUN_ATTEMPT");
  ci.actor = get(getenv, "GITHUB_ACTOR");
  ci.pipeline_name = get(getenv, "GITHUB_WORKFLOW");
  std::string server = strip_trailing_slash(get(getenv, "GITHUB_SERVER_URL"));
  if (server.empty()) server = "https://github.com";
  if (!ci.repository.empty() && !ci.run_id.empty()) {
    ci.run_url = fmt::format("{}/{}/actions/runs/{}", server, ci.repository, ci.run_id);
    if (!ci.run_attempt.empty() && ci.run_attempt != "1") ci.run_url += "/attempts/" + ci.run_attempt;
  }
  return ci;
}

CiContext gitlab(const GetEnv& getenv) {
  CiContext ci;
  ci.provider = "gitlab";
  ci.repository = get(getenv, "CI_PROJECT_PATH");
  ci.commit = get(getenv, "CI_COMMIT_SHA");
  ci.ref = get(getenv, "CI_COMMIT_REF_NAME");
  ci.run_id = get(getenv, "CI_PIPELINE_ID");
  ci.job_id = get(getenv, "CI_JOB_ID");
  ci.job_url = get(getenv, "CI_JOB_URL");
  ci.run_url = first_of(getenv, "CI_PIPELINE_URL", "CI_JOB_URL");
  ci.actor = get(getenv, "GITLAB_USER_LOGIN");
  ci.environment = get(getenv, "CI_ENVIRONMENT_NAME");
  return ci;
}

CiContext jenkins(const GetEnv& getenv) {
  CiContext ci;
  ci.provider = "jenkins";
  ci.repository = without_credentials(get(getenv, "GIT_URL"));
  ci.commit = get(getenv, "GIT_COMMIT");
  ci.ref = first_of(getenv, "GIT_BRANCH", "BRANCH_NAME");
  ci.run_id = get(getenv, "BUILD_NUMBER");
  ci.run_url = without_credentials(get(getenv, "BUILD_URL"));
  ci.pipeline_name = get(getenv, "JOB_NAME");
  ci.actor = get(getenv, "BUILD_USER_ID");
  return ci;
}

}  // namespace

CiContext detect_ci(const GetEnv& getenv) {
  if (get(getenv, "GITHUB_ACTIONS") == "true") return github(getenv);
  if (get(getenv, "GITLAB_CI") == "true") return gitlab(getenv);
  if (!get(getenv, "JENKINS_URL").empty()) return jenkins(getenv);
  return {};
}

std::string rollback_dedupe_key(const CiContext& ci, std::string_view service, std::string_view from_version,
                                std::string_view to_version) {
  std::string joined;
  for (const std::string_view part : {std::string_view(ci.provider), std::string_view(ci.repository),
                                      std::string_view(ci.pipeline_name), std::string_view(ci.run_id), service,
                                      from_version, to_version}) {
    joined.append(part);
    joined.push_back('\x1f');
  }
  return fmt::format("rb:{}:{}", ci.provider.empty() ? "manual" : label_slug(ci.provider), hex16(fnv1a_64(joined)));
}

RollbackRecord rollback_record(const CiContext& ci, std::string_view service, std::string_view from_version,
                               std::string_view to_version, TimePoint recorded_at) {
  RollbackRecord r;
  r.service = service;
  r.from_version = from_version;
  r.to_version = to_version;
  r.provider = ci.provider;
  r.repository = ci.repository;
  r.commit = ci.commit;
  r.run_id = ci.run_id;
  r.run_attempt = ci.run_attempt;
  r.run_url = ci.run_url;
  r.actor = ci.actor;
  r.environment = ci.environment;
  r.recorded_at = recorded_at;
  return r;
}

Result<void> apply_ci_field(CiContext& ci, std::string_view assignment) {
  const auto eq = assignment.find('=');
  const std::string_view key = eq == std::string_view::npos ? assignment : assignment.substr(0, eq);
  std::string keys;
  for (const auto& m : k_members) {
    if (!keys.empty()) keys += ", ";
    keys += m.name;
    if (eq != std::string_view::npos && m.name == key) {
      ci.*m.member = std::string(assignment.substr(eq + 1));
      return {};
    }
  }
  if (eq == std::string_view::npos) {
    return fail(ErrorKind::Usage, fmt::format("--ci-field \"{}\": expected key=value", key),
                "keys: " + keys);
  }
  return fail(ErrorKind::Usage, fmt::format("--ci-field \"{}\": unknown key", key), "keys: " + keys);
}

nlohmann::json ci_context_to_json(const CiContext& ci) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& m : k_members) out[std::string(m.name)] = ci.*m.member;
  return out;
}

}  // namespace faultline::core
