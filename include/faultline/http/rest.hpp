// What the Jira and Confluence REST clients share: where the API is and who we are
// (RestConnection), the JSON request every call sends (Authorization, Accept, User-Agent) and
// how an answer becomes a JSON reply or an Error that names the product, the method, the path
// and the server's own words, with the token masked out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "faultline/http/transport.hpp"
#include "faultline/http/url.hpp"
#include "faultline/util/error.hpp"
#include "faultline/util/redact.hpp"

namespace faultline::http {

// How the token is sent. Auto: Bearer for a Data Center personal access token (no user),
// Basic user:token otherwise.
enum class AuthScheme { Auto, Basic, Bearer };

// Where the API is and who we are. The token is a secret: it only ever goes into the
// Authorization header and is masked out of every error message.
struct RestConnection {
  std::string base_url;  // https://site.atlassian.net[/wiki] or https://jira.example.com[/context]
  std::string user;      // e-mail on Cloud, user name on Data Center; empty for a bearer PAT
  std::string token;     // API token (Cloud), personal access token or password (Data Center)
  AuthScheme auth = AuthScheme::Auto;
};

// The Authorization header value for `connection` (see AuthScheme; `data_center` decides Auto).
std::string authorization_for(const RestConnection& connection, bool data_center);

// The ErrorKind an HTTP status maps to: 401/403 Auth, 404 NotFound, 409 Conflict,
// 429 and 5xx Unavailable, other 4xx Failed.
ErrorKind kind_for_status(int status);

// "Bad Request", "Not Found", ... ("" for codes it does not know).
std::string_view status_reason(int status);

// A body that is not the API's JSON, in a few words on one line: "an HTML page titled "...""
// (or "an HTML page of N bytes"), else its first `limit` bytes; "" for an empty body.
std::string describe_body(std::string_view body, std::size_t limit = 300);

// How an API names itself in errors, and what it suggests when things go wrong.
struct RestProduct {
  std::string_view name;              // "Jira", "Confluence"
  std::string_view forbidden_hint;    // 403
  std::string_view unreachable_hint;  // no answer at all
  std::string_view not_json_hint;     // a 2xx answer whose body is not JSON
};

// An Error for a non-2xx answer: "Jira answered 400 Bad Request to POST /rest/api/3/issue:
// <details>" (or "(empty body)"), kind by status, http_status set, a hint for 401/403/429.
// `path` must not contain secrets. A server may echo a huge value back ("The label '<1 MB>'
// contains spaces"): the path and each detail are shortened (shorten_for_message) and at most
// k_max_error_details details are kept, so the message stays a few lines long.
Error api_error(const RestProduct& product, Method method, std::string_view path, const Response& response,
                std::vector<std::string> details);

// The most server messages an Error keeps, and how many characters of each.
inline constexpr std::size_t k_max_error_details = 10;
inline constexpr std::size_t k_max_error_detail_chars = 300;

// `details` as an Error keeps them: each shortened to k_max_error_detail_chars characters, at
// most k_max_error_details of them, then "... and N more".
std::vector<std::string> shorten_details(std::vector<std::string> details);

// A 2xx answer with its JSON body (null when the answer had no body).
struct JsonReply {
  int status = 0;
  nlohmann::json body;
};

// A request body that is not JSON (a multipart upload): the bytes and their Content-Type.
struct RawBody {
  std::string content_type;  // "multipart/form-data; boundary=..."
  std::string data;
};

// One REST API: builds its JSON requests and reads its answers, masking the token in errors.
class RestEndpoint {
public:
  // Reads an error body into the server's messages (the product's own shapes).
  using ErrorDetails = std::vector<std::string> (*)(std::string_view body);

  RestEndpoint(RestConnection connection, bool data_center, RestProduct product, ErrorDetails details);

  // The base URL without a trailing slash.
  const std::string& base_url() const { return m_connection.base_url; }

  // A request to base + path (+ query) with Authorization, Accept: application/json and
  // User-Agent; with a body, Content-Type: application/json.
  Request request(Method method, std::string_view path, const QueryParams& query, const nlohmann::json* body,
                  RetrySafety retry) const;
  // The same to an absolute URL (a "next" link the API gave).
  Request request_url(Method method, std::string url, const nlohmann::json* body, RetrySafety retry) const;
  // The same headers with a raw body and its own Content-Type instead of JSON (answers are
  // still read as JSON).
  Request request_raw(Method method, std::string url, RawBody body, RetrySafety retry) const;

  // The outcome of a request to `path` as a JsonReply. Error: Unavailable when there was no
  // answer; by status for a non-2xx answer (with the server's words); Failed for a 2xx body
  // that is not JSON. Every error is masked.
  Result<JsonReply> reply(Method method, std::string_view path, const Outcome& outcome) const;

  // `error` with the token masked in its message, hint and details.
  Error masked(Error error) const { return m_redactor.mask(std::move(error)); }

private:
  RestConnection m_connection;
  RestProduct m_product;
  ErrorDetails m_details;
  std::string m_authorization;
  Redactor m_redactor;
};

}  // namespace faultline::http
