#include "faultline/util/shared_library.hpp"

#include <dlfcn.h>

#include <mutex>
#include <stdexcept>

namespace faultline::util {

SharedLibrary::SharedLibrary(std::string soname, std::string package)
    : m_soname(std::move(soname)), m_package(std::move(package)) {}

void* SharedLibrary::handle() {
  static std::mutex mutex;  // dlerror() is per thread, but two first calls must not race
  const std::lock_guard lock(mutex);
  // The loader keeps one handle per library; opening it again returns the same one.
  void* opened = dlopen(m_soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!opened) {
    const char* reason = dlerror();
    throw std::runtime_error("cannot load " + m_soname + " (install the Debian package " + m_package +
                             "): " + (reason ? reason : "unknown reason"));
  }
  return opened;
}

void* SharedLibrary::symbol(const char* name) {
  void* library = handle();
  dlerror();
  void* address = dlsym(library, name);
  if (!address) {
    const char* reason = dlerror();
    throw std::runtime_error("cannot find " + std::string(name) + " in " + m_soname + ": " +
                             (reason ? reason : "no such symbol"));
  }
  return address;
}

}  // namespace faultline::util
