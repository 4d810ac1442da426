/* A paced load generator for the event-store load check: CONNS threads,
 * each with one keep-alive connection to 127.0.0.1:PORT, send a blocked
 * request at RATE/CONNS per second (absolute deadlines, so a slow answer
 * does not lower the rate) for SECONDS, and time each answer.
 * usage: blast PORT RATE SECONDS [CONNS] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char req[] =
    "GET /search?q=1%27%20OR%20%271%27%3D%271 HTTP/1.1\r\nHost: shop.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: text/html\r\n\r\n";

typedef struct job {
	int port;
	double rate, secs;
	double *lat;
	size_t n, cap;
	long s403, other, errors;
} job;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads one response with a Content-Length body; returns its status. */
static int response(int fd, char *buf, size_t cap)
{
	size_t have = 0;
	char *end = NULL;
	while (!end) {
		ssize_t k = read(fd, buf + have, cap - have - 1);
		if (k <= 0)
			return -1;
		have += (size_t)k;
		buf[have] = 0;
		end = strstr(buf, "\r\n\r\n");
		if (!end && have == cap - 1)
			return -1;
	}
	const char *cl = strcasestr(buf, "content-length:");
	size_t body = cl ? strtoul(cl + 15, NULL, 10) : 0;
	size_t need = (size_t)(end + 4 - buf) + body;
	while (have < need) {
		ssize_t k = read(fd, buf + have, cap - have - 1 < need - have ? cap - have - 1 : need - have);
		if (k <= 0)
			return -1;
		have += (size_t)k;
	}
	return atoi(buf + 9);
}

static void *run(void *arg)
{
	job *j = arg;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)j->port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		j->errors++;
		return NULL;
	}
	char buf[16384];
	double start = now(), step = 1.0 / j->rate, next = start;
	while (next < start + j->secs) {
		double t = now();
		if (next > t) {
			struct timespec d = {(time_t)(next - t), (long)((next - t - (double)(time_t)(next - t)) * 1e9)};
			nanosleep(&d, NULL);
		}
		next += step;
		double t0 = now();
		if (write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) {
			j->errors++;
			break;
		}
		int st = response(fd, buf, sizeof buf);
		if (st < 0) {
			j->errors++;
			break;
		}
		if (j->n == j->cap) {
			j->cap = j->cap ? j->cap * 2 : 4096;
			j->lat = realloc(j->lat, j->cap * sizeof *j->lat);
		}
		j->lat[j->n++] = now() - t0;
		if (st == 403)
			j->s403++;
		else
			j->other++;
	}
	close(fd);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: blast PORT RATE SECONDS [CONNS]\n");
		return 2;
	}
	int conns = argc > 4 ? atoi(argv[4]) : 8;
	job *jobs = calloc((size_t)conns, sizeof *jobs);
	pthread_t *th = calloc((size_t)conns, sizeof *th);
	double t0 = now();
	for (int i = 0; i < conns; i++) {
		jobs[i] = (job){.port = atoi(argv[1]), .rate = atof(argv[2]) / conns, .secs = atof(argv[3])};
		pthread_create(&th[i], NULL, run, &jobs[i]);
	}
	size_t n = 0;
	long s403 = 0, other = 0, errors = 0;
	for (int i = 0; i < conns; i++) {
		pthread_join(th[i], NULL);
		n += jobs[i].n;
		s403 += jobs[i].s403;
		other += jobs[i].other;
		errors += jobs[i].errors;
	}
	double took = now() - t0;
	double *all = malloc((n ? n : 1) * sizeof *all);
	size_t k = 0;
	for (int i = 0; i < conns; i++) {
		memcpy(all + k, jobs[i].lat, jobs[i].n * sizeof *all);
		k += jobs[i].n;
		free(jobs[i].lat);
	}
	qsort(all, n, sizeof *all, cmp);
	printf("sent %zu requests in %.1f s (%.0f/s): %ld answered 403, %ld other, %ld errors\n", n,
	       took, (double)n / took, s403, other, errors);
	if (n)
		printf("latency us: p50 %.0f  p99 %.0f  p99.9 %.0f  max %.0f\n", all[n / 2] * 1e6,
		       all[(size_t)((double)n * 0.99)] * 1e6, all[(size_t)((double)n * 0.999)] * 1e6,
		       all[n - 1] * 1e6);
	free(all);
	free(jobs);
	free(th);
	return errors ? 1 : 0;
}
