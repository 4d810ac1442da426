/* Fuzz target for the detectors: every detector in the registry judges the
 * input at LOW and at HIGH. Beyond memory safety and bounded time it checks
 * what callers rely on: a positive answer names a span inside the input and
 * gives a reason, and the same input gets the same answer twice (no state
 * survives a call). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t count;
	const sk_detector *all = sk_detector_list(&count);
	for (size_t d = 0; d < count; d++) {
		for (int level = 0; level <= 1; level++) {
			sk_detect_match m;
			memset(&m, 0xa5, sizeof m);
			bool got = all[d].fn(data, size, level, &m);
			if (got) {
				CHECK(m.off <= size && m.len <= size - m.off);
				CHECK(memchr(m.reason, '\0', sizeof m.reason) != NULL);
				CHECK(m.reason[0] != '\0');
			}
			CHECK(all[d].fn(data, size, level, NULL) == got);
		}
	}
	return 0;
}
