/* Region allocator: one arena per request (and per connection in the
 * gateway); everything is freed at once by reset or destroy. Each arena has
 * a byte cap so one hostile request cannot take the whole heap.
 *
 * Debug switch: building with -DSK_ARENA_MALLOC (the sanitizer build does)
 * sends every allocation to malloc, so ASan sees each one on its own. */
#ifndef SK_BASE_ARENA_H
#define SK_BASE_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "base/str.h"

typedef struct sk_arena sk_arena;

/* block: size of the usual block; cap: most bytes it may hand out
 * (0 means SK_ARENA_DEFAULT_CAP). */
#define SK_ARENA_DEFAULT_CAP ((size_t)512 << 20)
sk_arena *sk_arena_create(size_t block, size_t cap);
void sk_arena_destroy(sk_arena *a);
/* Frees everything but the first block, and runs cleanup hooks. */
void sk_arena_reset(sk_arena *a);

/* The bump pointer, public only so that the common case of sk_arena_alloc
 * can be inlined (the evaluator allocates a few hundred times a request);
 * it is the first member of sk_arena. Touch it only through the functions
 * below. end already takes the byte cap into account, so the common case
 * is one comparison. */
typedef struct sk_arena_top {
	uint8_t *cur, *end; /* the free bytes of the current block, up to the cap */
} sk_arena_top;

/* The out-of-line part of sk_arena_alloc: a new block, or the cap. */
void *sk_arena_alloc_slow(sk_arena *a, size_t n);

/* 16-byte aligned; NULL when malloc fails or the cap is reached. */
static inline void *sk_arena_alloc(sk_arena *a, size_t n)
{
#ifndef SK_ARENA_MALLOC
	sk_arena_top *t = (sk_arena_top *)a;
	/* need - 1 wraps for n == 0 and for sizes near SIZE_MAX, which then
	 * take the slow path like everything that does not fit. */
	size_t need = (n + 15) & ~(size_t)15;
	if (need - 1 < (size_t)(t->end - t->cur)) {
		uint8_t *p = t->cur;
		t->cur += need;
		return p;
	}
#endif
	return sk_arena_alloc_slow(a, n);
}
void *sk_arena_calloc(sk_arena *a, size_t n);
/* Grows old, of old_n bytes, in place when it is the last allocation and
 * there is room, else copies (old bytes kept). */
void *sk_arena_realloc(sk_arena *a, void *old, size_t old_n, size_t new_n);
uint8_t *sk_arena_dup(sk_arena *a, const void *p, size_t n);
/* NUL-terminated copy (a NUL is appended; the bytes may hold others). */
char *sk_arena_strndup(sk_arena *a, const void *p, size_t n);
char *sk_arena_printf(sk_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t sk_arena_used(const sk_arena *a);

typedef void (*sk_cleanup_fn)(void *data);
/* Runs fn(data) at reset or destroy, last added first. 0 on success. */
int sk_arena_on_cleanup(sk_arena *a, sk_cleanup_fn fn, void *data);

#endif
