/* Timeouts that move several times a request (each read, each write, each
 * new request on a connection) cost no timer operation when they move: the
 * deadline is a number, and the libuv timer behind it is restarted only when
 * it would fire too late, or when it fires before the deadline. */
#include "gateway/internal.h"

void gw_deadline_set(gw_deadline *d, uv_timer_t *t, uv_timer_cb cb, uint64_t ms)
{
	d->at = uv_now(t->loop) + ms;
	if (!uv_is_active((const uv_handle_t *)t) || d->due > d->at) {
		uv_timer_start(t, cb, ms, 0);
		d->due = d->at;
	}
}

void gw_deadline_clear(gw_deadline *d)
{
	d->at = UINT64_MAX;
}

bool gw_deadline_passed(gw_deadline *d, uv_timer_t *t, uv_timer_cb cb)
{
	uint64_t now = uv_now(t->loop);
	if (now >= d->at)
		return true;
	if (d->at != UINT64_MAX) { /* moved since the timer was started */
		uv_timer_start(t, cb, d->at - now, 0);
		d->due = d->at;
	}
	return false;
}
