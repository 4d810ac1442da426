#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/arena.h"

static void alloc_is_aligned_and_writable(void **state)
{
	(void)state;
	sk_arena *a = sk_arena_create(256, 0);
	assert_non_null(a);
	for (int i = 1; i < 2000; i += 37) {
		uint8_t *p = sk_arena_alloc(a, (size_t)i);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 0xab, (size_t)i);
	}
	sk_arena_destroy(a);
}

static void cap_is_enforced(void **state)
{
	(void)state;
	sk_arena *a = sk_arena_create(1024, 4096);
	assert_non_null(sk_arena_alloc(a, 4000));
	assert_null(sk_arena_alloc(a, 200));
	sk_arena_reset(a);
	assert_non_null(sk_arena_alloc(a, 4000));
	assert_null(sk_arena_alloc(a, (size_t)-1));
	sk_arena_destroy(a);

	/* The inline path stops at the cap too, inside one block: 512 bytes
	 * are 32 allocations of 16. */
	a = sk_arena_create(1024, 512);
	int n = 0;
	while (n < 100 && sk_arena_alloc(a, 16))
		n++;
	assert_int_equal(n, 32);
	assert_int_equal(sk_arena_used(a), 512);
	sk_arena_reset(a);
	assert_non_null(sk_arena_alloc(a, 512));
	assert_null(sk_arena_alloc(a, 1));
	sk_arena_destroy(a);
}

static void realloc_keeps_bytes(void **state)
{
	(void)state;
	sk_arena *a = sk_arena_create(512, 0);
	char *p = sk_arena_alloc(a, 10);
	memcpy(p, "0123456789", 10);
	char *q = sk_arena_realloc(a, p, 10, 5000);
	assert_non_null(q);
	assert_memory_equal(q, "0123456789", 10);
	sk_arena_destroy(a);

	/* The last allocation grows in place; an earlier one moves, and what
	 * came after it keeps its bytes. */
	a = sk_arena_create(512, 0);
	p = sk_arena_alloc(a, 10);
	memcpy(p, "0123456789", 10);
	q = sk_arena_realloc(a, p, 10, 100);
#ifndef SK_ARENA_MALLOC /* the sanitizer build: every allocation is a malloc */
	assert_ptr_equal(q, p);
#endif
	char *r = sk_arena_alloc(a, 10);
	memcpy(r, "abcdefghij", 10);
	char *s = sk_arena_realloc(a, q, 100, 200);
	assert_non_null(s);
	assert_ptr_not_equal(s, q);
	assert_memory_equal(s, "0123456789", 10);
	memset(s, 'x', 200);
	assert_memory_equal(r, "abcdefghij", 10);
	sk_arena_destroy(a);
}

static int cleaned;
static void on_clean(void *d)
{
	cleaned += *(int *)d;
}

static void cleanups_run_on_reset(void **state)
{
	(void)state;
	sk_arena *a = sk_arena_create(512, 0);
	int one = 1, two = 2;
	cleaned = 0;
	assert_int_equal(sk_arena_on_cleanup(a, on_clean, &one), 0);
	assert_int_equal(sk_arena_on_cleanup(a, on_clean, &two), 0);
	sk_arena_reset(a);
	assert_int_equal(cleaned, 3);
	sk_arena_destroy(a);
	assert_int_equal(cleaned, 3);
	char *s = NULL;
	a = sk_arena_create(512, 0);
	s = sk_arena_printf(a, "%s-%d", "x", 42);
	assert_string_equal(s, "x-42");
	sk_arena_destroy(a);
}

/* The inline bump path and the out-of-line block path together: random
 * sizes (some past the block size), in-place growth of the last
 * allocation, and resets; every allocation keeps its own bytes and the
 * byte count stays within the cap. */
static void random_allocations_never_overlap(void **state)
{
	(void)state;
	enum { N = 400 };
	static uint8_t *ptr[N];
	static size_t len[N];
	sk_arena *a = sk_arena_create(256, 1 << 20);
	assert_non_null(a);
	uint32_t seed = 99;
	for (int round = 0; round < 50; round++) {
		size_t k = 0;
		while (k < N) {
			seed = seed * 1103515245u + 12345u;
			uint32_t r = seed >> 8;
			size_t n = r % 8 == 0 ? r % 3000 : r % 100;
			if (k && r % 5 == 0) {
				/* Grow the last allocation (in place when it fits). */
				size_t grown = len[k - 1] + r % 500;
				uint8_t *q = sk_arena_realloc(a, ptr[k - 1], len[k - 1], grown);
				if (!q)
					break;
				for (size_t i = 0; i < len[k - 1]; i++)
					assert_int_equal(q[i], (uint8_t)(k - 1));
				memset(q, (int)(uint8_t)(k - 1), grown);
				ptr[k - 1] = q;
				len[k - 1] = grown;
			}
			uint8_t *p = sk_arena_alloc(a, n);
			if (!p)
				break; /* the cap */
			assert_int_equal((uintptr_t)p % 16, 0);
			memset(p, (int)(uint8_t)k, n);
			ptr[k] = p;
			len[k++] = n;
		}
		for (size_t j = 0; j < k; j++)
			for (size_t i = 0; i < len[j]; i++)
				if (ptr[j][i] != (uint8_t)j)
					fail_msg("round %d: allocation %zu was overwritten", round,
					         j);
		assert_true(sk_arena_used(a) <= (size_t)(1 << 20) + 16);
		sk_arena_reset(a);
		assert_int_equal(sk_arena_used(a), 0);
	}
	sk_arena_destroy(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(alloc_is_aligned_and_writable),
	    cmocka_unit_test(cap_is_enforced),
	    cmocka_unit_test(realloc_keeps_bytes),
	    cmocka_unit_test(cleanups_run_on_reset),
	    cmocka_unit_test(random_allocations_never_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
