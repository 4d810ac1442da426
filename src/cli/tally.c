#include "cli/tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void tally_add(tallies *t, const char *key, const char *example)
{
	tally *e = NULL;
	for (size_t i = 0; i < t->n && !e; i++)
		if (strcmp(t->v[i].key, key) == 0)
			e = &t->v[i];
	if (!e) {
		if (t->n == t->cap) {
			size_t nc = t->cap ? t->cap * 2 : 64;
			tally *nv = realloc(t->v, nc * sizeof *nv);
			if (!nv)
				return;
			t->v = nv;
			t->cap = nc;
		}
		e = &t->v[t->n];
		memset(e, 0, sizeof *e);
		if (!(e->key = strdup(key)))
			return;
		t->n++;
	}
	e->n++;
	if (example && e->nexamples < TALLY_EXAMPLES) {
		char *x = strdup(example);
		if (x)
			e->examples[e->nexamples++] = x;
	}
}

static int by_count(const void *a, const void *b)
{
	const tally *x = a, *y = b;
	return (y->n > x->n) - (y->n < x->n);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const tally *)a)->key, ((const tally *)b)->key);
}

void tally_print(const char *title, tallies *t, size_t top, int examples, int by_key)
{
	if (t->n)
		qsort(t->v, t->n, sizeof *t->v, by_key ? by_name : by_count);
	printf("\n%s:\n", title);
	if (t->n == 0)
		puts("  (none)");
	for (size_t i = 0; i < t->n; i++) {
		if (!top || i < top) {
			printf("  %7ld  ", t->v[i].n);
			print_safe(stdout, t->v[i].key, 150);
			putchar('\n');
			for (size_t k = 0; k < t->v[i].nexamples && (int)k < examples; k++) {
				fputs("             e.g. ", stdout);
				print_safe(stdout, t->v[i].examples[k], 200);
				putchar('\n');
			}
		}
		free(t->v[i].key);
		for (size_t k = 0; k < t->v[i].nexamples; k++)
			free(t->v[i].examples[k]);
	}
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}
