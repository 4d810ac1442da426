/* One write of copied bytes: the caller's buffer may go away at once. */
#include <stdlib.h>
#include <string.h>

#include "gateway/internal.h"

typedef struct wreq {
	uv_write_t req; /* first: the callback gets this pointer back */
	uv_write_cb done;
	void *data;
	uint8_t bytes[];
} wreq;

static void on_written(uv_write_t *r, int status)
{
	wreq *w = (wreq *)r;
	uv_write_cb done = w->done;
	void *data = w->data;
	free(w);
	/* The callback sees a request whose data is the handle's owner, as if
	 * it had made the write itself; it frees nothing. */
	if (done) {
		uv_write_t shim;
		shim.data = data;
		done(&shim, status);
	}
}

int gw_write(uv_stream_t *s, const void *p, size_t n, uv_write_cb done)
{
	/* Most writes go out at once: try that first, without a request, a
	 * copy or a change to the loop's watchers (libuv re-arms epoll after
	 * every queued write). Only the rest is queued. It refuses while
	 * earlier writes wait, so order is kept. */
	uv_buf_t tb = uv_buf_init((char *)(uintptr_t)p, (unsigned)n);
	int k = uv_try_write(s, &tb, 1);
	if (k == (int)n)
		return 0;
	if (k > 0) {
		p = (const uint8_t *)p + k;
		n -= (size_t)k;
	} else if (k != UV_EAGAIN && k != UV_ENOSYS) {
		return k;
	}
	wreq *w = malloc(sizeof *w + n);
	if (!w)
		return UV_ENOMEM;
	memcpy(w->bytes, p, n);
	w->done = done;
	w->data = s->data;
	uv_buf_t b = uv_buf_init((char *)w->bytes, (unsigned)n);
	int rc = uv_write(&w->req, s, &b, 1, on_written);
	if (rc != 0)
		free(w);
	return rc;
}
