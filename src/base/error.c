#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *sk_strerror(sk_status s)
{
	switch (s) {
	case SK_OK: return "ok";
	case SK_AGAIN: return "incomplete input";
	case SK_E_NOMEM: return "out of memory";
	case SK_E_INVALID: return "invalid input";
	case SK_E_IO: return "input/output error";
	case SK_E_LIMIT: return "limit exceeded";
	case SK_E_UNSUPPORTED: return "unsupported";
	case SK_E_INTERNAL: return "internal error";
	}
	return "unknown error";
}

sk_status sk_fail(sk_error *err, sk_status status, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->status = status;
	}
	return status;
}

void sk_error_prefix(sk_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	char pre[SK_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(pre, sizeof pre - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t pn = strlen(pre);
	memcpy(pre + pn, ": ", 3);
	pn += 2;
	/* Shift the old message right, dropping what no longer fits. */
	size_t old = strnlen(err->msg, sizeof err->msg - 1);
	if (pn + old > sizeof err->msg - 1)
		old = sizeof err->msg - 1 - pn;
	memmove(err->msg + pn, err->msg, old);
	memcpy(err->msg, pre, pn);
	err->msg[pn + old] = 0;
}
