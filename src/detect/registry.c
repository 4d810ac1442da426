/* Every detector by name. Rules reach them through SqliMatchStatement,
 * XssMatchStatement, or sekisho's SekishoDetectorStatement. */
#include <string.h>

#include "detect/detect.h"

static bool sqli(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	return sk_detect_sqli(p, n, level ? SK_SQLI_HIGH : SK_SQLI_LOW, m);
}

static bool xss(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	return sk_detect_xss(p, n, m);
}

static const sk_detector detectors[] = {
	{"SQLI", "SQL injection", sqli, "SQL injection: input that changes the structure of a SQL query"},
	{"XSS", "cross-site scripting", xss, "cross-site scripting: input that runs script in an HTML page"},
};

const sk_detector *sk_detector_find(const char *name)
{
	for (size_t i = 0; i < sizeof detectors / sizeof detectors[0]; i++)
		if (strcmp(detectors[i].name, name) == 0)
			return &detectors[i];
	return NULL;
}

const sk_detector *sk_detector_list(size_t *n)
{
	*n = sizeof detectors / sizeof detectors[0];
	return detectors;
}
