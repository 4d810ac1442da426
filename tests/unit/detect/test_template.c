/* sk_detect_template: attacks caught at both levels, benign text passed. */
#include "lists.h"

static const char *const attacks[] = {
    "{{7*7}}",
    "{{1337*1338}}",
    "${7*7}",
    "#{16*8787}",
    "aaaa\\u0027+#{16*8787}+\\u0027bbb",
    "<%= 7*7 %>",
    "{{7*'7'}}",
    "*{7*7}",
    "@(1+2)",
    "{{''.__class__.__mro__[1].__subclasses__()}}",
    "{{config.items()}}",
    "<#assign ex = \"freemarker.template.utility.Execute\"?new()>${ ex(\"id\")}",
    "${T(java.lang.Runtime).getRuntime().exec('id')}",
    "{{_self.env.registerUndefinedFilterCallback(\"exec\")}}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "#set($x = $class.forName('java.lang.Runtime'))",
    "{{constructor.constructor('alert(1)')()}}",
    "<#assign x = 1>",
};

static const char *const benign[] = {
    "${{ github.sha }}",
    "${HOME}",
    "${GNUPGHOME:-~/.gnupg}",
    "{{ .Values.image.tag }}",
    "{{#each items}}{{name}}{{/each}}",
    "Hello {{ user.name }}",
    "${lang_code}",
    "#{id}",
    "price * 7 = total",
    "{{ 7 }}",
    "<% if user %>",
    "50% {7*7}",
    "C# {x}",
    "$(( 1 + 2 ))",
    "{% for x in items %}{{ x }}{% endfor %}",
    "@(user.Name)",
    "<#-- comment -->",
    "{{ a * b }}",
};

LIST_TESTS(sk_detect_template)
