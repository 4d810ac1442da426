/* Whether the regex library (the Hyperscan API: Intel Hyperscan or
 * Vectorscan) finds the matches it should, checked once per process. */
#ifndef SK_WAF_REGEX_CHECK_H
#define SK_WAF_REGEX_CHECK_H

#include <stdbool.h>

/* False when a known-faulty build misses matches: the compiler then sends
 * every pattern to PCRE2 (compile.c). Thread-safe; the first call prints one
 * warning to stderr when the library fails. */
bool sk_regex_lib_sound(void);

#endif
