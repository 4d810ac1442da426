/* sk_detect_ldap: attacks caught at both levels, benign text passed. */
#include "lists.h"

static const char *const attacks[] = {
    "(&(uid=admin)(!(&(1=0)(userPassword=q))))",
    "*(|(objectclass=*))",
    "userPassword:2.5.13.18:=123",
    "admin)(&)",
    "*)(uid=*))(|(uid=*",
    "x)(|(cn=*)",
    "cn:dn:=John",
    "(|(mail=*)(uid=*))",
    "jdoe)(userPassword=*)",
    "(!(objectClass=person))",
    "sn:1.2.840.113556.1.4.803:=2",
};

static const char *const benign[] = {
    "(see below)(and more)",
    "if (!(x == y)) return;",
    "f(a)(b)",
    "time: 12:30",
    "a:=b",
    "(a=1)",
    "Note (a=b) here",
    "x := 5",
    "http://example.com/a:b",
    "(&) ampersand",
    "while ((c = getc()) != EOF)",
    "f(x)(y == 2)",
    "std::map<int, int>",
    "ratio 1:2:=3",
};

LIST_TESTS(sk_detect_ldap)
