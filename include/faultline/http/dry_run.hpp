// --dry-run: reads go to the network, writes are printed and not sent.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <ostream>

#include <nlohmann/json.hpp>

#include "faultline/http/transport.hpp"
#include "faultline/util/redact.hpp"

namespace faultline::http {

// The header every synthetic dry-run answer carries ("X-Faultline-Dry-Run: 1").
inline constexpr std::string_view k_dry_run_header = "X-Faultline-Dry-Run";

// Passes GET requests to the inner transport. Every write is printed to `out` (method, URL,
// headers, body pretty-printed when it is JSON), masked by the Redactor (which must outlive
// this transport), and answered without sending: 201 for POST, 200 otherwise, Content-Type
// application/json and the X-Faultline-Dry-Run header. The body is "{}", except for the writes
// whose answer later steps read, which get placeholders in angle brackets (never a real id)
// so the plan goes on: a new issue "<new issue 1>" or sub-task "<new sub-task 1>" (single or
// bulk create), a comment "<new comment 1>", a page "<new page 1>" with the title sent and
// version 1, a page update echoing its id, title and version.
class DryRunTransport final : public Transport {
public:
  DryRunTransport(std::unique_ptr<Transport> inner, std::ostream& out, const Redactor& redactor);

  // A GET goes to the inner transport; a write is printed and answered synthetically.
  Outcome send(const Request& request) override;
  // The GETs go through the inner send_all together; answers keep the order of `requests`.
  std::vector<Outcome> send_all(std::span<const Request> requests) override;

  // How many writes have been printed (and not sent) so far.
  std::size_t writes_printed() const;

private:
  Response print_write(const Request& request);
  // The synthetic answer's body for a write (see the class comment).
  nlohmann::json placeholder(const Request& request);

  std::unique_ptr<Transport> m_inner;
  std::ostream& m_out;
  const Redactor& m_redactor;
  mutable std::mutex m_mutex;
  std::size_t m_writes = 0;
  std::size_t m_new_issues = 0, m_new_subtasks = 0, m_new_comments = 0, m_new_pages = 0;
};

}  // namespace faultline::http
