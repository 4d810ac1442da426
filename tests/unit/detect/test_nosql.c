/* sk_detect_nosql: attacks caught at both levels, benign text passed. */
#include "lists.h"

static const char *const attacks[] = {
    "abc=0;var d=new Date(); do{c=new Date();}while(c-d<10000)",
    "/0;var d=new Date(); do{c=new Date();}while(c-d<10000)",
    "{\"q\": \"1; return this.password\"}",
    "user[$ne]=admin",
    "password[$gt]=",
    "{\"password\": {\"$ne\": null}}",
    "{'$where': 'sleep(100)'}",
    "true, $where: '99 == 88'",
    "', $or: [ {}, { 'a':'a",
    "{\"username\": {\"$regex\": \"^adm\"}}",
    "login[$nin][]=x",
    "db.users.insert({admin:1});",
    "db.dropDatabase()",
    "db.getCollection(\"users\")",
    "0;var d=new Date(); do{c=new Date();}while(c-d<10000)",
    "';return true;var a='",
    ";var date = new Date(); do{curDate = new Date();}while(curDate-date",
    "1; sleep(5000)",
    "{\"$expr\": {\"$function\": {\"body\": \"x\"}}}",
    "{ $accumulator: {} }",
};

static const char *const benign[] = {
    "note=see page 3; thanks for the help",
    "{\"css\": \"a { color: red; }\"}",
    "Price is $10, not $20",
    "echo $HOME; ls",
    "$text: #333; $size: 12px;",
    "a$b",
    "db.example.com",
    "see db.users for details",
    "x = 1; var y = 2",
    "hello; world is nice",
    "$ne",
    "the $where clause",
    "cost: $5",
    "{\"price\": 10, \"currency\": \"USD\"}",
    "for (i = 0; i < n; i++) { sum += i; }",
    "O'Brien; the man",
    "mydb.users.find",
    "$gtk_version: 3",
};

LIST_TESTS(sk_detect_nosql)
