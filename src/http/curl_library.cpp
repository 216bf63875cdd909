// libcurl, opened on first use (util/shared_library.hpp): the forwarders of every curl
// function faultline calls. A new curl call fails to link until its line is added here.
#include <curl/curl.h>

#include <cstdarg>

#include "faultline/util/shared_library.hpp"

namespace {

faultline::util::SharedLibrary& curl() {
  static faultline::util::SharedLibrary library("libcurl.so.4", "libcurl4");
  return library;
}

}  // namespace

FAULTLINE_FORWARD(curl(), void, curl_easy_cleanup, (CURL *a0), (a0))
FAULTLINE_FORWARD(curl(), CURL *, curl_easy_init, (), ())
FAULTLINE_FORWARD(curl(), CURLcode, curl_easy_perform, (CURL *a0), (a0))
FAULTLINE_FORWARD(curl(), void, curl_easy_reset, (CURL *a0), (a0))
FAULTLINE_FORWARD(curl(), const char *, curl_easy_strerror, (CURLcode a0), (a0))
FAULTLINE_FORWARD(curl(), void, curl_global_cleanup, (), ())
FAULTLINE_FORWARD(curl(), CURLcode, curl_global_init, (long int a0), (a0))
FAULTLINE_FORWARD(curl(), CURLMcode, curl_multi_add_handle, (CURLM *a0, CURL *a1), (a0, a1))
FAULTLINE_FORWARD(curl(), CURLMcode, curl_multi_cleanup, (CURLM *a0), (a0))
FAULTLINE_FORWARD(curl(), CURLMsg *, curl_multi_info_read, (CURLM *a0, int *a1), (a0, a1))
FAULTLINE_FORWARD(curl(), CURLM *, curl_multi_init, (), ())
FAULTLINE_FORWARD(curl(), CURLMcode, curl_multi_perform, (CURLM *a0, int *a1), (a0, a1))
FAULTLINE_FORWARD(curl(), CURLMcode, curl_multi_poll, (CURLM *a0, struct curl_waitfd *a1, unsigned int a2, int a3, int *a4), (a0, a1, a2, a3, a4))
FAULTLINE_FORWARD(curl(), CURLMcode, curl_multi_remove_handle, (CURLM *a0, CURL *a1), (a0, a1))
FAULTLINE_FORWARD(curl(), const char *, curl_multi_strerror, (CURLMcode a0), (a0))
FAULTLINE_FORWARD(curl(), CURLSHcode, curl_share_cleanup, (CURLSH *a0), (a0))
FAULTLINE_FORWARD(curl(), CURLSH *, curl_share_init, (), ())
FAULTLINE_FORWARD(curl(), struct curl_slist *, curl_slist_append, (struct curl_slist *a0, const char *a1), (a0, a1))
FAULTLINE_FORWARD(curl(), void, curl_slist_free_all, (struct curl_slist *a0), (a0))

// The variadic three (their names in parentheses: curl.h may define type-checking macros of
// the same names) pass their third argument on by the type its option documents. Function
// pointers travel as void*: the same size and calling convention on every platform curl
// supports, and curl reads them back with its own va_arg.
// curl's own definitions call va_start on the same enum parameters; clang warns that an enum
// may be promoted, which cannot happen here (curl's enums are int-sized).
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wvarargs"
#endif

extern "C" CURLcode (curl_easy_setopt)(CURL* handle, CURLoption option, ...) {
  static const auto target = reinterpret_cast<decltype(&curl_easy_setopt)>(curl().symbol("curl_easy_setopt"));
  va_list arguments;
  va_start(arguments, option);
  CURLcode code;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    code = target(handle, option, va_arg(arguments, long));
  } else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB) {
    code = target(handle, option, va_arg(arguments, curl_off_t));
  } else {
    code = target(handle, option, va_arg(arguments, void*));  // objects, strings, lists, functions, blobs
  }
  va_end(arguments);
  return code;
}

extern "C" CURLcode (curl_easy_getinfo)(CURL* handle, CURLINFO info, ...) {
  static const auto target = reinterpret_cast<decltype(&curl_easy_getinfo)>(curl().symbol("curl_easy_getinfo"));
  va_list arguments;
  va_start(arguments, info);
  const CURLcode code = target(handle, info, va_arg(arguments, void*));  // always where to store the answer
  va_end(arguments);
  return code;
}

extern "C" CURLSHcode (curl_share_setopt)(CURLSH* share, CURLSHoption option, ...) {
  static const auto target = reinterpret_cast<decltype(&curl_share_setopt)>(curl().symbol("curl_share_setopt"));
  va_list arguments;
  va_start(arguments, option);
  CURLSHcode code;
  if (option == CURLSHOPT_SHARE || option == CURLSHOPT_UNSHARE) {
    code = target(share, option, va_arg(arguments, int));  // a curl_lock_data, promoted
  } else {
    code = target(share, option, va_arg(arguments, void*));  // lock functions, user data
  }
  va_end(arguments);
  return code;
}

#if defined(__clang__)
#pragma clang diagnostic pop
#endif
