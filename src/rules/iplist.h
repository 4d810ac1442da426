/* IP lists for the reputation and anonymous-IP groups: text files of
 * address ranges, one a line, in the common public blocklist formats. */
#ifndef SK_RULES_IPLIST_H
#define SK_RULES_IPLIST_H

#include "base/arena.h"
#include "base/error.h"
#include "waf/acl.h"

/* Default folder of list files: <dir>/<name>.txt. */
#define SK_LISTS_DIR_DEFAULT "/var/lib/sekisho/lists"

/* Parses a list. Accepted per line, after trimming: empty or starting with
 * '#' or ';' (comment); an IPv4 or IPv6 address or CIDR range as the first
 * word, optionally followed by white space, ';' or '#' and anything (the
 * Spamhaus DROP, FireHOL netset and plain formats). Anything else is an
 * error naming file:line. The ranges go into *set, allocated from a. */
SK_MUST_CHECK sk_status sk_iplist_parse(const char *file, const char *text, size_t n, sk_arena *a,
					sk_ip_set *set, sk_error *err);

/* Loads dir/name.txt into *set. SK_E_IO when the file does not exist or
 * cannot be read (set is then empty); other errors as sk_iplist_parse. */
SK_MUST_CHECK sk_status sk_iplist_load(const char *dir, const char *name, sk_arena *a,
				       sk_ip_set *set, sk_error *err);

#endif
