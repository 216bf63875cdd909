// Libraries faultline opens on first use instead of at start-up. libcurl, libcrypto, cairo
// and libxlsxwriter pull in about fifty shared objects, most of them linked with immediate
// binding; loading them costs every run, `faultline --version` included, several
// milliseconds before main(). So the binary does not link them: each module that calls one
// defines forwarders with the library's own names (FAULTLINE_FORWARD), which open the library
// the first time any of its functions is called and jump to the real function. Callers use
// the library's header and API unchanged.
#pragma once

#include <string>

namespace faultline::util {

class SharedLibrary {
public:
  // `soname` as the dynamic loader finds it ("libcurl.so.4"); `package` the Debian package
  // that installs it, named in the error when it cannot be opened.
  SharedLibrary(std::string soname, std::string package);
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  // The address of `name`, opening the library on the first call (thread-safe). Throws
  // std::runtime_error naming the library, the package to install and the loader's reason.
  void* symbol(const char* name);

private:
  void* handle();
  std::string m_soname, m_package;
};

}  // namespace faultline::util

// Defines the C function `name` (declared by the library's header) as a forwarder into
// `library` (a SharedLibrary&): FAULTLINE_FORWARD(curl(), CURLcode, curl_easy_perform,
// (CURL* a0), (a0)). The target is looked up once.
#define FAULTLINE_FORWARD(library, ret, name, params, args)                                        \
  extern "C" ret(name) params { /* parenthesised: the header may define a macro of that name */ \
    static const auto target = reinterpret_cast<decltype(&name)>((library).symbol(#name));         \
    return target args;                                                                            \
  }
