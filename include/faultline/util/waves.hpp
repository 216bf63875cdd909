// Requests that do not depend on each other go out together. A command's requests form a
// dependency graph; `wave` runs one layer of it: its tasks run concurrently (the first on the
// calling thread, each other one on its own thread) and `wave` returns when all are done.
//
// The graph's depth — how many round trips one after another a piece of work costs, which on
// a real network is its wall time — is counted as it runs: the transport calls
// count_round_trips() for every request, and a wave adds the deepest of its tasks to its
// caller. DepthProbe reads it, so a test can assert a command's depth deterministically.
//
//   util::wave([&] { fields = jira.fields(); },
//              [&] { fault = jira.get_issue(key); },
//              [&] { page = confluence.find_page(title); });
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace faultline::util {

// Runs `tasks` concurrently and waits for all of them. If tasks throw, the first exception
// (in task order) is rethrown after every task has finished.
void run_wave(std::span<const std::function<void()>> tasks);

template <class... Tasks>
void wave(Tasks&&... tasks) {
  const std::function<void()> list[] = {std::function<void()>(std::forward<Tasks>(tasks))...};
  run_wave(list);
}

// Adds `sequential` round trips to the depth of the work running on this thread (the
// transport calls it: 1 per request, ceil(n / concurrency) per concurrent batch of n).
void count_round_trips(std::size_t sequential = 1);

// Measures the depth of the work done on this thread between its construction and depth():
// the round trips counted here plus, for every wave, its deepest task. On destruction the
// measured depth is added to the enclosing probe or wave task, if any.
class DepthProbe {
public:
  DepthProbe();
  ~DepthProbe();
  DepthProbe(const DepthProbe&) = delete;
  DepthProbe& operator=(const DepthProbe&) = delete;

  std::size_t depth() const { return m_depth; }

private:
  friend void count_round_trips(std::size_t);
  friend void run_wave(std::span<const std::function<void()>>);
  std::size_t m_depth = 0;
  DepthProbe* m_outer = nullptr;
};

}  // namespace faultline::util
