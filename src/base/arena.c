#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN    16
#define ROUND(n) (((n) + (ALIGN - 1)) & ~(size_t)(ALIGN - 1))

typedef struct block {
	struct block *next;
	size_t size;
	_Alignas(ALIGN) uint8_t data[];
} block;

typedef struct cleanup {
	struct cleanup *next;
	sk_cleanup_fn fn;
	void *data;
} cleanup;

struct sk_arena {
	sk_arena_top top; /* first: arena.h's inline sk_arena_alloc reads it */
	block *head;      /* current block (top.cur points into it); older ones follow */
	block *first;     /* kept across resets */
	size_t block_size;
	size_t cap;         /* most bytes it may hand out */
	size_t used_before; /* bytes handed out before the current block */
	cleanup *cleanups;
#ifdef SK_ARENA_MALLOC
	void **ptrs;
	size_t nptrs, ptrs_cap;
#endif
};

#ifndef SK_ARENA_MALLOC
/* Bytes handed out in the current block. */
static size_t used_here(const sk_arena *a)
{
	return (size_t)(a->top.cur - a->head->data);
}
#endif

/* Makes b the block allocations are bumped from: its end, or as far as the
 * cap allows. */
static void use_block(sk_arena *a, block *b)
{
	size_t left = a->cap - a->used_before;
	a->head = b;
	a->top.cur = b->data;
	a->top.end = b->data + (b->size < left ? b->size : left);
}

static block *block_new(size_t size)
{
	block *b = malloc(sizeof *b + size);
	if (!b)
		return NULL;
	b->next = NULL;
	b->size = size;
	return b;
}

sk_arena *sk_arena_create(size_t block_size, size_t cap)
{
	sk_arena *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->block_size = block_size < 256 ? 256 : ROUND(block_size);
	a->cap = cap ? cap : SK_ARENA_DEFAULT_CAP;
	a->first = a->head = block_new(a->block_size);
	if (!a->first) {
		free(a);
		return NULL;
	}
	use_block(a, a->first);
	return a;
}

static void run_cleanups(sk_arena *a)
{
	while (a->cleanups) {
		cleanup *c = a->cleanups;
		a->cleanups = c->next;
		c->fn(c->data);
	}
}

static void free_extra(sk_arena *a)
{
	block *b = a->head;
	while (b && b != a->first) {
		block *next = b->next;
		free(b);
		b = next;
	}
	a->first->next = NULL;
	a->used_before = 0;
	use_block(a, a->first);
#ifdef SK_ARENA_MALLOC
	for (size_t i = 0; i < a->nptrs; i++)
		free(a->ptrs[i]);
	a->nptrs = 0;
#endif
}

void sk_arena_reset(sk_arena *a)
{
	if (!a)
		return;
	run_cleanups(a);
	free_extra(a);
}

void sk_arena_destroy(sk_arena *a)
{
	if (!a)
		return;
	sk_arena_reset(a);
	free(a->first);
#ifdef SK_ARENA_MALLOC
	free(a->ptrs);
#endif
	free(a);
}

void *sk_arena_alloc_slow(sk_arena *a, size_t n)
{
	if (n == 0)
		n = 1;
	size_t used = sk_arena_used(a);
	/* Past SIZE_MAX - 15 the rounded size would wrap to 0. */
	if (n > a->cap || used > a->cap - n || n > SIZE_MAX - (ALIGN - 1))
		return NULL;
#ifdef SK_ARENA_MALLOC
	if (a->nptrs == a->ptrs_cap) {
		size_t nc = a->ptrs_cap ? a->ptrs_cap * 2 : 64;
		void **np = realloc(a->ptrs, nc * sizeof *np);
		if (!np)
			return NULL;
		a->ptrs = np;
		a->ptrs_cap = nc;
	}
	void *p = malloc(n);
	if (!p)
		return NULL;
	a->ptrs[a->nptrs++] = p;
	a->used_before += n;
	return p;
#else
	size_t need = ROUND(n);
	if (need > a->cap - used)
		return NULL; /* n fits under the cap, its rounded size does not */
	if ((size_t)(a->top.end - a->top.cur) < need) {
		/* Big requests get a block of their own so the usual block size
		 * stays small. */
		size_t size = need > a->block_size ? need : a->block_size;
		block *nb = block_new(size);
		if (!nb)
			return NULL;
		nb->next = a->head;
		a->used_before = used;
		use_block(a, nb);
	}
	uint8_t *p = a->top.cur;
	a->top.cur += need;
	return p;
#endif
}

void *sk_arena_calloc(sk_arena *a, size_t n)
{
	void *p = sk_arena_alloc(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

void *sk_arena_realloc(sk_arena *a, void *old, size_t old_n, size_t new_n)
{
	if (!old)
		return sk_arena_alloc(a, new_n);
#ifndef SK_ARENA_MALLOC
	/* The last allocation ends where the free bytes start (an older one
	 * cannot: it ends before a later one starts, or in another block). */
	sk_arena_top *t = &a->top;
	uint8_t *o = old;
	if (o + ROUND(old_n) == t->cur && ROUND(new_n) >= ROUND(old_n) &&
	    ROUND(new_n) - ROUND(old_n) <= (size_t)(t->end - t->cur)) {
		t->cur += ROUND(new_n) - ROUND(old_n);
		return old;
	}
#endif
	void *p = sk_arena_alloc(a, new_n);
	if (p)
		memcpy(p, old, old_n < new_n ? old_n : new_n);
	return p;
}

uint8_t *sk_arena_dup(sk_arena *a, const void *p, size_t n)
{
	uint8_t *d = sk_arena_alloc(a, n);
	if (d && n)
		memcpy(d, p, n);
	return d;
}

char *sk_arena_strndup(sk_arena *a, const void *p, size_t n)
{
	char *d = sk_arena_alloc(a, n + 1);
	if (!d)
		return NULL;
	if (n)
		memcpy(d, p, n);
	d[n] = 0;
	return d;
}

char *sk_arena_printf(sk_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *d = sk_arena_alloc(a, (size_t)n + 1);
	if (!d)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

size_t sk_arena_used(const sk_arena *a)
{
#ifdef SK_ARENA_MALLOC
	return a->used_before;
#else
	return a->used_before + used_here(a);
#endif
}

int sk_arena_on_cleanup(sk_arena *a, sk_cleanup_fn fn, void *data)
{
	cleanup *c = sk_arena_alloc(a, sizeof *c);
	if (!c)
		return -1;
	c->fn = fn;
	c->data = data;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}
