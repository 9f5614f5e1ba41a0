#pragma once

// LAB_UNDER_ASAN is defined when this test is built with AddressSanitizer (GCC says so with
// __SANITIZE_ADDRESS__, clang with __has_feature): a few checks cannot run, or must not be
// timed, under it (RLIMIT_AS, LeakSanitizer's scan at process exit).
#if defined(__SANITIZE_ADDRESS__)
#define LAB_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LAB_UNDER_ASAN 1
#endif
#endif
