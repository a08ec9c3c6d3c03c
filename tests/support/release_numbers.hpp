/// \file
/// \brief For the answers' tests: is this the build whose trained numbers the answer pages quote?
/// The exact numbers of a trained model are the release build's (-O3 -march=native: fused
/// multiply-adds, vectorized sums); other builds (the portable and the sanitizer builds) round
/// differently, train to slightly different models, and check the answers' claims (orderings and
/// bounds) only. Use: `#ifdef COURSE_RELEASE_NUMBERS` around the quoted numbers.
///
/// What it leaves out on purpose: telling one native CPU from another (a machine without FMA
/// checks the claims only).
#pragma once

#if defined(__FMA__) && defined(NDEBUG)
#define COURSE_RELEASE_NUMBERS 1
#endif
