#include "faultline/util/waves.hpp"

#include <algorithm>
#include <exception>
#include <thread>

namespace faultline::util {
namespace {

// The probe (or wave task) that the round trips of this thread count towards.
thread_local DepthProbe* t_current = nullptr;

}  // namespace

DepthProbe::DepthProbe() : m_outer(t_current) { t_current = this; }

DepthProbe::~DepthProbe() {
  t_current = m_outer;
  if (m_outer) m_outer->m_depth += m_depth;
}

void count_round_trips(std::size_t sequential) {
  if (t_current) t_current->m_depth += sequential;
}

void run_wave(std::span<const std::function<void()>> tasks) {
  if (tasks.empty()) return;
  DepthProbe* const caller = t_current;
  std::vector<std::size_t> depths(tasks.size(), 0);
  std::vector<std::exception_ptr> errors(tasks.size());
  // Each task counts into a probe of its own; the wave costs its caller the deepest of them.
  auto run = [&](std::size_t i) {
    t_current = nullptr;
    {
      DepthProbe probe;
      try {
        tasks[i]();
      } catch (...) {
        errors[i] = std::current_exception();
      }
      depths[i] = probe.depth();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(tasks.size() - 1);
  for (std::size_t i = 1; i < tasks.size(); ++i) threads.emplace_back(run, i);
  run(0);
  for (auto& thread : threads) thread.join();
  t_current = caller;
  if (caller) caller->m_depth += *std::max_element(depths.begin(), depths.end());
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace faultline::util
