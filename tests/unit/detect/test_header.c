/* sk_detect_header_injection: attacks caught at both levels, benign text passed. */
#include "lists.h"

static const char *const attacks[] = {
    "%0d%0aSet-Cookie:crlf=injection",
    "\r\nSet-Cookie: a=b",
    "/x\nLocation: http://evil.example/",
    "me@example.com\r\nBcc: everyone@example.com",
    "Hello\r\nCc: a@evil.example",
    "\r\nV100 CAPABILITY\r\nV101 FETCH 4791",
    "\r\nQUIT\r\n",
    "\nRCPT TO: test@evil.com\n",
    "%0aSet-cookie:crlf=injection",
    "%0A%0DSet-cookie:crlf=injection",
    "\xe5\x98\x8dSet-cookie:crlf=injection",
    "a\r\n\r\nHTTP/1.1 200 OK",
    "x\r\nMAIL FROM:<a@b>",
    "\nContent-Length: 0",
    "a\nA1 LOGIN user pass",
    /* text with LF line ends only, read from line end to line end */
    "A post of several lines,\nwith nothing but LF between them,\nand more text here\n"
    "than a form field holds.\nSet-Cookie: session=stolen",
    "a few lines\nof text\nhttp/1.1 200 OK",
};

static const char *const benign[] = {
    "line one\nline two",
    "Dear team,\nThanks for the help.\nRegards",
    "Notes:\nTo: do list",
    "Hello\nSubject: my order",
    "A long comment that goes on for a while and explains the situation in some detail, more than "
    "one line would hold in a form field.\nFrom: the docs\nTo: you",
    "Steps:\n1. quit the app\n2. restart",
    "First\nData\nmore",
    "50%0 off",
    "Set-Cookie: in text",
    "\xe5\x98\x8d Chinese text",
    "Summary:\nDATA is important",
    "status\nHTTP is a protocol",
    "\nLocation of the office: Paris",
    "a\nList of items",
    "\nquit smoking",
};

LIST_TESTS(sk_detect_header_injection)
