// Allocation counting for the "no allocation after the first batch" tests.
//
// Include this header in exactly ONE file of a test module, and link that module with
// course_count_allocations(<test target>) (cmake/Course.cmake), which routes Armadillo's
// posix_memalign / malloc calls through the wrappers below (-Wl,--wrap=...). Every operator new
// is counted too. Read the count with g_allocations.load().
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

static std::atomic<long> g_allocations{0};

extern "C" {
int __real_posix_memalign(void** p, std::size_t a, std::size_t n);
void* __real_malloc(std::size_t n);
int __wrap_posix_memalign(void** p, std::size_t a, std::size_t n) {
  ++g_allocations;
  return __real_posix_memalign(p, a, n);
}
void* __wrap_malloc(std::size_t n) {
  ++g_allocations;
  return __real_malloc(n);
}
}

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // new and delete below pair malloc/free
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = __real_malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
