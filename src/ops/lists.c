#include "ops/lists.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "rules/iplist.h"

sk_status sk_lists_config_read(json_t *cfg, const char *file, sk_lists_config *out, sk_error *err)
{
	memset(out, 0, sizeof *out);
	json_t *lists = json_object_get(cfg, "lists");
	if (!lists)
		return SK_OK;
	if (!json_is_object(lists))
		return sk_fail(err, SK_E_INVALID,
		               "%s: lists: expected a mapping with dir and sources", file);
	json_t *dir = json_object_get(lists, "dir");
	if (dir && !json_is_string(dir))
		return sk_fail(err, SK_E_INVALID, "%s: lists.dir: expected a folder path", file);
	out->dir = dir ? json_string_value(dir) : NULL;
	json_t *src = json_object_get(lists, "sources");
	if (!src)
		return SK_OK;
	if (!json_is_object(src))
		return sk_fail(err, SK_E_INVALID,
		               "%s: lists.sources: expected a mapping of list name to URL", file);
	out->sources = calloc(json_object_size(src) + 1, sizeof *out->sources);
	if (!out->sources)
		return sk_fail(err, SK_E_NOMEM, "out of memory");
	const char *k;
	json_t *v;
	json_object_foreach(src, k, v)
	{
		const char *url = json_string_value(v);
		bool name_ok = *k != 0;
		for (const char *c = k; *c; c++)
			name_ok &= (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
			           *c == '-' || *c == '_';
		if (!name_ok) {
			sk_lists_config_free(out);
			return sk_fail(
			    err, SK_E_INVALID,
			    "%s: lists.sources.%s: expected a list name of a-z, 0-9, - and _", file,
			    k);
		}
		if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0 &&
		             strncmp(url, "file://", 7) != 0)) {
			sk_lists_config_free(out);
			return sk_fail(
			    err, SK_E_INVALID,
			    "%s: lists.sources.%s: expected an http://, https:// or file:// URL",
			    file, k);
		}
		out->sources[out->n].name = k;
		out->sources[out->n++].url = url;
	}
	return SK_OK;
}

void sk_lists_config_free(sk_lists_config *c)
{
	free(c->sources);
	c->sources = NULL;
	c->n = 0;
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	sk_buf *b = ud;
	/* Returning less than given makes curl stop with a write error. */
	return sk_buf_append(b, p, size * n) == SK_OK ? size * n : 0;
}

/* Writes data to dir/name.txt through a temporary file and rename, so a
 * reader sees the old list or the new one, never half of one. */
static sk_status install(const char *dir, const char *name, const sk_buf *data, sk_error *err)
{
	char tmp[4096], path[4096];
	snprintf(path, sizeof path, "%s/%s.txt", dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.txt.%ld", dir, name, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return sk_fail(err, SK_E_IO, "%s: cannot write: %s", tmp, strerror(errno));
	size_t off = 0;
	while (off < data->n) {
		ssize_t w = write(fd, data->p + off, data->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			return sk_fail(err, SK_E_IO, "%s: write failed: %s", tmp, strerror(e));
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		unlink(tmp);
		return sk_fail(err, SK_E_IO, "%s: cannot flush to disk: %s", tmp, strerror(errno));
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return sk_fail(err, SK_E_IO, "%s: cannot put in place: %s", path, strerror(e));
	}
	return SK_OK;
}

sk_status sk_list_update(const char *dir, const sk_list_source *src, long timeout_s, size_t *ranges,
                         sk_error *err)
{
	*ranges = 0;
	if (!dir)
		dir = SK_LISTS_DIR_DEFAULT;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return sk_fail(err, SK_E_IO, "%s: cannot create the lists folder: %s", dir,
		               strerror(errno));
	CURL *c = curl_easy_init();
	if (!c)
		return sk_fail(err, SK_E_NOMEM, "out of memory");
	sk_buf b;
	sk_buf_init(&b, SK_LIST_MAX_BYTES);
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, src->url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "sekisho-lists/1");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	CURLcode rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	sk_status st = SK_OK;
	if (rc != CURLE_OK) {
		st = sk_fail(err, SK_E_IO,
		             "list %s: download from %s failed: %s; the old list stays", src->name,
		             src->url,
		             rc == CURLE_WRITE_ERROR ? "larger than 64 MiB"
		                                     : (cerr[0] ? cerr : curl_easy_strerror(rc)));
		goto out;
	}
	/* Parse before installing: a list that does not parse, or holds
	 * nothing, must not replace a good one. */
	sk_arena *a = sk_arena_create(1 << 16, 0);
	sk_ip_set set = {0};
	sk_error perr = {0};
	char where[512];
	snprintf(where, sizeof where, "%s (from %s)", src->name, src->url);
	st = a ? sk_iplist_parse(where, b.p ? (const char *)b.p : "", b.n, a, &set, &perr)
	       : SK_E_NOMEM;
	*ranges = set.n;
	sk_arena_destroy(a);
	if (st)
		st = sk_fail(err, st, "%s; the old list stays",
		             perr.msg[0] ? perr.msg : "out of memory");
	else if (set.n == 0)
		st = sk_fail(
		    err, SK_E_INVALID,
		    "list %s: the download from %s holds no address ranges; the old list stays",
		    src->name, src->url);
	else
		st = install(dir, src->name, &b, err);
out:
	sk_buf_free(&b);
	return st;
}
