#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "faultline/core/ci_env.hpp"

using namespace faultline::core;

namespace {

// An environment from a map that remembers every name asked for.
struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::set<std::string> asked;

  GetEnv getter() {
    return [this](std::string_view name) -> std::optional<std::string> {
      asked.insert(std::string(name));
      const auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

}  // namespace

TEST_CASE("detect_ci reads GitHub Actions", "[ci_env]") {
  FakeEnv env{{{"GITHUB_ACTIONS", "true"},
               {"CI", "true"},
               {"GITHUB_REPOSITORY", "acme/checkout"},
               {"GITHUB_SHA", "4f2a9c1e0b7d"},
               {"GITHUB_REF_NAME", "main"},
               {"GITHUB_RUN_ID", "9876543210"},
               {"GITHUB_RUN_ATTEMPT", "1"},
               {"GITHUB_SERVER_URL", "https://github.com"},
               {"GITHUB_ACTOR", "octocat"},
               {"GITHUB_WORKFLOW", "deploy"},
               {"GITHUB_TOKEN", "ghs_secret"}},
              {}};
  const auto ci = detect_ci(env.getter());
  CHECK(ci.provider == "github");
  CHECK(ci.repository == "acme/checkout");
  CHECK(ci.commit == "4f2a9c1e0b7d");
  CHECK(ci.ref == "main");
  CHECK(ci.run_id == "9876543210");
  CHECK(ci.run_attempt == "1");
  CHECK(ci.run_url == "https://github.com/acme/checkout/actions/runs/9876543210");
  CHECK(ci.actor == "octocat");
  CHECK(ci.pipeline_name == "deploy");
  CHECK(env.asked.count("GITHUB_TOKEN") == 0);
  const auto json = ci_context_to_json(ci).dump();
  CHECK(json.find("ghs_secret") == std::string::npos);
}

TEST_CASE("a GitHub re-run attempt links to its attempt and keeps the rollback key", "[ci_env]") {
  FakeEnv first{{{"GITHUB_ACTIONS", "true"}, {"GITHUB_REPOSITORY", "acme/checkout"}, {"GITHUB_RUN_ID", "42"},
                 {"GITHUB_RUN_ATTEMPT", "1"}, {"GITHUB_SERVER_URL", "https://ghe.example.com/"}},
                {}};
  FakeEnv rerun = first;
  rerun.vars["GITHUB_RUN_ATTEMPT"] = "2";
  const auto a = detect_ci(first.getter());
  const auto b = detect_ci(rerun.getter());
  CHECK(a.run_url == "https://ghe.example.com/acme/checkout/actions/runs/42");
  CHECK(b.run_url == "https://ghe.example.com/acme/checkout/actions/runs/42/attempts/2");
  CHECK(rollback_dedupe_key(a, "checkout", "1.4.2", "1.4.1") == rollback_dedupe_key(b, "checkout", "1.4.2", "1.4.1"));
  CHECK(rollback_dedupe_key(a, "checkout", "1.4.2", "1.4.1").rfind("rb:github:", 0) == 0);
  FakeEnv other_run = first;
  other_run.vars["GITHUB_RUN_ID"] = "43";
  CHECK(rollback_dedupe_key(detect_ci(other_run.getter()), "checkout", "1.4.2", "1.4.1") !=
        rollback_dedupe_key(a, "checkout", "1.4.2", "1.4.1"));
  CHECK(rollback_dedupe_key(a, "checkout", "1.4.2", "1.4.0") != rollback_dedupe_key(a, "checkout", "1.4.2", "1.4.1"));
}

TEST_CASE("GITHUB_SERVER_URL defaults to github.com", "[ci_env]") {
  FakeEnv env{{{"GITHUB_ACTIONS", "true"}, {"GITHUB_REPOSITORY", "acme/x"}, {"GITHUB_RUN_ID", "7"}}, {}};
  CHECK(detect_ci(env.getter()).run_url == "https://github.com/acme/x/actions/runs/7");
}

TEST_CASE("detect_ci reads GitLab CI/CD", "[ci_env]") {
  FakeEnv env{{{"GITLAB_CI", "true"},
               {"CI", "true"},
               {"CI_PROJECT_PATH", "shop/cart"},
               {"CI_COMMIT_SHA", "b3c4d5e6"},
               {"CI_COMMIT_REF_NAME", "release/2.3"},
               {"CI_PIPELINE_ID", "555"},
               {"CI_PIPELINE_URL", "https://gitlab.example.com/shop/cart/-/pipelines/555"},
               {"CI_JOB_ID", "9001"},
               {"CI_JOB_URL", "https://gitlab.example.com/shop/cart/-/jobs/9001"},
               {"GITLAB_USER_LOGIN", "alice"},
               {"CI_ENVIRONMENT_NAME", "production"},
               {"CI_JOB_TOKEN", "glcbt-secret"}},
              {}};
  const auto ci = detect_ci(env.getter());
  CHECK(ci.provider == "gitlab");
  CHECK(ci.repository == "shop/cart");
  CHECK(ci.commit == "b3c4d5e6");
  CHECK(ci.ref == "release/2.3");
  CHECK(ci.run_id == "555");
  CHECK(ci.run_url == "https://gitlab.example.com/shop/cart/-/pipelines/555");
  CHECK(ci.job_id == "9001");
  CHECK(ci.job_url == "https://gitlab.example.com/shop/cart/-/jobs/9001");
  CHECK(ci.actor == "alice");
  CHECK(ci.environment == "production");
  CHECK(ci.run_attempt.empty());
  CHECK(env.asked.count("CI_JOB_TOKEN") == 0);
}

TEST_CASE("detect_ci reads Jenkins and strips credentials from URLs", "[ci_env]") {
  FakeEnv env{{{"JENKINS_URL", "https://jenkins.example.com/"},
               {"BUILD_URL", "https://jenkins.example.com/job/deploy-cart/118/"},
               {"BUILD_NUMBER", "118"},
               {"JOB_NAME", "deploy-cart"},
               {"GIT_COMMIT", "c0ffee12"},
               {"GIT_BRANCH", "origin/main"},
               {"GIT_URL", "https://deploy:s3cr3t-token@git.example.com/shop/cart.git"},
               {"BUILD_USER_ID", "bob"}},
              {}};
  const auto ci = detect_ci(env.getter());
  CHECK(ci.provider == "jenkins");
  CHECK(ci.repository == "https://git.example.com/shop/cart.git");
  CHECK(ci.commit == "c0ffee12");
  CHECK(ci.ref == "origin/main");
  CHECK(ci.run_id == "118");
  CHECK(ci.run_url == "https://jenkins.example.com/job/deploy-cart/118/");
  CHECK(ci.pipeline_name == "deploy-cart");
  CHECK(ci.actor == "bob");
  // The same build number of another job is another rollback.
  CiContext other = ci;
  other.pipeline_name = "deploy-search";
  CHECK(rollback_dedupe_key(ci, "cart", "2", "1") != rollback_dedupe_key(other, "cart", "2", "1"));
}

TEST_CASE("outside CI the context is empty and the key is manual", "[ci_env]") {
  FakeEnv env{{{"CI", "true"}, {"GITHUB_ACTIONS", "false"}, {"PATH", "/usr/bin"}}, {}};
  const auto ci = detect_ci(env.getter());
  CHECK(ci.provider.empty());
  CHECK(ci.run_url.empty());
  CHECK(rollback_dedupe_key(ci, "cart", "2", "1").rfind("rb:manual:", 0) == 0);
  CHECK(rollback_dedupe_key(ci, "cart", "2", "1") == rollback_dedupe_key(ci, "cart", "2", "1"));
  CHECK(env.asked.count("PATH") == 0);
}

TEST_CASE("rollback_record copies the CI facts", "[ci_env]") {
  CiContext ci;
  ci.provider = "github";
  ci.run_url = "https://github.com/a/b/actions/runs/1";
  ci.actor = "octocat";
  const TimePoint at = TimePoint{date::sys_days{date::year{2026} / 11 / 25}};
  const auto r = rollback_record(ci, "cart", "2.0", "1.9", at);
  CHECK(r.service == "cart");
  CHECK(r.from_version == "2.0");
  CHECK(r.to_version == "1.9");
  CHECK(r.provider == "github");
  CHECK(r.run_url == ci.run_url);
  CHECK(r.actor == "octocat");
  CHECK(r.recorded_at == at);
}

TEST_CASE("apply_ci_field overrides one member or names the allowed keys", "[ci_env]") {
  CiContext ci;
  REQUIRE(apply_ci_field(ci, "environment=staging").has_value());
  CHECK(ci.environment == "staging");
  REQUIRE(apply_ci_field(ci, "run_url=https://ci.example.com/r/1?a=b").has_value());
  CHECK(ci.run_url == "https://ci.example.com/r/1?a=b");
  const auto unknown = apply_ci_field(ci, "colour=blue");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == faultline::ErrorKind::Usage);
  CHECK(unknown.error().message.find("colour") != std::string::npos);
  CHECK(unknown.error().hint.find("run_url") != std::string::npos);
  CHECK_FALSE(apply_ci_field(ci, "environment").has_value());
}

TEST_CASE("Jenkins Git URLs keep their shape when they hold no password", "[ci_env]") {
  struct Row {
    const char* git_url;
    const char* expected;
  };
  const Row rows[] = {
      {"git@github.com:shop/cart.git", "git@github.com:shop/cart.git"},
      {"https://git.example.com/shop/cart.git", "https://git.example.com/shop/cart.git"},
      {"https://token@git.example.com/shop/cart.git", "https://git.example.com/shop/cart.git"},
      {"ssh://git@git.example.com:2222/shop/cart.git", "ssh://git.example.com:2222/shop/cart.git"},
      {"https://git.example.com/shop/cart.git?ref=a@b", "https://git.example.com/shop/cart.git?ref=a@b"},
  };
  for (const auto& row : rows) {
    INFO(row.git_url);
    FakeEnv env{{{"JENKINS_URL", "https://jenkins.example.com/"}, {"GIT_URL", row.git_url}}, {}};
    CHECK(detect_ci(env.getter()).repository == row.expected);
  }
}
