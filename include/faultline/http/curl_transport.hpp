// The libcurl implementation of Transport. Its source file is the only code in faultline
// that includes curl headers.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "faultline/http/transport.hpp"

namespace faultline::http {

struct CurlOptions {
  std::chrono::milliseconds connect_timeout{10000};  // TCP + TLS handshake
  std::chrono::milliseconds total_timeout{30000};    // whole request, unless Request::timeout is set
  std::string ca_bundle;                             // PEM file of trusted CAs; empty = system store
  int max_concurrency = 8;                           // parallel transfers in send_all (at least 1)
};

// A Transport over libcurl: connections, DNS answers and TLS sessions are shared and reused
// between requests; HTTP/2 is used where the server offers it over TLS; TLS peers are always
// verified; proxies come from the usual environment variables (https_proxy, no_proxy, ...);
// redirects are not followed (a 3xx is returned as is). Thread-safe: send() may be called
// from several threads. send_all() runs up to max_concurrency transfers at once.
// Failure to talk is reported as a TransportError whose message names only the scheme and
// host (never the path or query, which may carry secrets).
std::unique_ptr<Transport> make_curl_transport(CurlOptions options = {});

}  // namespace faultline::http
