/* placeholder: being written */
#include "detect/detect.h"

bool sk_detect_command(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)p, (void)n, (void)level, (void)m;
	return false;
}

bool sk_detect_windows_command(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)p, (void)n, (void)level, (void)m;
	return false;
}
