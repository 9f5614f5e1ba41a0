#pragma once

/**
 * LAB_VECTOR_CLONES before a function with plain loops over floats: on x86-64 Linux it is
 * also built for AVX2, and the better version is picked when the program loads (the default
 * build targets the baseline x86-64 instruction set, whose vectors are half as wide).
 * Elsewhere it expands to nothing.
 */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__)
#define LAB_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define LAB_VECTOR_CLONES
#endif
