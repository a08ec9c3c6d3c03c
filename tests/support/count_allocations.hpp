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
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return __real_malloc(n ? n : 1);
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
// Every delete a library may call on memory from the news above: all of them free. A library
// that allocates with new(nothrow) and frees with plain delete (OpenCC's marisa does) must meet
// one allocator on both sides, or AddressSanitizer reports a new/free mismatch.
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>
#include <vector>

/// \brief Train two epochs and check that, in each, no batch after the first allocates memory
/// (the layers' buffers are made in the first batch and reused). Also checks that the counter
/// is live in this test module, so the check cannot pass by counting nothing.
/// \param trainer any trainer with `after_batch` and `train_epoch(X, Y, rng, epoch)` (chapter 06)
/// \param X, Y at least two batches of examples and their targets
/// \param what names the configuration in failure messages
template <class Trainer, class Examples, class Mat, class Rng>
void check_no_allocation_after_first_batch(Trainer& trainer, const Examples& X, const Mat& Y,
                                           Rng& rng, const std::string& what = "") {
  const long probe = g_allocations.load();
  delete new int(1);
  BOOST_REQUIRE_MESSAGE(g_allocations.load() - probe == 1,
                        "the allocation counter is not linked in (course_count_allocations)");
  std::vector<long> after;  // allocations counted so far, after each batch
  after.reserve(100000);
  const auto previous = trainer.after_batch;  // keep what the trainer already does per batch
  trainer.after_batch = [&](arma::uword batch) {
    if (previous) previous(batch);
    after.push_back(g_allocations.load());
  };
  for (std::size_t epoch = 1; epoch <= 2; ++epoch) trainer.train_epoch(X, Y, rng, epoch);
  trainer.after_batch = previous;
  const std::size_t n = after.size() / 2;  // batches per epoch
  BOOST_REQUIRE_MESSAGE(n >= 2 && after.size() == 2 * n,
                        what << ": expected two epochs of at least two batches");
  for (std::size_t epoch = 0; epoch < 2; ++epoch) {
    const long extra = after[(epoch + 1) * n - 1] - after[epoch * n];
    BOOST_TEST(extra == 0, what << (what.empty() ? "" : ": ") << "epoch " << epoch + 1
                                << ", batches 2-" << n << " allocated " << extra << " times");
  }
}
