/* AWS WAF log records, one JSON line each. Each worker gathers lines and
 * writes them in batches (every 200 ms, or at 64 KiB), so the request
 * path makes no system call for logging; a lock keeps the lines of two
 * workers from interleaving. */
#include <errno.h>
#include <unistd.h>

#include "gateway/internal.h"

#define LOG_BATCH ((size_t)64 << 10)

void gw_log_flush(gw_worker *w)
{
	gw_server *s = w->srv;
	if (w->log.n == 0 || s->log_fd < 0)
		return;
	pthread_mutex_lock(&s->log_lock);
	size_t off = 0;
	while (off < w->log.n) {
		ssize_t k = write(s->log_fd, w->log.p + off, w->log.n - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* a full disk loses log lines, never requests */
		off += (size_t)k;
	}
	pthread_mutex_unlock(&s->log_lock);
	sk_buf_clear(&w->log);
}

void gw_log_record(gw_worker *w, const sk_buf *record)
{
	if (sk_buf_append(&w->log, record->p, record->n)) {
		gw_log_flush(w);
		if (sk_buf_append(&w->log, record->p, record->n))
			return;
	}
	if (w->log.n >= LOG_BATCH)
		gw_log_flush(w);
}
