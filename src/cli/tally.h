/* Counting by name, for the summaries of `events summary` and `replay`:
 * a small map from text to a count and a few examples. */
#ifndef SK_CLI_TALLY_H
#define SK_CLI_TALLY_H

#include <stddef.h>

#define TALLY_EXAMPLES 3

typedef struct tally {
	char *key;
	long n;
	char *examples[TALLY_EXAMPLES];
	size_t nexamples;
} tally;

typedef struct tallies {
	tally *v;
	size_t n, cap;
} tallies;

/* Counts key once; example (may be NULL) is kept while there is room. */
void tally_add(tallies *t, const char *key, const char *example);
/* Sorts by count (or by key) and prints at most top entries (0: all),
 * with up to `examples` examples each; then frees everything. */
void tally_print(const char *title, tallies *t, size_t top, int examples, int by_key);

#endif
